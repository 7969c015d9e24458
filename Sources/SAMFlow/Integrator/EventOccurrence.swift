/// One located crossing of an `Event`.
public struct EventOccurrence: Sendable, Equatable {
    /// Position of the event in the `events` array passed to the solve.
    public let index: Int
    /// The located time: the later end of the final root bracket (where g has its post-crossing sign).
    public let time: Double
    /// The dense-output state u(time).
    public let state: [Double]
    /// Width of the final bracket: the root of g∘u lies in [time − timeUncertainty, time]
    /// (0 if g was exactly zero there).
    public let timeUncertainty: Double
    /// `.rising` or `.falling`: the direction in which g crossed.
    public let crossing: EventDirection
    /// Whether the event was terminal (then it is the last occurrence and the solve stopped at `time`).
    public let terminal: Bool
}
