import Foundation

/// What a run produced, discrete or flow: one type for both, over the run's clock (steps or time).
///
/// A result is a value: analysis (`RunAnalysis`, the regime classifier) works on it in memory, `RunFolder` writes
/// it as `summary.json` + `trajectory.csv` and reads it back.
public struct RunResult: Sendable {
    /// The run's specification (the summary's `config`).
    public var spec: RunSpec
    /// How the run ended (THEORY.md §2.3).
    public var status: RunStatus
    /// Why the run ended as it did, in words (for events and failures).
    public var reason: String?
    /// The step or time of the event that ended the run (divergence, collapse, blow-up, convergence).
    public var eventClock: Double?
    /// The last step taken, or the flow's final time.
    public var endClock: Double
    /// The recorded states, first to last.
    public var rows: [TrajectoryRow]
    /// Leader periods by relative growth, decided from every step (discrete) or located on the dense output (flow).
    public var leaders: [LeaderPeriod]
    /// Leader periods by absolute growth.
    public var leadersAbsolute: [LeaderPeriod]
    /// The final state's observables, with beta.
    public var final: StateObservation
    /// The final weights, layer-major.
    public var finalWeights: [Double]
    /// How many weight vectors of length d the model has.
    public var layerCount: Int
    /// Examples and dimension of the data.
    public var examples: Int
    /// The data dimension d.
    public var dimension: Int
    /// Discrete runs: the first step at which each coordinate's weights crossed zero.
    public var zeroCrossings: [ZeroCrossing]
    /// Flows: the weights held at 0 by sliding modes.
    public var slides: [SlideRecord]
    /// Flows: the solver's work.
    public var solver: SolverReport?
    /// The coordinates with a non-zero feature (for the regime of a single-example run and collapse checks).
    public var mu: [Double]?
    /// The layers' shapes when they are not `layerCount` vectors of length d (the dense model's matrices).
    public var layerShapes: [LayerShape]?

    /// A result from its parts (the runners build it; tests and extensions may too).
    public init(spec: RunSpec, status: RunStatus, reason: String?, eventClock: Double?, endClock: Double, rows: [TrajectoryRow],
                leaders: [LeaderPeriod], leadersAbsolute: [LeaderPeriod], final: StateObservation, finalWeights: [Double],
                layerCount: Int, examples: Int, dimension: Int, zeroCrossings: [ZeroCrossing] = [], slides: [SlideRecord] = [],
                solver: SolverReport? = nil, mu: [Double]? = nil, layerShapes: [LayerShape]? = nil) {
        self.layerShapes = layerShapes
        self.spec = spec
        self.status = status
        self.reason = reason
        self.eventClock = eventClock
        self.endClock = endClock
        self.rows = rows
        self.leaders = leaders
        self.leadersAbsolute = leadersAbsolute
        self.final = final
        self.finalWeights = finalWeights
        self.layerCount = layerCount
        self.examples = examples
        self.dimension = dimension
        self.zeroCrossings = zeroCrossings
        self.slides = slides
        self.solver = solver
        self.mu = mu
    }

    /// Steps (discrete runs) or time (flows), from the spec.
    public var clock: Clock { spec.clock }

    /// The final beta.
    public var beta: [Double] { final.beta ?? [] }

    /// beta / ||beta||_2 (nil when beta = 0).
    public var direction: [Double]? { Self.direction(of: beta) }

    /// The final weights as one list per layer (for matrix layers, each layer's entries row-major).
    public var weightLayers: [[Double]] {
        guard let shapes = layerShapes else { return (0..<layerCount).map { Array(finalWeights[$0 * dimension..<($0 + 1) * dimension]) } }
        var offset = 0
        return shapes.map { shape in
            defer { offset += shape.count }
            return Array(finalWeights[offset..<offset + shape.count])
        }
    }

    /// The final weights of matrix layers as one list of rows per layer (out x in); nil when the layers are vectors.
    public var weightMatrices: [[[Double]]]? {
        guard let shapes = layerShapes, shapes.contains(where: { if case .matrix = $0 { true } else { false } }) else { return nil }
        return zip(shapes, weightLayers).map { shape, entries in
            guard case .matrix(let rows, let columns) = shape else { return [entries] }
            return (0..<rows).map { Array(entries[$0 * columns..<($0 + 1) * columns]) }
        }
    }

    /// The coordinates that led, in order, without the periods in which nothing grew (leader 0) and without
    /// repeats: `[2, 3, 4, 5, 6]` for minor first, major last.
    public var leaderSequence: [Int] { Regime.sequence(leaders) }

    /// beta_j (0-based j) of every recorded row that has beta, with the row's clock.
    public func betaSeries(_ j: Int) -> (clock: [Double], beta: [Double]) {
        let rows = self.rows.filter { $0.beta != nil }
        return (rows.map(\.clock), rows.map { $0.beta![j] })
    }

    /// The regime the run shows (THEORY.md §2.2): the one classifier of sweeps, `analyze` and the catalog.
    public var regime: Regime { Regime.observed(status: status, leaders: leaders, mu: mu) }

    /// beta / ||beta||_2, scaled first by the largest entry so that neither tiny nor huge beta over/underflows.
    /// With s = max_j |beta_j| and u = beta / s: u / ||u||_2, the sum of squares taken in order j = 1...d. Entry j
    /// is (beta_j / s) / ||u||_2 with s and ||u||_2 from `directionScaling(of:)`: one array is made, the same numbers
    /// as mapping twice.
    public static func direction(of beta: [Double]) -> [Double]? {
        guard let (scale, norm) = directionScaling(of: beta) else { return nil }
        return beta.map { $0 / scale / norm }
    }

    /// s = max_j |beta_j| and ||beta / s||_2 (the squares summed in order j = 1...d), from which `direction(of:)`
    /// makes entry j as (beta_j / s) / ||beta / s||_2; nil when beta is empty, 0 or has no finite largest entry (no
    /// direction). So a direction can be written entry by entry without holding it (`RunSummary`'s direction.npy).
    public static func directionScaling(of beta: [Double]) -> (scale: Double, norm: Double)? {
        // The largest |beta_j| as `map(abs).max()` finds it (a NaN entry is never larger; a NaN first stays).
        guard var scale = beta.first.map(abs) else { return nil }
        for v in beta.dropFirst() where scale < abs(v) { scale = abs(v) }
        guard scale > 0, scale.isFinite else { return nil }
        var sum = 0.0
        for v in beta {
            let u = v / scale
            sum = sum + u * u
        }
        return (scale, sum.squareRoot())
    }
}
