/// The norm in which the max-margin classifier is measured.
public enum MarginNorm: String, CaseIterable, Sendable {
    /// ||b||_1 (the limit of GD on depth-2 diagonal networks, Gunasekar et al. 2018) or ||b||_2 (the limit of GD on linear models, Soudry et al. 2018; THEORY.md §3.1, §3.3).
    case l1, l2
}

/// A max-margin solution: the minimizer b of ‖b‖ subject to y_n⟨b, x_n⟩ ≥ 1 for all n.
public struct MaxMarginSolution: Sendable {
    /// The minimizer b (length d).
    public let solution: [Double]
    /// b / ‖b‖₂.
    public let direction: [Double]
    /// ‖b‖ in the chosen norm (so 1/norm is the max margin in the dual norm's geometry).
    public let norm: Double
    /// Whether b is the unique minimizer; `nil` when not checked (l1 with d > 200). Always `true`
    /// for l2.
    public let unique: Bool?
    /// Indices n with margin y_n⟨b, x_n⟩ = 1 within ``MaxMargin/supportTolerance``.
    public let supportVectors: [Int]
    /// Dual certificate, one entry per example, all ≥ 0 up to round-off.
    /// l2: the KKT multipliers α with b = Σ α_n y_n x_n and α_n = 0 off the support.
    /// l1: the LP duals y with Σ y_n = ‖b‖₁ and ‖Σ y_n y_n x_n‖_∞ ≤ 1 (LP duality).
    public let multipliers: [Double]
}

/// Max-margin linear classifiers through the origin, f(x) = ⟨b, x⟩:
///
///     minimize ‖b‖   subject to   ⟨b, a_n⟩ ≥ 1,   a_n = y_n x_n,  n = 1…N.
///
/// * **l1** — the LP  min Σ(p + q)  s.t. ⟨p − q, a_n⟩ ≥ 1, p, q ≥ 0, b = p − q (Clp).
///   Uniqueness: with v* the optimum, for each j solve min b_j and max b_j subject to the margin
///   constraints and Σ(p + q) ≤ v*(1 + 1e-9) + 1e-12; b is declared unique iff every range
///   max − min ≤ 1e-7 · max(1, ‖b‖_∞). This is 2d extra LPs, done only for d ≤ 200. The relaxed
///   face has width ≈ (1e-9 v*)/(reduced cost) even when b is unique, so a unique vertex with a
///   reduced cost below ~0.01 exceeds the tolerance (common on random data, more so for large d).
///   Such coordinates are therefore re-measured without the relative relaxation (Σ(p + q) ≤
///   v* + 1e-12): a genuine optimal face (a tie) keeps its width, the artefact disappears, and
///   only a range still above tolerance makes `unique == false`. Near-ties remain: on 400 random
///   sets (d ≤ 40, N ≤ 300) two with d ≥ 33 and reduced costs ~1e-6–3e-4 were still reported
///   non-unique (ranges 6e-5 and 4e-7), where Clp's 1e-7 feasibility tolerance is the limit.
/// * **l2** — the QP min ½‖b‖² s.t. A b ≥ 1, a least-distance problem solved exactly with
///   Lawson & Hanson's LDP-via-NNLS (*Solving Least Squares Problems*, ch. 23; see
///   ``LeastDistanceProgram``). Always unique (strictly convex). ``solveL2WithClp(points:labels:)``
///   solves the same QP with Clp's QP support (``QuadraticProgram``) as an independent cross-check.
///
/// Input is first checked with ``Separability/check(points:labels:)``; non-separable data throw
/// ``MaxMarginError/notSeparable(bestMargin:)``. All solves are done on data divided by
/// s = max |x_nj| (so the tolerances above refer to those normalised coordinates); b is then
/// rescaled, b = b_s / s.
public enum MaxMargin {
    /// |y_n⟨b, x_n⟩ − 1| ≤ this marks a support vector.
    public static let supportTolerance = 1e-7
    /// Largest d for which the l1 uniqueness test is run.
    public static let uniquenessDimensionLimit = 200

    /// Solves the max-margin problem in the given norm.
    /// - Throws: ``MaxMarginError``.
    public static func solve(points: [[Double]], labels: [Double], norm: MarginNorm) throws -> MaxMarginSolution {
        let (a, s) = try prepare(points: points, labels: labels)
        switch norm {
        case .l1: return try solveL1(a, scale: s)
        case .l2:
            let ldp: LDPSolution
            do {
                ldp = try LeastDistanceProgram(constraints: a, lowerBounds: ones(a.count)).solve()
            } catch LeastDistanceError.infeasible {
                throw MaxMarginError.solverFailed("LDP/NNLS found no b with margins >= 1; the data are numerically at the edge of separability")
            } catch {
                throw MaxMarginError.solverFailed("\(error)")
            }
            return finish(ldp.x, a: a, scale: s, norm: .l2, unique: true, multipliers: ldp.multipliers.map { $0 / (s * s) })
        }
    }

    /// The l2 problem solved by Clp's QP (`Clp_loadQuadraticObjective` with H = I on the d free
    /// variables, rows A b ≥ 1; barrier then warm-started primal, see ``QuadraticProgram``), for
    /// validating the NNLS-based ``solve(points:labels:norm:)``. Multipliers are Clp's row duals.
    /// Accuracy is Clp's: it agreed with NNLS to ≤ 9e-8 relative on 1900 random sets (NNLS's own
    /// KKT residuals were ~1e-15), so compare with a tolerance of ~1e-6.
    public static func solveL2WithClp(points: [[Double]], labels: [Double]) throws -> MaxMarginSolution {
        let (a, s) = try prepare(points: points, labels: labels)
        let d = a[0].count
        let identity = (0..<d).map { i in (0..<d).map { $0 == i ? 1.0 : 0 } }
        let qp = QuadraticProgram(objective: zeros(d), hessian: identity, constraints: a,
                                  rowLower: ones(a.count), rowUpper: infinities(a.count),
                                  colLower: infinities(d).map { -$0 }, colUpper: infinities(d))
        let sol: QPSolution
        do { sol = try qp.solve() } catch { throw MaxMarginError.solverFailed("\(error)") }
        guard sol.status == .optimal else { throw MaxMarginError.solverFailed("Clp QP status \(sol.status)") }
        return finish(sol.x, a: a, scale: s, norm: .l2, unique: true, multipliers: sol.rowDuals.map { $0 / (s * s) })
    }

    // MARK: - l1

    private static func solveL1(_ a: [[Double]], scale s: Double) throws -> MaxMarginSolution {
        let d = a[0].count, n = a.count
        let rows = a.map { $0 + $0.map { -$0 } }
        let optimum = try solveLP(LinearProgram(objective: ones(2 * d), constraints: rows,
                                                rowLower: ones(n), rowUpper: infinities(n)))
        let b = (0..<d).map { optimum.x[$0] - optimum.x[d + $0] }
        let unique = d <= uniquenessDimensionLimit ? try l1IsUnique(rows: rows, b: b, optimum: optimum.objectiveValue) : nil
        return finish(b, a: a, scale: s, norm: .l1, unique: unique, multipliers: optimum.rowDuals.map { $0 / s })
    }

    /// The range test described on ``MaxMargin``: min/max of each b_j over the relaxed optimal
    /// face Σ(p + q) ≤ v*(1 + slack) + 1e-12, first with slack = 1e-9, then, for coordinates over
    /// tolerance, with slack = 0. The LPs of each stage share one warm-started Clp model
    /// (``LinearProgram/solve(objectives:)``).
    private static func l1IsUnique(rows: [[Double]], b: [Double], optimum v: Double) throws -> Bool {
        let d = b.count, n = rows.count
        let tolerance = 1e-7 * max(1, b.map(abs).max() ?? 0)
        /// max b_j − min b_j for each j in `coords`; nil if some LP is not solved to optimality.
        func ranges(_ coords: [Int], slack: Double) throws -> [Double]? {
            let lp = LinearProgram(objective: ones(2 * d), constraints: rows + [ones(2 * d)],
                                   rowLower: ones(n) + [-.infinity], rowUpper: infinities(n) + [v * (1 + slack) + 1e-12])
            let objectives = coords.flatMap { j in
                [1.0, -1.0].map { sign in
                    var c = zeros(2 * d); c[j] = sign; c[d + j] = -sign  // ±b_j on (p, q)
                    return c
                }
            }
            let sols: [LPSolution]
            do { sols = try lp.solve(objectives: objectives) } catch { throw MaxMarginError.solverFailed("\(error)") }
            guard sols.allSatisfy({ $0.status == .optimal }) else { return nil }
            return coords.indices.map { k in
                let j = coords[k], lo = sols[2 * k].x, hi = sols[2 * k + 1].x
                return (hi[j] - hi[d + j]) - (lo[j] - lo[d + j])
            }
        }
        guard let wide = try ranges(Array(0..<d), slack: 1e-9) else {
            throw MaxMarginError.solverFailed("an l1 uniqueness LP was not solved to optimality")
        }
        let suspects = (0..<d).filter { wide[$0] > tolerance }
        if suspects.isEmpty { return true }
        // A tie keeps its width when the relaxation is removed; an artefact of a small reduced cost
        // does not. If the tight LPs fail numerically, keep the first verdict.
        guard let tight = try ranges(suspects, slack: 0) else { return false }
        return tight.allSatisfy { $0 <= tolerance }
    }

    private static func solveLP(_ lp: LinearProgram) throws -> LPSolution {
        let sol: LPSolution
        do { sol = try lp.solve() } catch { throw MaxMarginError.solverFailed("\(error)") }
        guard sol.status == .optimal else { throw MaxMarginError.solverFailed("l1 LP status \(sol.status)") }
        return sol
    }

    // MARK: - Shared

    /// Validates via the separability LP and returns a_n = y_n x_n / s with s = max |x_nj|.
    private static func prepare(points: [[Double]], labels: [Double]) throws -> (a: [[Double]], scale: Double) {
        let report: SeparabilityReport
        do {
            report = try Separability.check(points: points, labels: labels)
        } catch SeparabilityError.lpFailed(let why) {
            throw MaxMarginError.solverFailed("separability LP: \(why)")
        } catch {
            throw MaxMarginError.invalidInput("\(error)")
        }
        guard report.separable else { throw MaxMarginError.notSeparable(bestMargin: report.bestMargin) }
        let s = points.lazy.flatMap { $0 }.map(abs).max() ?? 1
        return (zip(points, labels).map { x, y in x.map { y * $0 / s } }, s)
    }

    /// Builds the solution from the normalised b_s.
    private static func finish(_ bs: [Double], a: [[Double]], scale s: Double, norm: MarginNorm,
                               unique: Bool?, multipliers: [Double]) -> MaxMarginSolution {
        let b = bs.map { $0 / s }
        let l2 = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let support = a.indices.filter { n in
            abs(zip(bs, a[n]).reduce(0) { $0 + $1.0 * $1.1 } - 1) <= supportTolerance
        }
        return MaxMarginSolution(
            solution: b,
            direction: b.map { $0 / l2 },
            norm: norm == .l1 ? b.reduce(0) { $0 + abs($1) } : l2,
            unique: unique,
            supportVectors: support,
            multipliers: multipliers
        )
    }

    private static func ones(_ k: Int) -> [Double] { Array(repeating: 1, count: k) }
    private static func zeros(_ k: Int) -> [Double] { Array(repeating: 0, count: k) }
    private static func infinities(_ k: Int) -> [Double] { Array(repeating: .infinity, count: k) }
}

/// Failure of ``MaxMargin/solve(points:labels:norm:)`` or ``MaxMargin/solveL2WithClp(points:labels:)``.
public enum MaxMarginError: Error, Equatable, CustomStringConvertible {
    /// No b gives every example a positive margin; `bestMargin` is ``SeparabilityReport/bestMargin``.
    case notSeparable(bestMargin: Double)
    /// Empty data, ragged rows, label count mismatch, labels other than ±1, non-finite values.
    case invalidInput(String)
    /// An LP/QP/NNLS solve did not succeed.
    case solverFailed(String)

    /// One line saying what failed.
    public var description: String {
        switch self {
        case .notSeparable(let t):
            "the data are not linearly separable through the origin: the best achievable margin with ||b||_inf <= 1 is \(t == 0 ? 0 : t) "
                + (t <= 0 ? "(<= 0)" : "(within the \(Separability.relativeTolerance) relative tolerance of 0)")
        case .invalidInput(let why): "invalid max-margin input: \(why)"
        case .solverFailed(let why): "max-margin solver failed: \(why)"
        }
    }
}
