import CClp
import OpenBLASKernels

/// A convex quadratic program solved by COIN-OR Clp's QP support:
///
///     minimize    cᵀx + ½ xᵀH x
///     subject to  rowLower ≤ A x ≤ rowUpper,   colLower ≤ x ≤ colUpper,
///
/// with H symmetric positive semidefinite (not checked; Clp assumes convexity).
/// The linear part is a ``LinearProgram`` (same conventions and validation).
///
/// Clp C-API behaviour, verified with Clp 1.17.6 (Debian 12):
/// * `Clp_loadQuadraticObjective` takes **one triangle** of H in CSC form; giving the full matrix
///   doubles the off-diagonal entries. This wrapper passes the lower triangle (i ≥ j).
///   The objective is then exactly cᵀx + ½xᵀHx (`Clp_objectiveValue` includes the ½).
/// * `Clp_dual` silently ignores the quadratic term. `Clp_primal` alone is unreliable: on 1500
///   random feasible max-margin QPs (d ≤ 10, N ≤ 60) it reported 35 as infeasible and returned 17
///   "optimal" points off by up to 2e-4 relative. The barrier (`Clp_initialBarrierSolve`) alone
///   was off by up to 7e-5 and calls an infeasible problem optimal. Barrier followed by a
///   warm-started `Clp_primal` solved all 1500 to 7e-8 relative and detected infeasibility, so
///   that is the default ``QPAlgorithm``.
/// * Unboundedness is **not** detected reliably: Clp reports "optimal" with x at 1e15–1e30.
///   Use the wrapper for bounded problems (e.g. H positive definite). As a safeguard, a point with
///   some |x_j| ≥ 1e12 · max(1, largest finite bound) is reported ``LPStatus/unbounded``.
/// * Whatever Clp says, an "optimal" point violating a row or column bound by more than
///   1e-6 · (1 + |bound|) is reported as `.other(0)`.
public struct QuadraticProgram: Sendable {
    /// c, A, and the bounds.
    public var linear: LinearProgram
    /// H, dense symmetric n × n.
    public var hessian: [[Double]]
    /// Which Clp QP method(s) to run; see ``QPAlgorithm``.
    public var algorithm: QPAlgorithm = .barrierThenPrimal

    /// Creates a program. Column bounds default to x ≥ 0, as for ``LinearProgram``.
    public init(
        objective: [Double],
        hessian: [[Double]],
        constraints: [[Double]],
        rowLower: [Double],
        rowUpper: [Double],
        colLower: [Double]? = nil,
        colUpper: [Double]? = nil
    ) {
        linear = LinearProgram(objective: objective, constraints: constraints, rowLower: rowLower,
                               rowUpper: rowUpper, colLower: colLower, colUpper: colUpper)
        self.hessian = hessian
    }

    /// Solves with ``algorithm`` (default barrier, then primal), logging off.
    /// - Throws: ``QuadraticProgramError`` for malformed input (including a non-square,
    ///   non-finite or asymmetric H). Infeasibility and unboundedness are reported via `status`.
    public func solve() throws -> QPSolution {
        let n = linear.objective.count, m = linear.constraints.count
        guard hessian.count == n, hessian.allSatisfy({ $0.count == n }) else {
            throw QuadraticProgramError.hessian("must be \(n) x \(n)")
        }
        guard hessian.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw QuadraticProgramError.hessian("contains a non-finite value")
        }
        for i in 0..<n {
            for j in 0..<i where abs(hessian[i][j] - hessian[j][i]) > 1e-12 * max(1, abs(hessian[i][j])) {
                throw QuadraticProgramError.hessian("is not symmetric at (\(i), \(j))")
            }
        }
        OpenBLASKernels.prepare()  // Clp reaches OpenBLAS through LAPACK; see OpenBLASKernels.
        guard let model = Clp_newModel() else { throw QuadraticProgramError.linear(.solverUnavailable) }
        defer { Clp_deleteModel(model) }
        Clp_setLogLevel(model, 0)
        do { try linear.load(into: model) } catch let e as LinearProgramError { throw QuadraticProgramError.linear(e) }

        // Lower triangle of H, column by column.
        var start: [CoinBigIndex] = [0], index: [Int32] = [], value: [Double] = []
        for j in 0..<n {
            for i in j..<n where hessian[i][j] != 0 {
                index.append(Int32(i))
                value.append(hessian[i][j])
            }
            start.append(CoinBigIndex(index.count))
        }
        Clp_loadQuadraticObjective(model, Int32(n), start, index, value)
        switch algorithm {
        case .primal: _ = Clp_primal(model, 0)
        case .barrier: _ = Clp_initialBarrierSolve(model)
        case .barrierThenPrimal:
            _ = Clp_initialBarrierSolve(model)
            _ = Clp_primal(model, 0)
        }

        func copy(_ p: UnsafePointer<Double>?, _ count: Int) -> [Double] {
            guard let p, count > 0 else { return Array(repeating: .nan, count: count) }
            return Array(UnsafeBufferPointer(start: p, count: count))
        }
        let x = copy(Clp_getColSolution(model), n)
        let code = Int(Clp_status(model))
        let status: LPStatus
        switch code {
        case 0 where Clp_isProvenOptimal(model) != 0:
            let bounds = linear.rowLower + linear.rowUpper + linear.colLower + linear.colUpper
            let huge = 1e12 * max(1, bounds.lazy.filter(\.isFinite).map(abs).max() ?? 0)
            if !x.allSatisfy({ $0.isFinite && abs($0) < huge }) {
                status = .unbounded
            } else {
                status = violatesBounds(x) ? .other(0) : .optimal
            }
        case 1: status = .infeasible
        case 2: status = .unbounded
        default: status = .other(code)
        }
        return QPSolution(status: status, x: x, objectiveValue: Clp_objectiveValue(model),
                          rowDuals: copy(Clp_getRowPrice(model), m))
    }

    /// Whether x violates a row or column bound by more than 1e-6 · (1 + |bound|).
    private func violatesBounds(_ x: [Double]) -> Bool {
        func outside(_ v: Double, _ lo: Double, _ hi: Double) -> Bool {
            v < lo - 1e-6 * (1 + abs(lo)) || v > hi + 1e-6 * (1 + abs(hi))
        }
        for (j, v) in x.enumerated() where outside(v, linear.colLower[j], linear.colUpper[j]) { return true }
        for (i, row) in linear.constraints.enumerated() {
            let activity = zip(row, x).reduce(0) { $0 + $1.0 * $1.1 }
            if outside(activity, linear.rowLower[i], linear.rowUpper[i]) { return true }
        }
        return false
    }
}

/// The Clp method used by ``QuadraticProgram/solve()``.
public enum QPAlgorithm: Sendable {
    /// `Clp_primal(model, 0)`: the quadratic primal simplex from scratch.
    case primal
    /// `Clp_initialBarrierSolve`: the interior-point method.
    case barrier
    /// Barrier, then `Clp_primal` warm-started from its point to polish the active set.
    case barrierThenPrimal
}

/// A solution returned by ``QuadraticProgram/solve()``; meaningful only when `status == .optimal`.
public struct QPSolution: Sendable {
    /// How the solve ended; the numbers below mean something only for `.optimal`.
    public let status: LPStatus
    /// The primal solution x (length n).
    public let x: [Double]
    /// cᵀx + ½xᵀHx at `x`.
    public let objectiveValue: Double
    /// Row multipliers (length m) for the minimization form, as for ``LPSolution/rowDuals``:
    /// the KKT stationarity condition reads c + H x − Aᵀy = (column reduced costs).
    public let rowDuals: [Double]
}

/// Malformed input to ``QuadraticProgram/solve()``.
public enum QuadraticProgramError: Error, Equatable, CustomStringConvertible {
    /// The linear part is malformed.
    case linear(LinearProgramError)
    /// The Hessian is malformed (not square, not symmetric, not finite).
    case hessian(String)

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .linear(let e): "quadratic program: \(e)"
        case .hessian(let why): "quadratic program Hessian \(why)"
        }
    }
}
