import Foundation

/// Reading a user's file, with a one-line reason when it cannot be read.
public enum InputFile {
    public static func read(_ path: String) throws(InvalidInput) -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("\(path): cannot read the file (\(reason(error)))")
        }
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
