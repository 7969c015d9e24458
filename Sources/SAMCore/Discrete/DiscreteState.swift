/// Everything a discrete run has produced so far; Codable so that a checkpoint restores it exactly.
public struct DiscreteState: Codable, Equatable, Sendable {
    public var step: Int
    public var weights: [Double]
    public var initialLogLoss: Double
    public var initialMargin: Double
    public var rows: [TrajectoryRow]
    public var leaders: [LeaderPeriod]
    public var leadersAbsolute: [LeaderPeriod]
    /// For each coordinate, the first step during which one of its weights changed sign or reached zero; -1 if never.
    public var firstZeroCrossing: [Int]
    public var status: RunStatus?
    public var eventStep: Int?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case step, weights, initialLogLoss = "initial_log_loss", initialMargin = "initial_margin", rows, leaders, leadersAbsolute = "leaders_absolute"
        case firstZeroCrossing = "first_zero_crossing", status, eventStep = "event_step", reason
    }
}
