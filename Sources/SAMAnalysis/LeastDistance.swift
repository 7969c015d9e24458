/// Least-distance programming (LDP), Lawson & Hanson, *Solving Least Squares Problems*, ch. 23:
///
///     minimize ‖x‖₂   subject to   G x ≥ h,     G ∈ ℝ^{m×d} (rows g_i), h ∈ ℝᵐ,
///
/// solved exactly (finitely) through one NNLS problem (``NonNegativeLeastSquares``):
///
///     E = [ Gᵀ ; hᵀ ] ∈ ℝ^{(d+1)×m},  f = e_{d+1},   u = argmin_{u ≥ 0} ‖E u − f‖,   r = E u − f.
///
/// If r = 0 the constraints are incompatible; otherwise x_j = −r_j / r_{d+1} (j = 1…d).
/// Why: at the NNLS optimum uᵀEᵀr = 0, so ‖r‖² = −f·r = −r_{d+1} = 1 − hᵀu > 0, and
/// x = Gᵀu / ‖r‖². Hence x = Gᵀλ with λ = u / ‖r‖² ≥ 0, and the NNLS dual condition Eᵀr ≥ 0
/// gives G x ≥ h with equality where λ_i > 0: exactly the KKT conditions of
/// min ½‖x‖² s.t. G x ≥ h. The minimizer is unique (strictly convex objective).
public struct LeastDistanceProgram: Sendable {
    /// G, row-major: one row g_i of length d per constraint.
    public var constraints: [[Double]]
    /// h, one lower bound per row.
    public var lowerBounds: [Double]

    /// The program min ||x||_2 subject to G x >= h, with the rows of G and the bounds h.
    public init(constraints: [[Double]], lowerBounds: [Double]) {
        self.constraints = constraints
        self.lowerBounds = lowerBounds
    }

    /// Solves the LDP.
    ///
    /// Infeasibility test: ‖r‖ ≤ 1000 ε · max(1, Σ_i ‖(g_i, h_i)‖ u_i), i.e. r is zero up to the
    /// round-off of forming E u. (When feasible, ‖r‖² = 1/(1 + ‖x‖²) for h scaled so, hence a
    /// tiny ‖r‖ also means an astronomically long x.)
    /// - Throws: ``LeastDistanceError``.
    public func solve() throws -> LDPSolution {
        guard let d = constraints.first?.count else { throw LeastDistanceError.noConstraints }
        guard lowerBounds.count == constraints.count else {
            throw LeastDistanceError.dimensionMismatch("\(constraints.count) rows but \(lowerBounds.count) bounds")
        }
        for (i, g) in constraints.enumerated() where g.count != d {
            throw LeastDistanceError.dimensionMismatch("row \(i) has \(g.count) entries, expected \(d)")
        }
        let columns = zip(constraints, lowerBounds).map { g, h in g + [h] }
        let nnls: NNLSSolution
        do {
            nnls = try NonNegativeLeastSquares(columns: columns, target: [Double](repeating: 0, count: d) + [1]).solve()
        } catch let error as NNLSError {
            throw LeastDistanceError.nnls(error)
        }
        let r = nnls.residual
        let rNorm = nnls.residualNorm
        let scale = zip(columns, nnls.x).reduce(0) { $0 + $1.0.reduce(0) { $0 + $1 * $1 }.squareRoot() * $1.1 }
        guard rNorm > 1000 * .ulpOfOne * max(1, scale), r[d] < 0 else {
            throw LeastDistanceError.infeasible(residualNorm: rNorm)
        }
        let rho = -r[d]
        return LDPSolution(
            x: (0..<d).map { -r[$0] / r[d] },
            multipliers: nnls.x.map { $0 / rho },
            nnls: nnls
        )
    }
}

/// Result of ``LeastDistanceProgram/solve()``.
public struct LDPSolution: Sendable {
    /// The unique minimizer x of ‖x‖ subject to G x ≥ h.
    public let x: [Double]
    /// Lagrange multipliers λ ≥ 0 (one per row) with x = Gᵀλ and λ_i = 0 where g_i·x > h_i.
    public let multipliers: [Double]
    /// The underlying NNLS solution (u, r = E u − f, iterations).
    public let nnls: NNLSSolution
}

/// Invalid input to, or failure of, ``LeastDistanceProgram/solve()``.
public enum LeastDistanceError: Error, Equatable, CustomStringConvertible {
    /// G has no rows.
    case noConstraints
    /// G's rows and h do not fit together (ragged rows, a count mismatch).
    case dimensionMismatch(String)
    /// No x satisfies G x >= h: the NNLS residual is zero up to round-off.
    case infeasible(residualNorm: Double)
    /// The inner NNLS solve failed.
    case nnls(NNLSError)

    /// One line saying what failed.
    public var description: String {
        switch self {
        case .noConstraints: "least-distance program needs at least one constraint row"
        case .dimensionMismatch(let what): "least-distance program dimension mismatch: \(what)"
        case .infeasible(let r): "least-distance constraints G x >= h are incompatible (NNLS residual \(r) ~ 0)"
        case .nnls(let e): "least-distance program: \(e)"
        }
    }
}
