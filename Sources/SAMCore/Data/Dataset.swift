/// What labels a dataset may have: classes +1 / -1 (margin losses) or any finite real (regression, `SquaredLoss`).
public enum LabelKind: Sendable, Equatable {
    /// Labels +1 or -1.
    case classes
    /// Any finite real label.
    case real
}

/// A dataset: points x_n in R^d with labels y_n, in {-1, +1} for classification (the default) or any finite real
/// for regression (`LabelKind.real`).
///
/// The lane kernels of margin losses see a dataset only through its signed features a_n = y_n x_n, since the margin
/// of example n is y_n <beta, x_n> = <beta, a_n> (THEORY.md §1.1).
public struct Dataset: Sendable, Equatable {
    /// The points x_n, each of the same dimension d.
    public let points: [[Double]]
    /// The labels y_n: each +1 or -1 unless the dataset was made with `LabelKind.real`.
    public let labels: [Double]

    /// Validates the points and labels (+1 / -1, or any finite real for `.real`); `origin` names the file or spec
    /// field in errors.
    public init(points: [[Double]], labels: [Double], origin: DataOrigin = .field("data"), labelKind: LabelKind = .classes) throws(DataError) {
        func fail(_ detail: String) -> DataError { .invalid(origin: origin, detail: detail) }
        guard !points.isEmpty else { throw fail("the dataset has no examples") }
        guard points.count == labels.count else { throw fail("\(points.count) points but \(labels.count) labels") }
        let d = points[0].count
        guard d > 0 else { throw fail("points have no coordinates") }
        for (n, x) in points.enumerated() {
            guard x.count == d else { throw fail("example \(n + 1) has \(x.count) coordinates, expected \(d)") }
            if let j = x.firstIndex(where: { !$0.isFinite }) {
                throw fail("example \(n + 1) has a non-finite value in coordinate \(j + 1)")
            }
            guard labelKind == .real ? labels[n].isFinite : labels[n] == 1 || labels[n] == -1 else {
                if labelKind == .real { throw fail("example \(n + 1) has a non-finite label") }
                throw fail("example \(n + 1) has label \(labels[n]); labels must be +1 or -1")
            }
        }
        self.points = points
        self.labels = labels
    }

    /// D_mu = {(mu, +1)}, the paper's single-example dataset (THEORY.md §1.1).
    public static func singleExample(mu: [Double]) throws(DataError) -> Dataset {
        try Dataset(points: [mu], labels: [1], origin: .field("data.mu"))
    }

    /// The number of examples n.
    public var count: Int { points.count }
    /// The dimension d of the points.
    public var dimension: Int { points[0].count }

    /// a_n = y_n x_n, row-major, n rows of d values.
    public var signedFeatures: [Double] {
        var a = [Double]()
        a.reserveCapacity(count * dimension)
        for (x, y) in zip(points, labels) {
            a.append(contentsOf: x.map { y * $0 })
        }
        return a
    }

    /// The coordinates j with a non-zero feature in some example (the ones a run can move).
    public var usedCoordinates: [Int] {
        (0..<dimension).filter { j in points.contains { $0[j] != 0 } }
    }

    /// Whether every label is +1 or -1 (a classification dataset).
    public var hasClassLabels: Bool { labels.allSatisfy { $0 == 1 || $0 == -1 } }

    /// The single example's features when the dataset is one example with label +1 (D_mu), else nil.
    public var singleExampleMu: [Double]? {
        count == 1 && labels[0] == 1 ? points[0] : nil
    }
}
