import Foundation
import SAMCore
import SAMFlow

/// The theory's predictions for the l2-SAM flow on D_mu, depth 2, balanced layers, rescaled time
/// (THEORY.md §4.3-§4.6, §4.12). Product parametrization (beta = a^2, u = v = a):
///
///     da_i/ds = mu_i a_i (1 - rho mu_i / N),   N = sqrt(2 sum_j mu_j^2 a_j^2)  (the gradient norm over both layers).
///
/// Signed parametrization (beta = u^2 - v^2, u = v = alpha at the start):
///
///     du_i/ds = 2 mu_i u_i (1 - rho mu_i / N_b),   dv_i/ds = -2 mu_i v_i (1 + rho mu_i / N_b),
///     N_b = sqrt(sum_j mu_j^2 (u_j^2 + v_j^2)).
///
/// Only alpha / rho and mu / ||mu|| matter. Coordinate i grows iff mu_i < N / rho; relative growth peaks near
/// mu = N / (2 rho), and N grows with the predictor, so the leader moves from minor to major coordinates.
public struct L2Theory: Sendable {
    /// Which growth the leader is measured by (THEORY.md §2.1).
    public enum Measure: String, Sendable, CaseIterable {
        /// d log|beta_j| / ds (ill-defined for the signed parametrization at s = 0, where beta = 0).
        case relative
        /// d |beta_j| / ds.
        case absolute
        /// d log u_j / ds: the growth of a first-layer weight, which avoids the beta(0) = 0 artefact of the signed
        /// parametrization (for the product parametrization it is the relative growth halved).
        case uRelative = "u-relative"
    }

    /// mu, the single example's features (the theory assumes 0 < mu_1 < ... < mu_d).
    public let mu: [Double]
    /// The radius rho.
    public let rho: Double
    /// The model: `ProductNetwork.name` or `SignedNetwork.name`.
    public let model: String

    /// The predictions for D_mu and radius rho, for the product (default) or the signed parametrization.
    public init(mu: [Double], rho: Double, model: String = ProductNetwork.name) {
        self.mu = mu
        self.rho = rho
        self.model = model
    }

    var signed: Bool { model == SignedNetwork.name }

    var muNorm: Double { mu.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// N = sqrt(2 sum_j mu_j^2 a_j^2) (for the signed parametrization at u = v = a, N_b is the same).
    public func gradientNorm(_ a: [Double]) -> Double {
        (2 * zip(mu, a).reduce(0) { $0 + $1.0 * $1.0 * $1.1 * $1.1 }).squareRoot()
    }

    /// The relative growth rates d log a_i / ds = mu_i (1 - rho mu_i / N) (d log beta_i / ds is twice this).
    public func growthRates(_ a: [Double]) -> [Double] {
        let n = gradientNorm(a)
        return mu.map { $0 * (1 - rho * $0 / n) }
    }

    /// c_i = rho mu_i / (sqrt 2 ||mu||): coordinate i (its first-layer weight, for the signed parametrization) grows
    /// at s = 0 iff alpha > c_i (scalar alpha).
    public var growthThresholds: [Double] { mu.map { rho * $0 / (2.0.squareRoot() * muNorm) } }

    /// alpha* = rho (mu_d + mu_(d-1)) / (sqrt 2 ||mu||) (mu sorted ascending): the major coordinate leads from
    /// the start, GD-like, iff alpha >= alpha* (relative growth, product parametrization; also u-relative growth of
    /// either parametrization). With one coordinate it always leads (alpha* = 0).
    public var alphaStar: Double {
        let sorted = mu.sorted()
        guard sorted.count >= 2 else { return 0 }
        return rho * (sorted[sorted.count - 1] + sorted[sorted.count - 2]) / (2.0.squareRoot() * muNorm)
    }

    /// alpha* for a measure of growth, or nil where it is not defined. The product parametrization starts with equal
    /// beta_j, so every measure picks the same leader (alpha* above). The signed one starts at beta = 0: relative
    /// growth is infinite for every growing coordinate (no alpha*), the absolute growth d beta_j/ds = 8 mu_j alpha^2
    /// always picks the major coordinate (alpha* = 0), and u-relative growth is the product's (alpha* above).
    /// alpha* does not depend on a discrete step size.
    public func alphaStar(measure: Measure) -> Double? {
        guard signed else { return alphaStar }
        switch measure {
        case .relative: return nil
        case .absolute: return 0
        case .uRelative: return alphaStar
        }
    }

    /// The leader (1-based) by relative growth at scalar alpha, s = 0.
    public func initialLeader(alpha: Double) -> Int {
        let rates = growthRates(mu.map { _ in alpha })
        guard let best = rates.indices.max(by: { rates[$0] < rates[$1] }), rates[best] > 0 else { return 0 }
        return best + 1
    }

    /// The leader at s = 0 by `measure` (nil where the measure is not defined: signed, relative).
    public func initialLeader(alpha: Double, measure: Measure) -> Int? {
        guard signed else { return initialLeader(alpha: alpha) }
        switch measure {
        case .relative: return nil
        case .absolute: return (mu.indices.max { mu[$0] < mu[$1] } ?? -1) + 1
        case .uRelative: return initialLeader(alpha: alpha)
        }
    }

    /// Whether the rescaled flow from scalar alpha collapses to 0, decided by integrating the full flow of the
    /// two-layer network with SAMFlow's events (an independent check of `collapsesByTheory`).
    public func collapses(alpha: Double, rtol: Double = 1e-10) throws -> Bool {
        // Growth beyond a large multiple of rho means no collapse: N then exceeds rho mu_max and everything grows.
        let bound = max(1e3 * rho, 10 * alpha) * Double(2 * mu.count).squareRoot()
        let spec = RunSpec(data: .singleExample(mu: mu), model: ModelSpec(name: model, depth: 2, alpha: [alpha]),
                           rule: RuleSpec(name: L2SAM.name, rho: rho),
                           dynamics: .flow(FlowSettings(time: 1e6, rescaled: true, rtol: rtol, atol: rtol * 1e-2, blowupNorm: bound)),
                           record: .times([]))
        let outcome = try FlowRunner(spec: spec, dataset: try spec.data.load()).run()
        switch outcome.status {
        case .collapsed: return true
        case .blowUp, .completed: return false
        default: throw InvalidInput("the l2-SAM flow at alpha = \(alpha) ended \(outcome.status.rawValue): \(outcome.reason ?? "")")
        }
    }

    /// Whether the rescaled flow from scalar alpha collapses, by the theory's own criterion (THEORY.md §4.5): once
    /// N (N_b) falls to rho mu_min every coordinate shrinks and N keeps falling, so the flow collapses; once the
    /// first-layer part N_u = sqrt(c sum_j mu_j^2 a_j^2) (c = 2 for the product, 1 for u in the signed one) reaches
    /// rho mu_max every coordinate grows and it keeps growing, so it never collapses. The balanced flow is
    /// integrated in log variables (so neither side under- or overflows) until one of the two happens: O(d) work per
    /// step, with no events on single weights, so d = 10,000 takes well under a second.
    public func collapsesByTheory(alpha: Double, rtol: Double = 1e-10) throws -> Bool {
        let d = mu.count
        let logMu = mu.map { Foundation.log($0) }
        let low = rho * (mu.min() ?? 0), high = rho * (mu.max() ?? 0)
        // log(sum_j exp(2 (x_j + log mu_j))) by log-sum-exp, over the given log-weights.
        func logSquares(_ x: UnsafeBufferPointer<Double>, offset: Int) -> Double {
            var top = -Double.infinity
            for j in 0..<d { top = max(top, 2 * (x[offset + j] + logMu[j])) }
            guard top.isFinite else { return top }
            var sum = 0.0
            for j in 0..<d { sum += Foundation.exp(2 * (x[offset + j] + logMu[j]) - top) }
            return top + Foundation.log(sum)
        }
        let signed = self.signed
        // log N and log N_u of a state: product x = log a (d values); signed (log u, log v) (2d values).
        func norms(_ x: UnsafeBufferPointer<Double>) -> (total: Double, first: Double) {
            if !signed {
                let n = 0.5 * (Foundation.log(2) + logSquares(x, offset: 0))
                return (n, n)
            }
            let u = logSquares(x, offset: 0), v = logSquares(x, offset: d), top = max(u, v)
            return (0.5 * (top + Foundation.log(Foundation.exp(u - top) + Foundation.exp(v - top))), 0.5 * u)
        }
        let field = ClosureField(dimension: signed ? 2 * d : d) { _, x, dx in
            let n = Foundation.exp(norms(x).total)
            for j in 0..<d {
                if signed {
                    dx[j] = 2 * mu[j] * (1 - rho * mu[j] / n)
                    dx[d + j] = -2 * mu[j] * (1 + rho * mu[j] / n)
                } else {
                    dx[j] = mu[j] * (1 - rho * mu[j] / n)
                }
            }
        }
        let start = [Double](repeating: Foundation.log(alpha), count: signed ? 2 * d : d)
        let events = [Event(direction: .falling, terminal: true) { _, x in norms(x).total - Foundation.log(low) },
                      Event(direction: .rising, terminal: true) { _, x in norms(x).first - Foundation.log(high) }]
        let initial = start.withUnsafeBufferPointer { norms($0) }
        if initial.total <= Foundation.log(low) { return true }
        if initial.first >= Foundation.log(high) { return false }
        let solution = try Integrator.solve(field: field, from: 0, state: start, to: 1e9, events: events,
                                            controller: StepSizeController(rtol: rtol, atol: rtol))
        guard case .event(let index, _) = solution.result else {
            throw InvalidInput("the balanced l2-SAM flow at alpha = \(alpha) reached neither collapse nor growth (\(solution.result))")
        }
        return index == 0
    }

    /// alpha_c: below it the l2-SAM flow collapses to 0 in finite rescaled time. No closed form: bisection between
    /// 0 and alpha*, to `tolerance` relative, on the theory's criterion (`collapsesByTheory`; it decides as the full
    /// flow does, so the bisection takes the same steps as one on `collapses`).
    public func criticalAlpha(tolerance: Double = 1e-8, rtol: Double = 1e-10) throws -> Double {
        try bisect(tolerance: tolerance) { alpha throws in try collapsesByTheory(alpha: alpha, rtol: rtol) }
    }

    /// alpha_c(eta) of the discrete algorithm w <- w - eta grad L(w + eps): the same bisection on discrete runs
    /// (`DiscreteRunner`), each decided by the same criterion on its iterates (THEORY.md §4.5): collapse once
    /// N(w_k) = sqrt(sum_j mu_j^2 (u_j^2 + v_j^2)) falls to rho mu_min, no collapse once the first-layer part
    /// N_u(w_k) (N itself for the product parametrization) reaches rho mu_max. (The runs' own `collapsed` status
    /// is no test here: discrete weights can decay geometrically towards 0 without crossing it.) A run still
    /// undecided after `maximumSteps` steps (default max(10^5, 10^3 / eta)) never grew: near alpha_c a discrete
    /// collapse is a bounded chatter around 0 (THEORY.md §6.6) that need not reach rho mu_min, so it counts as one.
    public func discreteCriticalAlpha(learningRate eta: Double, maximumSteps: Int? = nil, tolerance: Double = 1e-6) throws -> Double {
        let steps = maximumSteps ?? max(100_000, Int((1000 / eta).rounded(.up)))
        let d = mu.count, low = rho * (mu.min() ?? 0), high = rho * (mu.max() ?? 0), signed = self.signed
        return try bisect(tolerance: tolerance) { alpha throws in
            let spec = RunSpec(data: .singleExample(mu: mu), model: ModelSpec(name: model, depth: 2, alpha: [alpha]),
                               rule: RuleSpec(name: L2SAM.name, rho: rho),
                               dynamics: .discrete(DiscreteSettings(learningRate: eta, steps: steps)), record: .every(Double(steps)))
            let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load(), recordsBeta: false)
            var decision: Bool?
            func decide(_ w: [Double]) -> Bool? {
                var u = 0.0, v = 0.0
                for j in 0..<d {
                    u += mu[j] * mu[j] * w[j] * w[j]
                    v += mu[j] * mu[j] * w[d + j] * w[d + j]
                }
                if (u + v).squareRoot() <= low { return true }
                if (signed ? u : u + v).squareRoot() >= high { return false }
                return nil
            }
            decision = decide(runner.state.weights)
            while decision == nil {
                let state = runner.run(shouldStop: { true })
                decision = decide(state.weights)
                guard state.status == .interrupted else { break }
            }
            // Still bounded after the whole budget: the bounded chatter of a discrete collapse (THEORY.md §6.6).
            return decision ?? true
        }
    }

    /// The smallest alpha (to `tolerance` relative) for which `collapses` is false.
    func bisect(tolerance: Double, _ collapses: (Double) throws -> Bool) throws -> Double {
        var hi = max(alphaStar, growthThresholds.max() ?? 0)
        guard hi > 0 else { return 0 }
        while try collapses(hi) { hi *= 2 }
        var lo = 0.0
        while hi - lo > tolerance * hi {
            let mid = 0.5 * (lo + hi)
            if try collapses(mid) { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }

    /// The regime of scalar alpha (THEORY.md §2.2): collapse below alpha_c, minor-first amplification between
    /// alpha_c and alpha*, major-first (GD-like) from alpha* on. The observed regime of a run is `RunResult.regime`.
    public func regime(alpha: Double, alphaC: Double) -> Regime {
        if alpha < alphaC { return .collapse }
        return alpha >= alphaStar ? .majorFirst : .minorFirst
    }
}
