/// Which sign changes of an event function g trigger the event.
public enum EventDirection: Sendable, Equatable, CaseIterable {
    /// g goes from < 0 to ≥ 0.
    case rising
    /// g goes from > 0 to ≤ 0.
    case falling
    /// Either of the above.
    case either

    /// Whether the change of g from `before` to `after` is a crossing in this direction. Leaving zero is not a
    /// crossing (the arrival at zero already was), and NaN never crosses.
    func matches(before: Double, after: Double) -> Bool {
        switch self {
        case .rising: return before < 0 && after >= 0
        case .falling: return before > 0 && after <= 0
        case .either: return (before < 0 && after >= 0) || (before > 0 && after <= 0)
        }
    }
}
