import Foundation

/// Writes files so that a reader never sees half of one: into a temporary file beside the target, then rename.
///
/// Files and directories are made with the system calls themselves, so that every failure is told in words with
/// the path it concerns: "permission denied", "read-only file system", "no space left on the device", "a part of
/// the path is not a directory".
public enum AtomicFile {
    /// Writes `data` to `path` through a temporary file and a rename; the error names the path and the reason.
    public static func write(_ data: Data, to path: String) throws(InvalidInput) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        do { try writeDirectly(data, to: temporary) } catch {
            unlink(temporary)
            throw InvalidInput("\(path): cannot write (\(error.reason))")
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw InvalidInput("\(path): cannot write (\(InputFile.reason(errno: code, writing: true)))")
        }
    }

    /// Writes `text` as UTF-8 to `path`, atomically.
    public static func write(_ text: String, to path: String) throws(InvalidInput) {
        try write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path` in place (created or truncated), checking every write and the close: a full disk is
    /// an error here, not a short file.
    public static func writeDirectly(_ data: Data, to path: String) throws(FileError) {
        var failure: FileError?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            do throws(FileError) { try writeDirectly(parts: [bytes], to: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes `parts` one after another to `path` directly, as `writeDirectly(_:to:)` writes one buffer: a file made
    /// of pieces already in memory (an NPY header and an array's values) without joining them first.
    public static func writeDirectly(parts: [UnsafeRawBufferPointer], to path: String) throws(FileError) {
        try writeDirectly(to: path) { write in
            for bytes in parts where !write(bytes) { return }
        }
    }

    /// Writes to `path` directly, as `writeDirectly(_:to:)` does, the pieces that `produce` hands to `write` one
    /// after another (a file made piece by piece, no piece kept after it is written). `write` answers false once a
    /// write has failed; `produce` may then stop, and the error is thrown when it returns.
    public static func writeDirectly(to path: String, _ produce: (_ write: (UnsafeRawBufferPointer) -> Bool) -> Void) throws(FileError) {
        func fail(_ code: Int32) -> FileError { FileError(path: path, action: "write", reason: InputFile.reason(errno: code, writing: true)) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail(errno) }
        var failure: Int32 = 0
        produce { bytes in
            guard failure == 0 else { return false }
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return false
                }
                offset += n
            }
            return true
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw fail(failure) }
    }

    /// Creates a directory (and its parents) if missing; an existing non-directory is an error naming it.
    public static func makeDirectory(_ path: String) throws(InvalidInput) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw InvalidInput("\(path): exists and is not a directory") }
            return
        }
        // Each missing component in turn, from the top: the error names the one that failed.
        let absolute = path.hasPrefix("/")
        var prefix = absolute ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o777) == 0 { continue }
            let code = errno
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw InvalidInput("\(prefix): exists and is not a directory") }
                continue
            }
            throw InvalidInput("\(prefix): cannot create the directory (\(InputFile.reason(errno: code, writing: true)))")
        }
    }

    /// Whether a directory could be created or written at `path`: its nearest existing ancestor must be a
    /// directory this process can write into (checked with `access`, so a read-only file system is caught even for
    /// root). Nothing is created. The error names the path and the reason.
    public static func checkWritable(_ path: String) throws(InvalidInput) {
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        while true {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw InvalidInput("\(current): exists and is not a directory") }
                guard access(current, W_OK | X_OK) == 0 else {
                    throw InvalidInput("\(path): cannot write (\(InputFile.reason(errno: errno, writing: true)))")
                }
                return
            }
            let code = errno
            // A missing path, or one under a file: go up until something exists (and say what it is).
            guard code == ENOENT || code == ENOTDIR else {
                throw InvalidInput("\(path): cannot write (\(InputFile.reason(errno: code, writing: true)))")
            }
            let parent = (current as NSString).deletingLastPathComponent
            guard parent != current, !parent.isEmpty else { return }
            current = parent
        }
    }
}
