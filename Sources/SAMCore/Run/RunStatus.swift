/// How a run ended. Failures are data, not crashes: a diverged run keeps its last finite state.
public enum RunStatus: String, Codable, Sendable {
    /// All requested steps were taken.
    case completed
    /// The weights, beta or a margin became inf or NaN; the reported state is the last finite one.
    case diverged
    /// Every coordinate's weights passed through zero, the loss ended no lower than it started and the margin
    /// ended closer to 0 than it started: the predictor collapsed to (a bounded chatter around) beta = 0 instead of
    /// separating the data.
    case collapsed
    /// Stopped by the user (SIGINT) before the end; a checkpoint allows resuming.
    case interrupted
}
