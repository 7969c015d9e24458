/// One checked statement of the paper: what it predicts, what this run measured, and whether it holds.
public struct Claim: Codable, Sendable, Equatable {
    /// The outcome of a check.
    public enum Verdict: String, Codable, Sendable {
        /// The measurement agrees with the prediction.
        case holds
        /// It does not.
        case fails
        /// THEORY.md (§5) documents that the paper's stated setting does not show what the paper says; the measurement
        /// must come out as documented.
        case documentedDiscrepancy = "documented discrepancy"
        /// The measurement cannot decide (for example, confidence intervals overlap); reported as measured.
        case inconclusive
    }

    /// Whose statement is checked: the paper's, a question SAMLab asks beyond it (for example whether the synthetic
    /// "minor first, major last" order shows up in a CNN's Grad-CAM over training), or a result of the SAM literature
    /// reproduced on the same models (the item's `source`). Reports count the three apart, so an extrapolation or a
    /// literature result that does not hold is never read as a failed reproduction of the paper.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A statement of the paper.
        case paper
        /// A question SAMLab asks beyond the paper.
        case extrapolation
        /// A statement of another paper of the SAM literature (the item's `ReproductionItem.source`).
        case literature
    }

    /// The catalog item's identifier (`fig4`).
    public var item: String
    /// The statement checked, in words.
    public var statement: String
    /// What the theory or the paper predicts.
    public var prediction: String
    /// What the run measured.
    public var measurement: String
    /// Whether the measurement bears the statement out.
    public var verdict: Verdict
    /// Whose statement it is.
    public var kind: Kind

    /// A claim from its parts (the paper's by default).
    public init(item: String, statement: String, prediction: String, measurement: String, verdict: Verdict, kind: Kind = .paper) {
        self.item = item
        self.statement = statement
        self.prediction = prediction
        self.measurement = measurement
        self.verdict = verdict
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey { case item, statement, prediction, measurement, verdict, kind }

    /// Claims saved before `kind` existed are the paper's.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(item: try c.decode(String.self, forKey: .item), statement: try c.decode(String.self, forKey: .statement),
                  prediction: try c.decode(String.self, forKey: .prediction), measurement: try c.decode(String.self, forKey: .measurement),
                  verdict: try c.decode(Verdict.self, forKey: .verdict), kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .paper)
    }

    /// A literature claim (`Kind.literature`) from its parts; `inconclusive` when the measurement cannot decide at the
    /// item's size.
    public static func literature(_ item: String, _ statement: String, predicted: String, measured: String,
                                  _ verdict: Verdict) -> Claim {
        Claim(item: item, statement: statement, prediction: predicted, measurement: measured, verdict: verdict, kind: .literature)
    }

    /// A claim of `kind` (the paper's by default) that holds when `condition` is true and fails otherwise.
    public static func check(_ item: String, _ statement: String, predicted: String, measured: String, _ condition: Bool,
                             kind: Kind = .paper) -> Claim {
        Claim(item: item, statement: statement, prediction: predicted, measurement: measured, verdict: condition ? .holds : .fails,
              kind: kind)
    }
}
