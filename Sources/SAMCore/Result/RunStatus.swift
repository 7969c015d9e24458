/// How a run ended, discrete or flow (THEORY.md §2.3). Failures are data, not crashes: every status comes with a
/// finite final state.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// All requested steps were taken, or the flow reached its end time.
    case completed
    /// The weights, beta, a margin or the field became inf or NaN; the reported state is the last finite one.
    case diverged
    /// The predictor collapsed to beta = 0 instead of separating the data. Discrete: every coordinate's weights
    /// passed through zero, the loss ended no lower than it started and the margin ended closer to 0 (a bounded
    /// chatter around 0). Flow: every coordinate's predictor is held at 0 by weights in sliding modes.
    case collapsed
    /// Stopped by the user before the end; a checkpoint allows resuming.
    case interrupted
    /// Flow: ||w||_2 reached the blow-up norm (a finite-time blow-up of the rescaled flow at L >= 3).
    case blowUp = "blow-up"
    /// Flow: the loss fell below the loss tolerance.
    case converged
    /// Flow: the step size underflowed or the event budget ran out; the reason says which.
    case stalled
}
