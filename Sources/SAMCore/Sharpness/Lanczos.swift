import Foundation

/// The largest (algebraic) eigenvalue of a symmetric operator by the Lanczos method with full
/// reorthogonalization (THEORY.md §8.2).
///
/// The Hessians of SAMLab's losses are indefinite, so a plain power iteration, which finds the eigenvalue of
/// largest modulus, would report a negative eigenvalue when that one dominates. Lanczos builds the Krylov space
/// of a start vector q_1, K_k = span(q_1, A q_1, ..., A^(k-1) q_1), and the tridiagonal T_k = Q_k^T A Q_k; the
/// largest eigenvalue theta of T_k (the largest Ritz value) never exceeds lambda_max(A) and converges to it from
/// below. Every new vector is orthogonalized against all previous ones, twice (classical Gram-Schmidt
/// repeated), so that no spurious copies of converged eigenvalues appear.
///
/// Stopping: with y the eigenvector of T_k for theta, the residual ||A Q_k y - theta Q_k y|| equals
/// beta_k |y_k|, and some eigenvalue of A lies within it of theta. Lanczos stops when that residual is at most
/// `tolerance` times max(|theta|, 1e-8 ||T_k||), so the result is lambda_max to `tolerance` relative (to
/// `tolerance` 1e-8 of the spectral norm when lambda_max is that close to 0, below which rounding of the products
/// decides anyway), and in practice far better (the eigenvalue error is of the order of the residual squared over
/// the gap). It also stops, exactly, when the Krylov space becomes invariant (beta_k = 0 to rounding) or reaches
/// dimension P. The start vector is drawn from `SplitMix64(seed:)`, so a seed gives the same bytes every time.
public enum Lanczos {
    /// The outcome of a run: the largest Ritz value and how it was reached.
    public struct Result: Equatable, Sendable {
        /// The largest Ritz value theta: lambda_max of the operator to the tolerance.
        public var eigenvalue: Double
        /// Lanczos steps taken (matrix-vector products).
        public var iterations: Int
        /// The residual bound beta_k |y_k| at the end (some eigenvalue lies within it of `eigenvalue`).
        public var residual: Double
    }

    /// The default relative tolerance: 1e-6.
    public static let defaultTolerance = 1e-6
    /// The default seed of the start vector.
    public static let defaultSeed: UInt64 = 0x5348_4152_504E_4553

    /// The most Lanczos steps for P parameters: min(P, 500) (at P steps the result is exact up to rounding), and
    /// beyond P = 1e5, 5e7 / P, which keeps the stored basis near 400 MB, but at least 50.
    public static func iterationLimit(parameterCount p: Int) -> Int {
        min(p, max(50, min(500, 50_000_000 / max(p, 1))))
    }

    /// lambda_max of `oracle`'s scaled operator A (the Hessian is e^s A). A non-finite product, or the tolerance
    /// not reached within `maximumIterations` (default `iterationLimit(parameterCount:)`), is a failure.
    public static func largestEigenvalue(of oracle: any HessianOracle, tolerance: Double = defaultTolerance,
                                         seed: UInt64 = defaultSeed, maximumIterations: Int? = nil) throws(SharpnessFailure) -> Result {
        let p = oracle.parameterCount
        guard p > 0 else { return Result(eigenvalue: 0, iterations: 0, residual: 0) }
        let limit = min(p, maximumIterations ?? iterationLimit(parameterCount: p))
        var rng = SplitMix64(seed: seed)
        var q = (0..<p).map { _ in rng.nextNormal() }
        let start = DiagonalHessian.norm(q)
        for i in 0..<p { q[i] /= start }
        var basis: [[Double]] = [q]
        var alphas: [Double] = [], betas: [Double] = []
        var w = [Double](repeating: 0, count: p)
        var scale = 0.0
        while true {
            let k = basis.count - 1
            oracle.multiply(basis[k], into: &w)
            guard w.allSatisfy(\.isFinite) else { throw SharpnessFailure("the Hessian-vector product is not finite") }
            let alpha = step(&w, basis: basis, previousBeta: k > 0 ? betas[k - 1] : nil)
            alphas.append(alpha)
            let beta = DiagonalHessian.norm(w)
            guard let (values, last) = tridiagonalEigen(alphas, betas) else {
                throw SharpnessFailure("the tridiagonal eigenvalue problem did not converge")
            }
            let top = values.indices.max { values[$0] < values[$1] }!
            let theta = values[top]
            scale = max(scale, values.map(abs).max()!)
            let residual = beta * abs(last[top])
            guard theta.isFinite, residual.isFinite else { throw SharpnessFailure("Lanczos produced a non-finite value") }
            let invariant = beta <= 1e-14 * max(scale, abs(alpha)) || beta == 0
            if invariant || residual <= tolerance * max(abs(theta), 1e-8 * scale) || basis.count >= p {
                return Result(eigenvalue: theta, iterations: basis.count, residual: invariant ? 0 : residual)
            }
            guard basis.count < limit else {
                throw SharpnessFailure("Lanczos did not reach a relative tolerance of \(tolerance) in \(limit) steps (residual \(residual) against a Ritz value of \(theta))")
            }
            betas.append(beta)
            basis.append(w.map { $0 / beta })
        }
    }

    /// One Lanczos step on w = A q_k (q_k the last vector of `basis`): alpha_k = <q_k, w>, then
    /// w <- w - alpha_k q_k - beta_(k-1) q_(k-1) and w orthogonalized against every vector of `basis`, twice (classical
    /// Gram-Schmidt repeated). Returns alpha_k; ||w|| is then beta_k. Shared with SAMVision's `NoisyLanczos`.
    public static func step(_ w: inout [Double], basis: [[Double]], previousBeta: Double?) -> Double {
        let p = w.count, k = basis.count - 1
        let alpha = dot(basis[k], w)
        for i in 0..<p { w[i] -= alpha * basis[k][i] }
        if let previousBeta { for i in 0..<p { w[i] -= previousBeta * basis[k - 1][i] } }
        for _ in 0..<2 {
            for v in basis {
                let c = dot(v, w)
                for i in 0..<p { w[i] -= c * v[i] }
            }
        }
        return alpha
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    /// Eigenvalues of the symmetric tridiagonal matrix with `diagonal` and `offDiagonal` (entry i couples i and
    /// i + 1), and the last component of each eigenvector: the QL algorithm with implicit shifts (EISPACK tql2;
    /// Press et al., Numerical Recipes, §11.3), carrying only the last row of the eigenvector matrix, since the
    /// rotations act on each row separately. nil if an eigenvalue takes more than 60 sweeps. Public for SAMVision's `NoisyLanczos`.
    public static func tridiagonalEigen(_ diagonal: [Double], _ offDiagonal: [Double]) -> (values: [Double], last: [Double])? {
        let n = diagonal.count
        var d = diagonal, e = offDiagonal + [0]
        var z = [Double](repeating: 0, count: n)
        z[n - 1] = 1
        for l in 0..<n {
            var sweeps = 0
            while true {
                var m = l
                while m < n - 1 {
                    let dd = abs(d[m]) + abs(d[m + 1])
                    if abs(e[m]) + dd == dd { break }
                    m += 1
                }
                if m == l { break }
                sweeps += 1
                if sweeps > 60 { return nil }
                var g = (d[l + 1] - d[l]) / (2 * e[l])
                var r = hypot(g, 1)
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
                var s = 1.0, c = 1.0, p = 0.0
                var i = m - 1
                var deflated = false
                while i >= l {
                    let f = s * e[i], b = c * e[i]
                    r = hypot(f, g)
                    e[i + 1] = r
                    if r == 0 {
                        d[i + 1] -= p
                        e[m] = 0
                        deflated = true
                        break
                    }
                    s = f / r
                    c = g / r
                    g = d[i + 1] - p
                    r = (d[i] - g) * s + 2 * c * b
                    p = s * r
                    d[i + 1] = g + p
                    g = c * r - b
                    let upper = z[i + 1]
                    z[i + 1] = s * z[i] + c * upper
                    z[i] = c * z[i] - s * upper
                    i -= 1
                }
                if deflated { continue }
                d[l] -= p
                e[l] = g
                e[m] = 0
            }
        }
        return (d, z)
    }
}
