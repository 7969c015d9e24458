/// Linear separability through the origin (the models have no bias: f(x) = ⟨b, x⟩).
///
/// A labelled dataset {(x_n, y_n)}, y_n ∈ {−1, +1}, is *separable* when some b gives every point
/// a strictly positive margin y_n⟨b, x_n⟩ > 0. This is decided by the LP
///
///     maximize t   over (b, t) ∈ ℝᵈ × ℝ
///     subject to   y_n ⟨b, x_n⟩ ≥ t   for all n
///                  −1 ≤ b_j ≤ 1       for all j
///
/// whose optimum t* is the best achievable minimum margin with ‖b‖_∞ ≤ 1 (for one example, ‖x‖₁ in closed form). It is always feasible
/// (b = 0, t = 0) and bounded (t ≤ ‖x_1‖₁), so t* ≥ 0, and t* > 0 exactly when the data are
/// separable. No cap t ≤ 1 is imposed: it is not needed for boundedness and would clip t* to 1.
///
/// The decision is `separable ⇔ t* > 1e-9 · max_{n,j} |x_nj|`: a margin below one part in 10⁹ of
/// the data scale counts as zero (ties, points on the hyperplane, LP round-off). For
/// non-separable data Clp returns a vertex with t* = 0 up to round-off. Note that Clp's own
/// feasibility tolerance is about 1e-7 per row, so the witness satisfies y_n⟨b, x_n⟩ ≥ t* only
/// to that accuracy.
public enum Separability {
    /// Relative tolerance: separable iff `bestMargin > relativeTolerance * max |x_nj|`.
    public static let relativeTolerance = 1e-9

    /// Solves the LP above for `points` (n rows of d coordinates) and `labels` (n values ±1).
    ///
    /// - Throws: ``SeparabilityError`` for empty data, zero-dimensional or ragged rows, a label
    ///   count mismatch, labels other than ±1, non-finite coordinates, or an LP that Clp does not
    ///   solve to optimality.
    public static func check(points: [[Double]], labels: [Double]) throws -> SeparabilityReport {
        guard let d = points.first?.count else { throw SeparabilityError.emptyData }
        guard d > 0 else { throw SeparabilityError.noFeatures }
        guard labels.count == points.count else {
            throw SeparabilityError.labelCountMismatch(points: points.count, labels: labels.count)
        }
        var scale = 0.0
        for (n, x) in points.enumerated() {
            guard x.count == d else { throw SeparabilityError.raggedRow(index: n, count: x.count, expected: d) }
            guard labels[n] == 1 || labels[n] == -1 else { throw SeparabilityError.invalidLabel(index: n, value: labels[n]) }
            for v in x {
                guard v.isFinite else { throw SeparabilityError.nonFinite(index: n) }
                scale = max(scale, abs(v))
            }
        }

        // One example: the optimum is t* = y⟨b, x⟩ at b = y sign(x) (0 where x_j = 0), that is ‖x‖₁, in closed form (at
        // d = 10^6 the LP's matrices alone would cost Clp hundreds of MB).
        if points.count == 1 {
            let x = points[0], y = labels[0]
            var t = 0.0
            for v in x { t += abs(v) }
            return SeparabilityReport(separable: t > relativeTolerance * scale, bestMargin: t,
                                      witness: x.map { $0 == 0 ? 0 : ($0 > 0 ? y : -y) })
        }
        return try linearProgram(points: points, labels: labels, d: d, scale: scale)
    }

    /// The LP above, solved by Clp, for checked data of dimension `d` and largest |x_nj| `scale`.
    static func linearProgram(points: [[Double]], labels: [Double], d: Int, scale: Double) throws -> SeparabilityReport {
        // Variables (b_1, …, b_d, t); minimize −t. Row n: y_n x_nᵀ b − t ∈ [0, ∞).
        let lp = LinearProgram(
            objective: Array(repeating: 0, count: d) + [-1],
            constraints: zip(points, labels).map { x, y in x.map { y * $0 } + [-1] },
            rowLower: Array(repeating: 0, count: points.count),
            rowUpper: Array(repeating: .infinity, count: points.count),
            colLower: Array(repeating: -1, count: d) + [-.infinity],
            colUpper: Array(repeating: 1, count: d) + [.infinity]
        )
        let solution: LPSolution
        do { solution = try lp.solve() } catch { throw SeparabilityError.lpFailed("\(error)") }
        guard solution.status == .optimal else { throw SeparabilityError.lpFailed("status \(solution.status)") }

        let t = solution.x[d]
        return SeparabilityReport(
            separable: t > relativeTolerance * scale,
            bestMargin: t,
            witness: Array(solution.x[0..<d])
        )
    }
}

/// Result of ``Separability/check(points:labels:)``.
public struct SeparabilityReport: Sendable {
    /// Whether some b gives every point a positive margin (`bestMargin` above the tolerance).
    public let separable: Bool
    /// The LP optimum t* = max_{‖b‖_∞ ≤ 1} min_n y_n⟨b, x_n⟩ (≈ 0 when not separable).
    public let bestMargin: Double
    /// The optimal b (length d); when separable, y_n⟨b, x_n⟩ ≥ bestMargin for all n, up to ~1e-7.
    public let witness: [Double]
}

/// Invalid input to, or solver failure in, ``Separability/check(points:labels:)``.
public enum SeparabilityError: Error, Equatable, CustomStringConvertible {
    /// No points.
    case emptyData
    /// Points with no coordinates.
    case noFeatures
    /// The number of labels differs from the number of points.
    case labelCountMismatch(points: Int, labels: Int)
    /// A point of another dimension than the first.
    case raggedRow(index: Int, count: Int, expected: Int)
    /// A label other than +1 or -1.
    case invalidLabel(index: Int, value: Double)
    /// A point with a non-finite coordinate.
    case nonFinite(index: Int)
    /// The LP solve failed.
    case lpFailed(String)

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .emptyData: "separability check needs at least one point"
        case .noFeatures: "separability check needs points with at least one coordinate"
        case let .labelCountMismatch(p, l): "got \(p) points but \(l) labels"
        case let .raggedRow(i, c, e): "point \(i) has \(c) coordinates, expected \(e)"
        case let .invalidLabel(i, v): "label \(i) is \(v), expected +1 or -1"
        case let .nonFinite(i): "point \(i) has a non-finite coordinate"
        case let .lpFailed(why): "separability LP failed: \(why)"
        }
    }
}
