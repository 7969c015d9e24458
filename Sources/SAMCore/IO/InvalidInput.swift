/// Bad input from a user: a flag, a file or a configuration value that cannot be used.
///
/// The message is one line that names the flag or file (and line) at fault; the command-line tool prints it
/// as it is and exits with status 2. Library code throws this instead of trapping or returning NaN.
public struct InvalidInput: Error, CustomStringConvertible, Equatable, Sendable {
    /// The one-line message, naming the flag or file at fault.
    public let message: String

    /// An error with the given one-line message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message as it is.
    public var description: String { message }
}
