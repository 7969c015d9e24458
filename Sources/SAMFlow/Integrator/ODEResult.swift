/// How a solve ended. Every case comes with a finite `ODESolution.finalTime` and `finalState`.
public enum ODEResult: Sendable, Equatable, CustomStringConvertible {
    /// Reached t1.
    case completed
    /// A terminal event (`index` into the events array) was located at `time`; the solve stopped there.
    case event(index: Int, time: Double)
    /// The step size underflowed (h < minimumStep · max(|t|, 1e-12 |t1 − t0|)) or `maxSteps` attempts were used;
    /// the reason is a one-line message with t and h.
    case stalled(reason: String)
    /// f or the state became inf/NaN at `time` (the last accepted time) and no smaller step avoided it;
    /// the final state is the last finite one.
    case nonFinite(time: Double)
    /// `shouldStop` returned true before an attempt at `time` (the last accepted time): a caller's time limit or
    /// Ctrl-C, not a property of the problem.
    case interrupted(time: Double)

    /// `.completed` or `.event`: the solve ended where it was asked to.
    public var isSuccess: Bool {
        switch self {
        case .completed, .event: return true
        case .stalled, .nonFinite, .interrupted: return false
        }
    }

    /// One line: "completed", "terminal event i at t = ...", "stalled: ...", "non-finite value after t = ...",
    /// "interrupted at t = ...".
    public var description: String {
        switch self {
        case .completed: return "completed"
        case .event(let index, let time): return "terminal event \(index) at t = \(time)"
        case .stalled(let reason): return "stalled: \(reason)"
        case .nonFinite(let time): return "non-finite value after t = \(time)"
        case .interrupted(let time): return "interrupted at t = \(time)"
        }
    }
}
