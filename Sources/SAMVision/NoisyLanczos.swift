import Foundation
import SAMCore

/// The largest (algebraic) eigenvalue of a symmetric operator known only through noisy products (the CNN's
/// finite-difference Hessian-vector products, `VisionSharpnessObserver`), by the Lanczos method with full
/// reorthogonalization (THEORY.md §8.2, §8.4; Golub & Van Loan, Matrix Computations, 4th ed., §10.1).
///
/// Why not the power iteration (`PowerIteration`): it converges at the rate |lambda_2 / lambda_1| per product, and the
/// cross-entropy Hessian of a C-class network has about C - 1 outlying eigenvalues of similar size (Papyan, "The full
/// spectrum of deepnet Hessians at scale", ICML 2019), so on the small MNIST CNN it stopped at its limit of 100
/// products in most measurements (THEORY.md §9.4). Lanczos takes the largest eigenvalue theta of the tridiagonal
/// T_k = Q_k^T H Q_k of the Krylov space of its start vector (`Lanczos.tridiagonalEigen`), which is the algebraic
/// largest, so an indefinite Hessian needs no shift; theta <= lambda_max up to the products' noise.
///
/// Each new vector H q_k - alpha_k q_k - beta_(k-1) q_(k-1) is orthogonalized twice against all previous ones (`Lanczos.step`)
/// (classical Gram-Schmidt repeated). Stopping: after product k, with y the eigenvector of T_k for theta, the
/// residual bound beta_k |y_k| (some eigenvalue lies within it of theta, for exact products) is at most
/// `tolerance` |theta| (`converged`), or the Krylov space is invariant (beta_k = 0), or `maximumIterations` products
/// were taken (then `converged` is false and theta is the best estimate so far, a lower bound).
///
/// Start: `start` when it has length `dimension` and a finite non-zero norm (a warm start: the previous
/// measurement's vector along a run), else a Gaussian vector from `SplitMix64(seed:)`. `Result.vector` is the Ritz
/// vector Q_k y normalized, with y from the three-term recurrence of (T_k - theta I) y = 0, y_1 = 1 (the Lanczos
/// polynomials at theta, stable at the largest eigenvalue); the seeded start is used again when it is not finite.
///
/// `product(v)` returns the probed direction p (unused here: the Krylov basis is v itself, and the rounding of
/// w + h v in Float32 perturbs H v by far less than the finite difference's own error) and H p; nil means a
/// non-finite product.
public enum NoisyLanczos {
    /// lambda_max of the operator of `product` on vectors of length `dimension`, in `PowerIteration.Result`'s form
    /// (`iterations` counts products); nil when a product is not finite or the tridiagonal problem fails.
    public static func largestEigenvalue(dimension n: Int, tolerance: Double, maximumIterations: Int, seed: UInt64, start: [Double]? = nil,
                                         product: ([Double]) -> (probed: [Double], image: [Double])?) -> PowerIteration.Result? {
        var q: [Double]
        if let start, start.count == n, PowerIteration.norm(start) > 0, PowerIteration.norm(start).isFinite {
            q = start
        } else {
            var rng = SplitMix64(seed: seed)
            q = (0..<n).map { _ in rng.nextNormal() }
        }
        let length = PowerIteration.norm(q)
        q = q.map { $0 / length }
        var basis = [q], alphas = [Double](), betas = [Double]()
        while true {
            let k = basis.count - 1
            guard let (_, image) = product(basis[k]), image.count == n, image.allSatisfy(\.isFinite) else { return nil }
            var w = image
            alphas.append(Lanczos.step(&w, basis: basis, previousBeta: k > 0 ? betas[k - 1] : nil))
            let beta = PowerIteration.norm(w)
            guard let (values, last) = Lanczos.tridiagonalEigen(alphas, betas) else { return nil }
            let top = values.indices.max { values[$0] < values[$1] }!
            let theta = values[top], residual = beta * abs(last[top])
            guard theta.isFinite, residual.isFinite else { return nil }
            let converged = beta == 0 || residual <= tolerance * abs(theta)
            if converged || basis.count >= max(1, maximumIterations) || basis.count >= n {
                let vector = ritzVector(theta: theta, alphas: alphas, betas: betas, basis: basis)
                return PowerIteration.Result(eigenvalue: theta, iterations: basis.count, converged: converged, vector: vector)
            }
            betas.append(beta)
            basis.append(w.map { $0 / beta })
        }
    }

    /// Q y / ||Q y|| for the eigenvector y of the tridiagonal (alphas, betas) at theta, by the recurrence
    /// beta_j y_(j+1) = (theta - alpha_j) y_j - beta_(j-1) y_(j-1) from y_1 = 1; empty when it is not finite (the
    /// caller then starts from its seed).
    static func ritzVector(theta: Double, alphas: [Double], betas: [Double], basis: [[Double]]) -> [Double] {
        var y = [1.0]
        for j in 0..<(alphas.count - 1) {
            let next = ((theta - alphas[j]) * y[j] - (j > 0 ? betas[j - 1] * y[j - 1] : 0)) / betas[j]
            y.append(next)
        }
        let n = basis[0].count
        var x = [Double](repeating: 0, count: n)
        for (c, v) in zip(y, basis) { for i in 0..<n { x[i] += c * v[i] } }
        let length = PowerIteration.norm(x)
        guard length > 0, length.isFinite else { return [] }
        return x.map { $0 / length }
    }
}
