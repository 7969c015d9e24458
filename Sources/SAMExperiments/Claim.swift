/// One checked statement of the paper: what it predicts, what this run measured, and whether it holds.
public struct Claim: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        case holds
        case fails
        /// PAPER.md documents that the paper's stated setting does not show what the paper says; the measurement
        /// must come out as documented.
        case documentedDiscrepancy = "documented discrepancy"
        /// The measurement cannot decide (for example, confidence intervals overlap); reported as measured.
        case inconclusive
    }

    public var item: String
    public var statement: String
    public var prediction: String
    public var measurement: String
    public var verdict: Verdict

    public init(item: String, statement: String, prediction: String, measurement: String, verdict: Verdict) {
        self.item = item
        self.statement = statement
        self.prediction = prediction
        self.measurement = measurement
        self.verdict = verdict
    }

    /// A claim that holds when `condition` is true and fails otherwise.
    public static func check(_ item: String, _ statement: String, predicted: String, measured: String, _ condition: Bool) -> Claim {
        Claim(item: item, statement: statement, prediction: predicted, measurement: measured, verdict: condition ? .holds : .fails)
    }
}
