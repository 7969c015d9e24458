import Foundation
import SAMCore
import SAMFlow

/// The theory's predictions for the l2-SAM flow on D_mu, depth 2, balanced layers (a = u = v), rescaled time
/// (THEORY.md §4.3-§4.6):
///
///     da_i/ds = mu_i a_i (1 - rho mu_i / N),   N = sqrt(2 sum_j mu_j^2 a_j^2)  (the gradient norm over both layers).
///
/// Only alpha / rho and mu / ||mu|| matter. Coordinate i grows iff mu_i < N / rho; relative growth peaks near
/// mu = N / (2 rho), and N grows with the predictor, so the leader moves from minor to major coordinates.
public struct L2Theory: Sendable {
    /// mu, the single example's features (the theory assumes 0 < mu_1 < ... < mu_d).
    public let mu: [Double]
    /// The radius rho.
    public let rho: Double

    /// The predictions for D_mu and radius rho.
    public init(mu: [Double], rho: Double) {
        self.mu = mu
        self.rho = rho
    }

    var muNorm: Double { mu.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// N = sqrt(2 sum_j mu_j^2 a_j^2).
    public func gradientNorm(_ a: [Double]) -> Double {
        (2 * zip(mu, a).reduce(0) { $0 + $1.0 * $1.0 * $1.1 * $1.1 }).squareRoot()
    }

    /// The relative growth rates d log a_i / ds = mu_i (1 - rho mu_i / N) (d log beta_i / ds is twice this).
    public func growthRates(_ a: [Double]) -> [Double] {
        let n = gradientNorm(a)
        return mu.map { $0 * (1 - rho * $0 / n) }
    }

    /// c_i = rho mu_i / (sqrt 2 ||mu||): coordinate i grows at s = 0 iff alpha > c_i (scalar alpha).
    public var growthThresholds: [Double] { mu.map { rho * $0 / (2.0.squareRoot() * muNorm) } }

    /// alpha* = rho (mu_d + mu_(d-1)) / (sqrt 2 ||mu||) (mu sorted ascending): the major coordinate leads from
    /// the start, GD-like, iff alpha >= alpha*. With one coordinate it always leads (alpha* = 0).
    public var alphaStar: Double {
        let sorted = mu.sorted()
        guard sorted.count >= 2 else { return 0 }
        return rho * (sorted[sorted.count - 1] + sorted[sorted.count - 2]) / (2.0.squareRoot() * muNorm)
    }

    /// The leader (1-based) by relative growth at scalar alpha, s = 0.
    public func initialLeader(alpha: Double) -> Int {
        let rates = growthRates(mu.map { _ in alpha })
        guard let best = rates.indices.max(by: { rates[$0] < rates[$1] }), rates[best] > 0 else { return 0 }
        return best + 1
    }

    /// Whether the rescaled flow from scalar alpha collapses to 0 (decided by integrating it: SAMFlow's events).
    public func collapses(alpha: Double, rtol: Double = 1e-10) throws -> Bool {
        // Growth beyond a large multiple of rho means no collapse: N then exceeds rho mu_max and everything grows.
        let bound = max(1e3 * rho, 10 * alpha) * Double(2 * mu.count).squareRoot()
        let spec = RunSpec(data: .singleExample(mu: mu), model: ModelSpec(depth: 2, alpha: [alpha]),
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

    /// alpha_c: below it the l2-SAM flow collapses to 0 in finite rescaled time. No closed form: bisection on the
    /// flow between 0 and alpha* (where nothing collapses), to `tolerance` relative.
    public func criticalAlpha(tolerance: Double = 1e-8, rtol: Double = 1e-10) throws -> Double {
        var hi = max(alphaStar, growthThresholds.max() ?? 0)
        guard hi > 0 else { return 0 }
        while try collapses(alpha: hi, rtol: rtol) { hi *= 2 }
        var lo = 0.0
        while hi - lo > tolerance * hi {
            let mid = 0.5 * (lo + hi)
            if try collapses(alpha: mid, rtol: rtol) { lo = mid } else { hi = mid }
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
