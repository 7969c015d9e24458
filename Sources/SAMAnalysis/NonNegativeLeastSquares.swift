/// Non-negative least squares (NNLS), Lawson & Hanson, *Solving Least Squares Problems*
/// (1974, SIAM reprint 1995), chapter 23, Algorithm NNLS:
///
///     minimize ‖E x − f‖₂   subject to   x ≥ 0,     E ∈ ℝ^{m×n}, f ∈ ℝᵐ.
///
/// The active-set method keeps a passive set P (the free, positive coordinates) and a zero set Z.
/// Each outer step moves into P the coordinate of Z with the largest dual value
/// w = Eᵀ(f − E x) > 0, solves the unconstrained least-squares problem on the columns in P
/// (Householder QR, solved afresh each time), and, while that solution z has non-positive
/// entries, steps from x towards z as far as x ≥ 0 allows and moves the blocking coordinates back
/// to Z. It stops when w_j ≤ tolerance for all j ∈ Z, i.e. at a point satisfying the KKT
/// conditions x ≥ 0, w ≤ 0 on Z, w = 0 on P. The method is finite; round-off is guarded as in
/// Lawson–Hanson's Fortran: a candidate column that is numerically dependent on P, or whose LS
/// coefficient is not positive, is rejected for that step.
///
/// `E` is given by columns (`columns[j]` = e_j ∈ ℝᵐ), the natural layout for column selection.
public struct NonNegativeLeastSquares: Sendable {
    /// E's columns e_1, …, e_n, each of length m.
    public var columns: [[Double]]
    /// f, length m.
    public var target: [Double]
    /// Cap on the total number of least-squares solves; `nil` means Lawson–Hanson's 3n (at least 30).
    public var maxIterations: Int?

    /// The problem min ||E x - f||_2, x >= 0, with E given by its columns.
    public init(columns: [[Double]], target: [Double], maxIterations: Int? = nil) {
        self.columns = columns
        self.target = target
        self.maxIterations = maxIterations
    }

    /// Runs Algorithm NNLS.
    /// - Throws: ``NNLSError`` for ragged or non-finite input, when the iteration cap is hit, or
    ///   when the passive-set least-squares problem becomes numerically singular.
    public func solve() throws -> NNLSSolution {
        let m = target.count, n = columns.count
        for (j, e) in columns.enumerated() {
            guard e.count == m else { throw NNLSError.dimensionMismatch("column \(j) has \(e.count) entries, expected \(m)") }
            guard e.allSatisfy(\.isFinite) else { throw NNLSError.nonFinite("column \(j)") }
        }
        guard target.allSatisfy(\.isFinite) else { throw NNLSError.nonFinite("target") }
        let cap = maxIterations ?? max(30, 3 * n)

        let colNorm = columns.map { norm2($0) }
        // w_j is a dot product of e_j with a residual of norm ≤ ‖f‖: treat w_j ≤ tol as zero.
        let tol = 10 * Double(max(m, n, 1)) * .ulpOfOne * (colNorm.max() ?? 0) * norm2(target)
        var x = [Double](repeating: 0, count: n)
        var passive: [Int] = []
        var inP = [Bool](repeating: false, count: n)
        var iterations = 0
        var w = dual(x)

        outer: while true {
            // Steps 3–6: choose t ∈ Z with the largest w_t > tol whose LS coefficient is positive.
            var rejected = [Bool](repeating: false, count: n)
            var z: [Double]
            while true {
                var t = -1
                for j in 0..<n where !inP[j] && !rejected[j] && w[j] > tol && (t < 0 || w[j] > w[t]) { t = j }
                guard t >= 0 else { break outer }
                iterations += 1
                guard iterations <= cap else { throw NNLSError.iterationLimit(cap) }
                if let s = leastSquares(passive + [t], colNorm: colNorm), s[passive.count] > 0 {
                    passive.append(t); inP[t] = true; z = s
                    break
                }
                rejected[t] = true
            }
            // Steps 7–11: interpolate back into the feasible region while some z_j ≤ 0.
            while z.contains(where: { $0 <= 0 }) {
                iterations += 1
                guard iterations <= cap else { throw NNLSError.iterationLimit(cap) }
                var alpha = Double.infinity, blocking = -1
                for (k, j) in passive.enumerated() where z[k] <= 0 {
                    let a = x[j] / (x[j] - z[k])
                    if a < alpha { alpha = a; blocking = j }
                }
                for (k, j) in passive.enumerated() { x[j] += alpha * (z[k] - x[j]) }
                x[blocking] = 0
                for j in passive where x[j] <= 0 { x[j] = 0; inP[j] = false }
                passive.removeAll { !inP[$0] }
                guard let s = leastSquares(passive, colNorm: colNorm) else {
                    throw NNLSError.singular("passive set became numerically rank deficient")
                }
                z = s
            }
            for (k, j) in passive.enumerated() { x[j] = z[k] }
            w = dual(x)
        }

        let residual = (0..<m).map { i in passive.reduce(-target[i]) { $0 + columns[$1][i] * x[$1] } }
        return NNLSSolution(x: x, residual: residual, dual: w, passiveSet: passive.sorted(), iterations: iterations)
    }

    /// w = Eᵀ(f − E x).
    private func dual(_ x: [Double]) -> [Double] {
        var r = target
        for (j, e) in columns.enumerated() where x[j] != 0 {
            for i in r.indices { r[i] -= e[i] * x[j] }
        }
        return columns.map { e in zip(e, r).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// min ‖E_P z − f‖ by Householder QR of E_P (columns in `set` order). Returns `nil` when some
    /// column's component orthogonal to the earlier ones is below 100 ε times its norm
    /// (numerically dependent), or when |P| > m.
    private func leastSquares(_ set: [Int], colNorm: [Double]) -> [Double]? {
        let m = target.count, k = set.count
        guard k <= m else { return nil }
        var a = set.map { columns[$0] }
        var b = target
        for c in 0..<k {
            var s = 0.0
            for i in c..<m { s += a[c][i] * a[c][i] }
            let sigma = s.squareRoot()
            guard sigma > 100 * .ulpOfOne * colNorm[set[c]], sigma > 0 else { return nil }
            // Householder v = a_c[c..] − α e_1 with α = −sign(a_cc) σ, so that H a_c = α e_1.
            let alpha = a[c][c] > 0 ? -sigma : sigma
            var v = Array(a[c][c..<m]); v[0] -= alpha
            let vtv = v.reduce(0) { $0 + $1 * $1 }
            func reflect(_ col: inout [Double]) {
                var d = 0.0
                for i in 0..<v.count { d += v[i] * col[c + i] }
                let g = 2 * d / vtv
                for i in 0..<v.count { col[c + i] -= g * v[i] }
            }
            for cc in (c + 1)..<k { reflect(&a[cc]) }
            reflect(&b)
            a[c][c] = alpha
        }
        var z = [Double](repeating: 0, count: k)
        for c in stride(from: k - 1, through: 0, by: -1) {
            var s = b[c]
            for cc in (c + 1)..<k { s -= a[cc][c] * z[cc] }
            z[c] = s / a[c][c]
        }
        return z
    }
}

/// Result of ``NonNegativeLeastSquares/solve()``.
public struct NNLSSolution: Sendable {
    /// The minimizer x ≥ 0 (length n); x_j > 0 exactly on ``passiveSet``.
    public let x: [Double]
    /// r = E x − f (length m), the sign convention of Lawson–Hanson's LDP chapter.
    public let residual: [Double]
    /// w = Eᵀ(f − E x) = −Eᵀr: ≈ 0 on the passive set, ≤ tolerance elsewhere.
    public let dual: [Double]
    /// The passive (positive) coordinates, sorted.
    public let passiveSet: [Int]
    /// Least-squares solves performed.
    public let iterations: Int

    /// ‖E x − f‖₂.
    public var residualNorm: Double { norm2(residual) }
}

/// Invalid input to, or failure of, ``NonNegativeLeastSquares/solve()``.
public enum NNLSError: Error, Equatable, CustomStringConvertible {
    /// The columns and the target do not fit together.
    case dimensionMismatch(String)
    /// An input is not finite.
    case nonFinite(String)
    /// The cap on least-squares solves was reached.
    case iterationLimit(Int)
    /// A least-squares subproblem was singular.
    case singular(String)

    /// One line saying what failed.
    public var description: String {
        switch self {
        case .dimensionMismatch(let what): "NNLS dimension mismatch: \(what)"
        case .nonFinite(let what): "NNLS input is not finite: \(what)"
        case .iterationLimit(let cap): "NNLS did not converge within \(cap) iterations"
        case .singular(let why): "NNLS failed: \(why)"
        }
    }
}

/// Euclidean norm.
private func norm2(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
