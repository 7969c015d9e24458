import Foundation

/// A file that could not be read or written: `path: cannot ACTION (reason)`, the reason in words ("no such file",
/// "Permission denied", "No space left on device").
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path.
    public var path: String
    /// What failed: "read the file", "write", "create the directory", ...
    public var action: String
    /// Why, in words ("no such file", "Permission denied").
    public var reason: String

    /// The error for `path`, `action` and `reason`.
    public init(path: String, action: String, reason: String) {
        self.path = path
        self.action = action
        self.reason = reason
    }

    /// `path: cannot ACTION (reason)`.
    public var description: String { "\(path): cannot \(action) (\(reason))" }
}

/// Reading a user's file, with a one-line reason when it cannot be read.
public enum InputFile {
    /// The file's bytes, or a typed error with the reason.
    public static func contents(_ path: String) throws(FileError) -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileError(path: path, action: "read the file", reason: reason(error))
        }
    }

    /// The file's bytes; the error is the one-line `InvalidInput` of the command-line tool.
    public static func read(_ path: String) throws(InvalidInput) -> Data {
        do { return try contents(path) } catch { throw InvalidInput(error.description) }
    }

    /// "no such file", "Permission denied", ...: the POSIX reason when there is one.
    public static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return ns.localizedDescription
    }
}
