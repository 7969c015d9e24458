import Foundation

/// Measures the sharpness of a run's states (THEORY.md §8): lambda_max by `Lanczos` and the exact trace from a
/// `HessianOracle`, with the stability edges of discrete l2-SAM. The runners make one when the spec asks for
/// `sharpness` and measure every recorded row with it.
public struct SharpnessProbe: Sendable {
    /// Builds the Hessian oracle at the given layer-major weights.
    public typealias OracleFactory = @Sendable ([Double]) throws(SharpnessFailure) -> any HessianOracle

    /// The settings of the stability edges: eta and rho of a discrete l2-SAM run.
    public struct EdgeSettings: Equatable, Sendable {
        /// The step size eta.
        public var learningRate: Double
        /// The radius rho.
        public var rho: Double

        /// The edges of a run with step size eta and radius rho.
        public init(learningRate: Double, rho: Double) {
            self.learningRate = learningRate
            self.rho = rho
        }
    }

    let makeOracle: OracleFactory
    /// The edge settings, nil when the run has no edges.
    public let edges: EdgeSettings?
    /// Lanczos's relative tolerance (`Lanczos.defaultTolerance`, 1e-6).
    public let tolerance: Double

    /// A probe on any Hessian oracle (a model that is not diagonal brings its own).
    public init(edges: EdgeSettings? = nil, tolerance: Double = Lanczos.defaultTolerance, oracle: @escaping OracleFactory) {
        makeOracle = oracle
        self.edges = edges
        self.tolerance = tolerance
    }

    /// The probe of a model with a loss: `DiagonalHessian` for a diagonal model with a margin loss,
    /// `ParameterHessian` for any other pair.
    public init(model: any Model, loss: any TrainingLoss, dataset: Dataset, edges: EdgeSettings? = nil,
                tolerance: Double = Lanczos.defaultTolerance) {
        if let diagonal = model as? any DiagonalModel, let margin = loss as? any MarginLoss {
            self.init(edges: edges, tolerance: tolerance) { weights throws(SharpnessFailure) in
                try DiagonalHessian(model: diagonal, loss: margin, dataset: dataset, weights: weights)
            }
        } else {
            self.init(edges: edges, tolerance: tolerance) { weights throws(SharpnessFailure) in
                try ParameterHessian(model: model, loss: loss, dataset: dataset, weights: weights)
            }
        }
    }

    /// The probe a run of `spec` records with, or nil when the spec does not ask for sharpness. Discrete l2-SAM
    /// runs get the edges.
    public static func forRun(_ spec: RunSpec, components: RunComponents, dataset: Dataset) -> SharpnessProbe? {
        guard spec.sharpness else { return nil }
        let edges = spec.hasStabilityEdges ? EdgeSettings(learningRate: spec.discrete!.learningRate, rho: spec.rule.rho) : nil
        return SharpnessProbe(model: components.model, loss: components.loss, dataset: dataset, edges: edges)
    }

    /// The sharpness at `weights`: lambda_max = e^s theta_max and the trace e^s tr A, each nil (with the reason
    /// in `failure`) when it is not a finite number.
    public func measure(_ weights: [Double]) -> SharpnessRecord {
        var record = SharpnessRecord(lambdaMax: nil, hessianTrace: nil, hasEdges: edges != nil,
                                     gdEdge: edges.map { StabilityEdges.gd(learningRate: $0.learningRate) })
        let oracle: any HessianOracle
        do { oracle = try makeOracle(weights) } catch {
            record.failure = error.reason
            return record
        }
        if let edges {
            let edge = StabilityEdges.sam(learningRate: edges.learningRate, rho: edges.rho, logGradientNorm: oracle.logGradientNorm)
            record.samEdge = edge.isFinite ? edge : nil
        }
        record.hessianTrace = Self.unscaled(oracle.scaledTrace, logScale: oracle.logScale)
        do {
            let result = try Lanczos.largestEigenvalue(of: oracle, tolerance: tolerance)
            record.lambdaMax = Self.unscaled(result.eigenvalue, logScale: oracle.logScale)
        } catch {
            record.failure = error.reason
        }
        if record.failure == nil && (record.lambdaMax == nil || record.hessianTrace == nil) {
            record.failure = "the Hessian's eigenvalue or trace overflows a Double"
        }
        return record
    }

    /// e^s x without forming e^s alone (which may overflow while e^s x does not); nil when not finite.
    static func unscaled(_ x: Double, logScale s: Double) -> Double? {
        guard x != 0 else { return 0 }
        let value = (x < 0 ? -1 : 1) * Foundation.exp(s + Foundation.log(abs(x)))
        return value.isFinite ? value : nil
    }
}

extension RunSpec {
    /// Whether a run of this spec with sharpness records `gd_edge` and `sam_edge`: a discrete l2-SAM run.
    public var hasStabilityEdges: Bool { discrete != nil && rule.name == L2SAM.name }
}

extension RunResult {
    /// One line per reason for which recorded rows have no sharpness value: how many rows, and the first one's
    /// clock (for the command-line tool's warnings; empty when every value was computed).
    public var sharpnessWarnings: [String] {
        var order: [String] = [], counts: [String: (count: Int, first: Double)] = [:]
        for row in rows {
            guard let failure = row.sharpness?.failure else { continue }
            if let seen = counts[failure] { counts[failure] = (seen.count + 1, seen.first) } else {
                order.append(failure)
                counts[failure] = (1, row.clock)
            }
        }
        let clockName = clock == .step ? "step" : "t ="
        return order.map { reason in
            let (count, first) = counts[reason]!
            return "sharpness: null at \(count) of \(rows.count) recorded states (first at \(clockName) \(clock.text(first))): \(reason)"
        }
    }
}
