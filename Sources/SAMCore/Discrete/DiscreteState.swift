/// Everything a discrete run has produced so far; Codable so that a checkpoint restores it exactly.
public struct DiscreteState: Codable, Equatable, Sendable {
    /// Steps taken so far.
    public var step: Int
    /// The current weights, layer-major.
    public var weights: [Double]
    /// log of the mean loss at step 0 (for the collapse verdict).
    public var initialLogLoss: Double
    /// The margin at step 0 (for the collapse verdict).
    public var initialMargin: Double
    /// The recorded rows so far.
    public var rows: [TrajectoryRow]
    /// The relative leader's periods so far.
    public var leaders: [LeaderPeriod]
    /// The absolute leader's periods so far.
    public var leadersAbsolute: [LeaderPeriod]
    /// For each coordinate, the first step during which one of its weights changed sign or reached zero (held
    /// sparsely while few have: at d = 10^6 the dense array would be 8 MB).
    public var zeroCrossings: FirstZeroCrossings
    /// `zeroCrossings` as one entry per coordinate, -1 if never (the dense array, made on each read).
    public var firstZeroCrossing: [Int] {
        get { zeroCrossings.steps }
        set { zeroCrossings = FirstZeroCrossings(steps: newValue) }
    }
    /// How the run ended, nil while it runs.
    public var status: RunStatus?
    /// The step of the event that ended it (divergence, collapse).
    public var eventStep: Int?
    /// Why it ended so, in words.
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case step, weights, initialLogLoss = "initial_log_loss", initialMargin = "initial_margin", rows, leaders, leadersAbsolute = "leaders_absolute"
        case zeroCrossings = "first_zero_crossing", status, eventStep = "event_step", reason
    }
}
