import Foundation

/// Whole-file writes that readers never see half done: write a temporary file in the same directory (so the final
/// rename stays on one file system and is atomic), then rename it over the target.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let temporary = temporaryURL(beside: url)
        do {
            try data.write(to: temporary)
            try replace(url, with: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// A hidden, unique name next to `url`.
    static func temporaryURL(beside url: URL, suffix: String = ".tmp") -> URL {
        url.deletingLastPathComponent()
            .appendingPathComponent("." + url.lastPathComponent + "." + UUID().uuidString.prefix(8) + suffix)
    }

    /// rename(2): atomic, and replaces an existing target.
    static func replace(_ target: URL, with temporary: URL) throws {
        if rename(temporary.path, target.path) != 0 {
            let code = errno
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSLocalizedDescriptionKey: "could not move \(temporary.path) to \(target.path): \(String(cString: strerror(code)))",
            ])
        }
    }
}
