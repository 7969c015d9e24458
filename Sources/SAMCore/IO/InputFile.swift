import Foundation

/// A file that could not be read or written: `path: cannot ACTION (reason)`, the reason in words ("no such file",
/// "permission denied", "no space left on the device").
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path.
    public var path: String
    /// What failed: "read the file", "write", "create the directory", ...
    public var action: String
    /// Why, in words ("no such file", "permission denied").
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
///
/// Files are read with the system calls themselves (not Foundation), so that every failure has its `errno` and is
/// told in words: "no such file", "it is a directory", "permission denied", "a device, not a regular file". A pipe
/// (`--config <(...)`, `/dev/stdin`) is read to its end; a device such as `/dev/null` or `/dev/zero` is refused
/// ("a device, not a regular file").
public enum InputFile {
    /// The file's bytes, or a typed error with the reason.
    public static func contents(_ path: String) throws(FileError) -> Data {
        let (fd, size) = try openForReading(path)
        defer { close(fd) }
        var data = Data()
        if size > 0 { data.reserveCapacity(size) }
        do {
            try readToEnd(fd, path: path, chunkSize: 1 << 20) { chunk throws(Never) in data.append(chunk) }
        } catch {
            switch error {
            case .file(let error): throw error
            case .consumer(let never): switch never {}
            }
        }
        return data
    }

    /// Reads the file in chunks of 1 MiB, handing each to `body` (the same checks and reasons as `contents`), so that a
    /// large file is never held whole. An error is the file's (`.file`) or `body`'s (`.consumer`).
    public static func chunks<E: Error>(_ path: String, chunkSize: Int = 1 << 20,
                                        _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(ChunkedReadError<E>) {
        let fd: Int32
        do { fd = try openForReading(path).fd } catch { throw .file(error) }
        defer { close(fd) }
        try readToEnd(fd, path: path, chunkSize: chunkSize, body)
    }

    /// Opens `path` for reading once it is known to be a regular file or a pipe: the descriptor, and the size of a
    /// regular file (0 for a pipe).
    static func openForReading(_ path: String) throws(FileError) -> (fd: Int32, size: Int) {
        func fail(_ reason: String) -> FileError { FileError(path: path, action: "read the file", reason: reason) }
        guard !path.isEmpty else { throw fail("the path is empty") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(reason(errno: errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let failure = fail(reason(errno: errno))
            close(fd)
            throw failure
        }
        let kind = info.st_mode & S_IFMT
        let refusal: String? = switch kind {
        case S_IFDIR: "it is a directory"
        case S_IFREG, S_IFIFO: nil
        case S_IFCHR, S_IFBLK: "a device, not a regular file"
        case S_IFSOCK: "a socket, not a regular file"
        default: "not a regular file"
        }
        if let refusal {
            close(fd)
            throw fail(refusal)
        }
        return (fd, kind == S_IFREG ? Int(info.st_size) : 0)
    }

    /// Reads `fd` to its end in chunks of `chunkSize` bytes, handing each to `body`; `path` names the file in errors.
    static func readToEnd<E: Error>(_ fd: Int32, path: String, chunkSize: Int,
                                    _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(ChunkedReadError<E>) {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .file(FileError(path: path, action: "read the file", reason: reason(errno: errno)))
            }
            if n == 0 { break }
            do {
                try buffer.withUnsafeBufferPointer { whole throws(E) in try body(UnsafeBufferPointer(rebasing: whole[0..<n])) }
            } catch {
                throw .consumer(error)
            }
        }
    }

    /// The file's bytes; the error is the one-line `InvalidInput` of the command-line tool.
    public static func read(_ path: String) throws(InvalidInput) -> Data {
        do { return try contents(path) } catch { throw InvalidInput(error.description) }
    }

    /// A system error number in words: "no such file", "permission denied", "it is a directory", "a part of the path
    /// is not a directory", "no space left on the device", "read-only file system", ... With `writing`, a missing
    /// path reads "the directory does not exist" (what ENOENT means when a file is created).
    public static func reason(errno code: Int32, writing: Bool = false) -> String {
        switch code {
        case ENOENT: return writing ? "the directory does not exist" : "no such file"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a directory"
        case ENOTDIR: return "a part of the path is not a directory"
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "disk quota exceeded"
        case EROFS: return "read-only file system"
        case EEXIST: return "it already exists"
        case ENOTEMPTY: return "the directory is not empty"
        case ENAMETOOLONG: return "the name is too long"
        case ELOOP: return "too many levels of symbolic links"
        case EFBIG: return "the file is too large"
        case EIO: return "input/output error"
        case EMFILE, ENFILE: return "too many open files"
        case ENXIO, ENODEV: return "no such device"
        case ETXTBSY, EBUSY: return "the file is busy"
        case EXDEV: return "it is on another file system"
        case ENOMEM: return "out of memory"
        case EINVAL: return "invalid argument"
        default:
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }

    /// A Foundation or system error in words ("no such file", "permission denied", "no space left on the device"),
    /// never Foundation's own sentence.
    public static func reason(_ error: any Error) -> String {
        if let file = error as? FileError { return file.reason }
        if let input = error as? InvalidInput { return input.message }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return reason(errno: Int32(ns.code)) }
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(posix.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            case NSFileWriteOutOfSpaceError: return "no space left on the device"
            case NSFileWriteVolumeReadOnlyError: return "read-only file system"
            case NSFileWriteFileExistsError: return "it already exists"
            case NSFileReadTooLargeError: return "the file is too large"
            case NSFileReadInvalidFileNameError, NSFileWriteInvalidFileNameError: return "invalid file name"
            case NSFileReadCorruptFileError: return "the file is corrupt"
            case NSFileReadInapplicableStringEncodingError, NSFileWriteInapplicableStringEncodingError:
                return "not text in the expected encoding"
            case NSFileReadUnknownError: return "an unknown read error"
            case NSFileWriteUnknownError: return "an unknown write error"
            default: break
            }
        }
        // A Swift error of some library says what it is itself; a Foundation error is never shown in its own words.
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
        return "an unexpected file error (code \(ns.code))"
    }
}

/// `read(2)`, named apart from `InputFile.read`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Why `InputFile.chunks` stopped: the file could not be read, or the consumer of its chunks threw.
public enum ChunkedReadError<Consumer: Error>: Error {
    /// The file's error (its path, what failed and why).
    case file(FileError)
    /// The consumer's error.
    case consumer(Consumer)
}
