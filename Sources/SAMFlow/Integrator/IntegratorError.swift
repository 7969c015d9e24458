/// Invalid input to the integrator (a bad tolerance, an empty or misdimensioned state, t1 <= t0, an unsorted
/// output grid, ...). The message is one line naming the offending argument and value.
///
/// Only *input* problems throw; numerical trouble during the solve (non-finite values, step-size underflow,
/// too many steps) is returned as data in `ODESolution.result`.
public struct IntegratorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The one-line message.
    public let message: String

    /// An error with the given message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message as it is.
    public var description: String { message }
}
