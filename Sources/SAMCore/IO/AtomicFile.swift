import Foundation

/// Writes files so that a reader never sees half of one: into a temporary file beside the target, then rename.
public enum AtomicFile {
    /// Writes `data` to `path` through a temporary file and a rename; the error names the path and the reason.
    public static func write(_ data: Data, to path: String) throws(InvalidInput) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw InvalidInput("\(path): cannot write (\(reason))")
            }
        } catch let error as InvalidInput {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw InvalidInput("\(path): cannot write (\(InputFile.reason(error)))")
        }
    }

    /// Writes `text` as UTF-8 to `path`, atomically.
    public static func write(_ text: String, to path: String) throws(InvalidInput) {
        try write(Data(text.utf8), to: path)
    }

    /// Creates a directory (and its parents) if missing; an existing non-directory is an error.
    public static func makeDirectory(_ path: String) throws(InvalidInput) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw InvalidInput("\(path): exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw InvalidInput("\(path): cannot create the directory (\(InputFile.reason(error)))")
        }
    }
}
