import SAMCore

/// The l1 or l2 max-margin classifier of a dataset (min ||b|| subject to y_n <b, x_n> >= 1, through the origin), as
/// `samlab maxmargin --json` prints it and the explorer's `POST /api/maxmargin` answers: one encoding for both.
public struct MaxMarginReport: Encodable, Sendable {
    /// "l1" or "l2" (key `norm_kind`).
    public var norm: String
    /// The solution b (margin 1).
    public var solution: [Double]
    /// b / ||b||_2.
    public var direction: [Double]
    /// ||b|| in the chosen norm (key `norm`).
    public var normValue: Double
    /// Whether the solution is unique; nil when not checked.
    public var unique: Bool?
    /// The support vectors, 1-based example indices.
    public var supportVectors: [Int]

    enum CodingKeys: String, CodingKey {
        case norm = "norm_kind", solution, direction, normValue = "norm", unique, supportVectors = "support_vectors"
    }

    /// `unique` is null, not absent, when it was not checked.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(norm, forKey: .norm)
        try c.encode(solution, forKey: .solution)
        try c.encode(direction, forKey: .direction)
        try c.encode(normValue, forKey: .normValue)
        try c.encode(unique, forKey: .unique)
        try c.encode(supportVectors, forKey: .supportVectors)
    }

    /// Solves the problem for `dataset`; data that is not separable is `InvalidInput` saying by how much.
    public init(dataset: Dataset, norm: MarginNorm) throws(InvalidInput) {
        let result: MaxMarginSolution
        do {
            result = try MaxMargin.solve(points: dataset.points, labels: dataset.labels, norm: norm)
        } catch let error as MaxMarginError {
            throw InvalidInput("\(error)")
        } catch {
            throw InvalidInput("\(error)")
        }
        self.norm = norm.rawValue
        solution = result.solution
        direction = result.direction
        normValue = result.norm
        unique = result.unique
        supportVectors = result.supportVectors.map { $0 + 1 }
    }
}
