import CClp
import OpenBLASKernels

/// A linear program in the general bounded form solved by COIN-OR Clp:
///
///     minimize    cᵀx
///     subject to  rowLower ≤ A x ≤ rowUpper
///                 colLower ≤ x   ≤ colUpper
///
/// with x ∈ ℝⁿ (n = `objective.count`) and A ∈ ℝ^{m×n} given dense and row-major
/// (`constraints[i][j]` = A_ij, m = `constraints.count`). Zero entries are dropped when the
/// matrix is converted to the column-major (CSC) form that `Clp_loadProblem` expects.
///
/// Bounds may be `±.infinity` (meaning "no bound"); they are passed to Clp as
/// `±.greatestFiniteMagnitude`, which Clp treats as infinite. To maximize, negate `objective`
/// (and the reported `objectiveValue`).
public struct LinearProgram: Sendable {
    /// c, one entry per variable.
    public var objective: [Double]
    /// A, dense row-major: one inner array of length n per constraint row.
    public var constraints: [[Double]]
    /// Lower bounds of A x (length m); `-.infinity` for none.
    public var rowLower: [Double]
    /// Upper bounds of A x (length m); `.infinity` for none.
    public var rowUpper: [Double]
    /// Lower bounds of x (length n); `-.infinity` for none.
    public var colLower: [Double]
    /// Upper bounds of x (length n); `.infinity` for none.
    public var colUpper: [Double]

    /// Creates a program. Column bounds default to x ≥ 0 (the usual LP convention).
    public init(
        objective: [Double],
        constraints: [[Double]],
        rowLower: [Double],
        rowUpper: [Double],
        colLower: [Double]? = nil,
        colUpper: [Double]? = nil
    ) {
        self.objective = objective
        self.constraints = constraints
        self.rowLower = rowLower
        self.rowUpper = rowUpper
        self.colLower = colLower ?? Array(repeating: 0, count: objective.count)
        self.colUpper = colUpper ?? Array(repeating: .infinity, count: objective.count)
    }

    /// Solves the program with Clp's default `initialSolve` (presolve + simplex), with logging off.
    ///
    /// Throws ``LinearProgramError`` only for malformed input (wrong sizes, NaN anywhere,
    /// infinite objective or matrix coefficients). An infeasible or unbounded program is not an
    /// error: it is reported through ``LPSolution/status``.
    public func solve() throws -> LPSolution {
        try validate()
        let n = objective.count, m = constraints.count

        // Dense row-major A -> CSC: start[j]..<start[j+1] index the non-zeros of column j.
        var start: [CoinBigIndex] = [0]
        var index: [Int32] = []
        var value: [Double] = []
        start.reserveCapacity(n + 1)
        for j in 0..<n {
            for i in 0..<m where constraints[i][j] != 0 {
                index.append(Int32(i))
                value.append(constraints[i][j])
            }
            start.append(CoinBigIndex(index.count))
        }

        func clpBound(_ x: Double) -> Double {
            x.isInfinite ? (x > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : x
        }
        let collb = colLower.map(clpBound), colub = colUpper.map(clpBound)
        let rowlb = rowLower.map(clpBound), rowub = rowUpper.map(clpBound)

        OpenBLASKernels.prepare()  // Clp reaches OpenBLAS through LAPACK; see OpenBLASKernels.
        guard let model = Clp_newModel() else { throw LinearProgramError.solverUnavailable }
        defer { Clp_deleteModel(model) }
        Clp_setLogLevel(model, 0)
        Clp_loadProblem(model, Int32(n), Int32(m), start, index, value,
                        collb, colub, objective, rowlb, rowub)
        _ = Clp_initialSolve(model)

        let code = Int(Clp_status(model))
        let status: LPStatus
        switch code {
        case 0 where Clp_isProvenOptimal(model) != 0: status = .optimal
        case 1: status = .infeasible
        case 2: status = .unbounded
        default: status = .other(code)
        }

        func copy(_ p: UnsafePointer<Double>?, _ count: Int) -> [Double] {
            guard let p, count > 0 else { return Array(repeating: .nan, count: count) }
            return Array(UnsafeBufferPointer(start: p, count: count))
        }
        return LPSolution(
            status: status,
            x: copy(Clp_getColSolution(model), n),
            objectiveValue: Clp_objectiveValue(model),
            rowDuals: copy(Clp_getRowPrice(model), m)
        )
    }

    private func validate() throws {
        let n = objective.count, m = constraints.count
        guard n > 0 else { throw LinearProgramError.noVariables }
        guard n < Int(Int32.max), m < Int(Int32.max) else { throw LinearProgramError.tooLarge }
        for (name, arr, len) in [("rowLower", rowLower, m), ("rowUpper", rowUpper, m),
                                 ("colLower", colLower, n), ("colUpper", colUpper, n)] {
            guard arr.count == len else {
                throw LinearProgramError.dimensionMismatch("\(name) has \(arr.count) entries, expected \(len)")
            }
            if arr.contains(where: \.isNaN) { throw LinearProgramError.nonFinite("\(name) contains NaN") }
        }
        if !objective.allSatisfy(\.isFinite) {
            throw LinearProgramError.nonFinite("objective contains a non-finite value")
        }
        var nonZeros = 0
        for (i, row) in constraints.enumerated() {
            guard row.count == n else {
                throw LinearProgramError.dimensionMismatch("constraint row \(i) has \(row.count) entries, expected \(n)")
            }
            guard row.allSatisfy(\.isFinite) else {
                throw LinearProgramError.nonFinite("constraint row \(i) contains a non-finite value")
            }
            nonZeros += row.lazy.filter { $0 != 0 }.count
        }
        guard nonZeros < Int(Int32.max) else { throw LinearProgramError.tooLarge }
    }
}

/// Outcome of ``LinearProgram/solve()``, as classified by `Clp_status`.
public enum LPStatus: Sendable, Equatable {
    /// Proven optimal (Clp status 0 and `Clp_isProvenOptimal`).
    case optimal
    /// Primal infeasible: no x satisfies the bounds (Clp status 1).
    case infeasible
    /// Dual infeasible: the objective is unbounded below on the feasible set (Clp status 2).
    case unbounded
    /// Anything else, with Clp's raw status code (3: stopped on limits, 4: stopped on errors).
    case other(Int)
}

/// A solution returned by ``LinearProgram/solve()``. The numbers are only meaningful when
/// `status == .optimal`; otherwise they are whatever Clp last held.
public struct LPSolution: Sendable {
    /// How the solve ended; the numbers below mean something only for `.optimal`.
    public let status: LPStatus
    /// The primal solution x (length n).
    public let x: [Double]
    /// cᵀx at `x`.
    public let objectiveValue: Double
    /// Row duals y (length m) from `Clp_getRowPrice`, for the minimization form:
    /// y_i = ∂(optimal objective)/∂(active bound of row i), so the reduced costs are c − Aᵀy.
    public let rowDuals: [Double]
}

/// Malformed input to ``LinearProgram/solve()``.
public enum LinearProgramError: Error, Equatable, CustomStringConvertible {
    /// The program has no variables.
    case noVariables
    /// The matrix, bounds or costs do not fit together.
    case dimensionMismatch(String)
    /// An input is NaN (infinite bounds are allowed).
    case nonFinite(String)
    /// The program exceeds Clp's 32-bit indices.
    case tooLarge
    /// Clp could not create a model.
    case solverUnavailable

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .noVariables: "linear program has no variables"
        case .dimensionMismatch(let what): "linear program dimension mismatch: \(what)"
        case .nonFinite(let what): "linear program input is not finite: \(what)"
        case .tooLarge: "linear program is too large for Clp's 32-bit indices"
        case .solverUnavailable: "Clp_newModel failed"
        }
    }
}

// MARK: - Loading into a Clp model (shared with QuadraticProgram)

extension LinearProgram {
    /// Validates the program with the same rules as ``solve()`` and loads it into `model` with
    /// `Clp_loadProblem` (dense row-major A → CSC, infinite bounds → ±`greatestFiniteMagnitude`).
    /// Used by ``QuadraticProgram``, which adds a quadratic objective on top.
    func load(into model: UnsafeMutableRawPointer) throws {
        try validate()
        let n = objective.count, m = constraints.count
        var start: [CoinBigIndex] = [0]
        var index: [Int32] = []
        var value: [Double] = []
        for j in 0..<n {
            for i in 0..<m where constraints[i][j] != 0 {
                index.append(Int32(i))
                value.append(constraints[i][j])
            }
            start.append(CoinBigIndex(index.count))
        }
        func clpBound(_ x: Double) -> Double {
            x.isInfinite ? (x > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : x
        }
        Clp_loadProblem(model, Int32(n), Int32(m), start, index, value,
                        colLower.map(clpBound), colUpper.map(clpBound), objective,
                        rowLower.map(clpBound), rowUpper.map(clpBound))
    }
}

// MARK: - Warm-started re-solves (used by MaxMargin's l1 uniqueness test)

extension LinearProgram {
    /// Solves this program for each objective in `objectives` (each of length n), in order, on
    /// one Clp model: `objective` is solved first with `Clp_initialSolve`, then each new objective
    /// is installed with `Clp_chgObjCoefficients` and re-solved with `Clp_primal`, which
    /// warm-starts from the previous optimal basis (still primal feasible, as only c changes).
    /// Much faster than independent ``solve()`` calls when the objectives are related.
    func solve(objectives: [[Double]]) throws -> [LPSolution] {
        OpenBLASKernels.prepare()  // Clp reaches OpenBLAS through LAPACK; see OpenBLASKernels.
        guard let model = Clp_newModel() else { throw LinearProgramError.solverUnavailable }
        defer { Clp_deleteModel(model) }
        Clp_setLogLevel(model, 0)
        try load(into: model)
        let n = objective.count, m = constraints.count
        _ = Clp_initialSolve(model)
        var results: [LPSolution] = []
        for c in objectives {
            guard c.count == n else {
                throw LinearProgramError.dimensionMismatch("objective has \(c.count) entries, expected \(n)")
            }
            guard c.allSatisfy(\.isFinite) else { throw LinearProgramError.nonFinite("objective contains a non-finite value") }
            Clp_chgObjCoefficients(model, c)
            _ = Clp_primal(model, 0)
            let code = Int(Clp_status(model))
            let status: LPStatus = switch code {
            case 0 where Clp_isProvenOptimal(model) != 0: .optimal
            case 1: .infeasible
            case 2: .unbounded
            default: .other(code)
            }
            func copy(_ p: UnsafePointer<Double>?, _ count: Int) -> [Double] {
                guard let p, count > 0 else { return Array(repeating: .nan, count: count) }
                return Array(UnsafeBufferPointer(start: p, count: count))
            }
            results.append(LPSolution(status: status, x: copy(Clp_getColSolution(model), n),
                                      objectiveValue: Clp_objectiveValue(model),
                                      rowDuals: copy(Clp_getRowPrice(model), m)))
        }
        return results
    }
}
