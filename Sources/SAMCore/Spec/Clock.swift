/// What a run counts in: discrete steps k = 0, 1, 2, ... or the continuous time t of a flow (rescaled time s with
/// `rescaled`). Leader periods, rows and events carry a clock value of this kind.
public enum Clock: String, Sendable, Codable, CaseIterable {
    /// Discrete steps k (discrete runs).
    case step
    /// Continuous time t, or rescaled time s (flows).
    case time

    /// A clock value as SAMLab writes it: steps as integers (`12`), times in Swift's shortest round-trip form (`0.5`).
    public func text(_ value: Double) -> String {
        switch self {
        case .step: "\(Int(value))"
        case .time: "\(value)"
        }
    }
}
