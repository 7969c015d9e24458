import Foundation
import SAMCore

/// The results of a sweep, appended as JSON lines to `results.jsonl`, one fsynced line per finished point.
///
/// Why JSON lines rather than SQLite: a record is written with one `write` and one `fsync`, so `kill -9` at any
/// moment loses at most the points in flight and leaves at worst one torn last line, which reading drops (and the
/// next run truncates); the file is readable by any tool, shards are merged by concatenation, and no database
/// library is needed. Each record carries its point's key (a hash of the point's configuration), so a rerun skips
/// what is done and a changed spec is recognised.
public final class SweepStore: @unchecked Sendable {
    /// One stored point.
    public struct Record: Sendable, Equatable {
        /// The point's index.
        public var index: Int
        /// The hash of the point's configuration.
        public var key: String
        /// The JSON line as stored.
        public var line: String
    }

    /// The path of `results.jsonl`.
    public let path: String
    private let lock = NSLock()
    private var handle: FileHandle?

    /// The store of the sweep in `directory` (nothing is opened yet).
    public init(directory: String) {
        path = (directory as NSString).appendingPathComponent("results.jsonl")
    }

    /// The complete records on disk (a torn last line is ignored), and the byte length they span.
    public static func read(_ path: String) throws(InvalidInput) -> (records: [Record], validLength: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        let data = try InputFile.read(path)
        var records: [Record] = [], offset = 0, valid = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let end = offset + line.count
            defer { offset = end + 1 }
            guard end < data.count else { break }  // no newline after it: torn
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                  let index = object["index"] as? Int, let key = object["key"] as? String else { break }
            records.append(Record(index: index, key: key, line: String(decoding: line, as: UTF8.self)))
            valid = end + 1
        }
        return (records, valid)
    }

    /// Opens for appending after dropping any torn tail.
    public func open() throws(InvalidInput) -> [Record] {
        let (records, valid) = try Self.read(path)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forUpdatingAtPath: path) else { throw InvalidInput("\(path): cannot open for writing") }
        do {
            try h.truncate(atOffset: UInt64(valid))
            try h.seekToEnd()
        } catch {
            throw InvalidInput("\(path): cannot prepare for appending (\(error))")
        }
        handle = h
        return records
    }

    /// Appends one record durably (write, then fsync) before returning.
    public func append(_ line: String) throws(InvalidInput) {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw InvalidInput("\(path): store not open") }
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
            try handle.synchronize()
        } catch {
            throw InvalidInput("\(path): cannot append (\(error))")
        }
    }

    /// Closes the file, if open.
    public func close() {
        try? handle?.close()
        handle = nil
    }
}

/// FNV-1a, 64 bits, as hex: a stable name for a point's configuration (not a security hash).
func fnv1a(_ data: Data) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return String(h, radix: 16)
}
