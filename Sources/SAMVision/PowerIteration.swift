import Foundation
import SAMCore

/// The largest (algebraic) eigenvalue of a symmetric operator known only through noisy products, by a shifted power
/// iteration (THEORY.md §8.4).
///
/// The power iteration v <- H v / ||H v|| converges to the eigenvalue of largest modulus, mu_1. When mu_1 >= 0 that is
/// lambda_max. When mu_1 < 0 (a Hessian dominated by negative curvature), the iteration is run again on H - mu_1 I,
/// whose eigenvalues lambda - mu_1 are all >= 0 and whose largest is lambda_max - mu_1.
///
/// Stopping rule: a run stops after product k >= 2 when its Rayleigh quotients theta_k = p^T H p / p^T p satisfy
/// |theta_k - theta_(k-1)| <= tolerance * max(|theta_k|, tolerance |shift|) (a relative change of `tolerance`), or
/// after `maximumIterations` products (then `converged` is false). The error of theta is second order in the
/// eigenvector's error, so the change per step bounds it well when the gap to the next eigenvalue is not tiny.
///
/// Start: `start` when given (a warm start, e.g. the eigenvector of the previous measurement along a run, so that a
/// slowly moving Hessian needs few products), else a Gaussian vector from `SplitMix64(seed:)`. The shifted run, when
/// needed, starts from the same vector. `Result.vector` is the unit vector after the last product, H v / ||H v|| (of
/// H - shift I for the shifted run): the next measurement's warm start.
///
/// `product(v)` returns the direction actually probed, p (close to v: a finite-difference product in Float32 rounds
/// w + h v), and the product H p; the Rayleigh quotient p^T H p / p^T p uses both, so the rounding of the probe does
/// not bias it. nil means a non-finite product.
public enum PowerIteration {
    /// The outcome: lambda_max, the products taken, whether each run met its tolerance, and the last iterate.
    public struct Result: Equatable, Sendable {
        /// The estimate of lambda_max.
        public var eigenvalue: Double
        /// Products taken, over both runs.
        public var iterations: Int
        /// Whether every run stopped on its tolerance rather than on `maximumIterations`.
        public var converged: Bool
        /// The unit vector after the last product (the estimate of lambda_max's eigenvector), for a warm start.
        public var vector: [Double]
    }

    /// lambda_max of the operator of `product` on vectors of length `dimension`, from `start` (when it has that length
    /// and a finite non-zero norm) or a seeded Gaussian vector; nil when a product is not finite or the probed
    /// direction is 0.
    public static func largestEigenvalue(dimension n: Int, tolerance: Double, maximumIterations: Int, seed: UInt64, start: [Double]? = nil,
                                         product: ([Double]) -> (probed: [Double], image: [Double])?) -> Result? {
        var initial: [Double]
        if let start, start.count == n, norm(start) > 0, norm(start).isFinite {
            initial = start
        } else {
            var rng = SplitMix64(seed: seed)
            initial = (0..<n).map { _ in rng.nextNormal() }
        }
        guard let first = run(from: initial, shift: 0, tolerance: tolerance, maximumIterations: maximumIterations, product: product) else {
            return nil
        }
        guard first.value < 0 else {
            return Result(eigenvalue: first.value, iterations: first.iterations, converged: first.converged, vector: first.vector)
        }
        guard let second = run(from: initial, shift: first.value, tolerance: tolerance, maximumIterations: maximumIterations,
                               product: product) else { return nil }
        return Result(eigenvalue: second.value, iterations: first.iterations + second.iterations,
                      converged: first.converged && second.converged, vector: second.vector)
    }

    /// One power iteration on H - shift I from `start`; `value` is the Rayleigh quotient of H (the shift added back),
    /// `vector` the unit iterate after the last product.
    static func run(from start: [Double], shift: Double, tolerance: Double, maximumIterations: Int,
                    product: ([Double]) -> (probed: [Double], image: [Double])?) -> (value: Double, iterations: Int, converged: Bool, vector: [Double])? {
        var v = start
        var previous: Double? = nil
        for k in 1...max(1, maximumIterations) {
            let length = norm(v)
            guard length > 0, length.isFinite else { return nil }
            v = v.map { $0 / length }
            guard let (p, hp) = product(v) else { return nil }
            let pp = p.reduce(0) { $0 + $1 * $1 }
            guard pp > 0 else { return nil }
            let bp = zip(hp, p).map { $0 - shift * $1 }
            let value = shift + zip(p, bp).reduce(0) { $0 + $1.0 * $1.1 } / pp
            guard value.isFinite else { return nil }
            let image = norm(bp)
            if image == 0 { return (value, k, true, v) }
            let next = bp.map { $0 / image }
            if let previous, abs(value - previous) <= tolerance * max(abs(value), tolerance * abs(shift)) { return (value, k, true, next) }
            previous = value
            v = next
        }
        return (previous!, maximumIterations, false, v)
    }

    /// ||v||_2.
    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
