import Foundation
import SAMCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The results of a sweep, appended as JSON lines to `results.jsonl`, one line per finished point, written at once
/// and fsynced in batches.
///
/// Why JSON lines rather than SQLite: a record is written with one `write`, so `kill -9` at any moment loses at most
/// the points in flight and leaves at worst one torn last line, which reading drops (and the next run truncates);
/// the file is readable by any tool, shards are merged by concatenation, and no database library is needed. Each
/// record carries its point's key (a hash of the point's configuration), so a rerun skips what is done and a changed
/// spec is recognised.
///
/// Durability: a written line is in the kernel's page cache, which outlives the process (kill -9, a crash, a time
/// limit); only losing the machine itself (power, kernel panic) can lose it. Against that, `append` fsyncs when
/// `syncInterval` (1 s) has passed since the last fsync, and `close` fsyncs what is left: at most the last second of
/// points is lost, a torn tail is dropped on reading, and a rerun recomputes those points (with one job, the rerun's
/// file has the same bytes as an uninterrupted run's). An fsync per point cost about 0.9 ms of waiting on the
/// 2-core machine's disk, against about 5 ms of CPU per point of the benchmark sweep (BENCHMARKS.md, "Sweep
/// throughput").
///
/// One writer at a time: `open` takes an exclusive lock (`flock`) on `results.jsonl.lock` beside the store and
/// `close` releases it. The kernel drops the lock when its process ends, however it ends, so the lock of a killed
/// run never blocks the next one. A complete line (ended by a newline) that is not a record is damage, not a crash:
/// reading it is an error that names the file and the line, and nothing is truncated or re-run.
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
    /// The result directory.
    public let directory: String
    private let lock = NSLock()
    private var handle: FileHandle?
    private var writer: SweepLock?
    /// The longest time, in seconds, that a written record waits for its fsync.
    public static let syncInterval = 1.0
    /// When the store was last fsynced (monotonic nanoseconds), and whether lines were written since.
    private var lastSync: UInt64 = 0
    private var unsynced = false

    /// The store of the sweep in `directory` (nothing is opened yet).
    public init(directory: String) {
        self.directory = directory
        path = (directory as NSString).appendingPathComponent("results.jsonl")
    }

    /// The complete records on disk, in file order (a torn last line is ignored), and the byte length they span.
    /// A complete line that is not a record is an error naming the file and the line number.
    public static func read(_ path: String) throws(InvalidInput) -> (records: [Record], validLength: Int) {
        var records: [Record] = []
        let valid = try scan(path) { record throws(InvalidInput) in records.append(record) }
        return (records, valid)
    }

    /// Streams the records of `path` to `body` in file order, without holding the file in memory, and returns the
    /// byte length of its complete lines. A last line without its newline (a crash mid-write) is skipped; any other
    /// line that is not a record (a JSON object with an integer `index`, a string `key` and objects `axes` and
    /// `result`) is an error naming the file and the line number. A missing file has no records.
    public static func scan(_ path: String, _ body: (Record) throws(InvalidInput) -> Void) throws(InvalidInput) -> Int {
        try scanObjects(path) { record, _ throws(InvalidInput) in try body(record) }
    }

    /// `scan`, also passing each record's parsed JSON object.
    static func scanObjects(_ path: String, _ body: (Record, [String: Any]) throws(InvalidInput) -> Void) throws(InvalidInput) -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        let file: FileHandle
        do { file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("\(path): cannot read the file (\(InputFile.reason(error)))")
        }
        defer { try? file.close() }
        var buffer: [UInt8] = [], offset = 0, lineNumber = 0
        while true {
            let chunk: Data
            do { chunk = try file.read(upToCount: 1 << 20) ?? Data() } catch {
                throw InvalidInput("\(path): cannot read the file (\(InputFile.reason(error)))")
            }
            if chunk.isEmpty { break }  // what is left in the buffer has no newline: a torn last line
            buffer.append(contentsOf: chunk)
            var start = 0
            while let end = buffer[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                let line = Data(buffer[start..<end])
                let (record, object) = try parse(line, path: path, lineNumber: lineNumber)
                try body(record, object)
                offset += end - start + 1
                start = end + 1
            }
            buffer.removeFirst(start)
        }
        return offset
    }

    static func parse(_ line: Data, path: String, lineNumber: Int) throws(InvalidInput) -> (Record, [String: Any]) {
        func damaged(_ why: String) -> InvalidInput {
            InvalidInput("\(path): line \(lineNumber) is damaged (\(why)); repair or delete that line (nothing was changed)")
        }
        guard !line.isEmpty else { throw damaged("an empty line, not a record") }
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            throw damaged("not a JSON object")
        }
        guard let number = object["index"] as? NSNumber, let index = Int(exactly: number.doubleValue), index >= 0 else {
            throw damaged("no non-negative integer 'index'")
        }
        guard let key = object["key"] as? String, !key.isEmpty else { throw damaged("no string 'key'") }
        guard object["axes"] is [String: Any] else { throw damaged("no object 'axes'") }
        guard object["result"] is [String: Any] else { throw damaged("no object 'result'") }
        return (Record(index: index, key: key, line: String(decoding: line, as: UTF8.self)), object)
    }

    /// Locks the directory for writing, reads the records and opens the store for appending after dropping any torn
    /// tail.
    public func open() throws(InvalidInput) -> [Record] {
        var records: [Record] = []
        try open { record throws(InvalidInput) in records.append(record) }
        return records
    }

    /// Locks the directory for writing (another writer holding it is an error naming the directory and its
    /// process), streams the records to `body` and opens the store for appending after dropping any torn tail.
    public func open(_ body: (Record) throws(InvalidInput) -> Void) throws(InvalidInput) {
        let writer = try SweepLock(directory: directory)
        let valid = try Self.scan(path, body)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forUpdatingAtPath: path) else { throw InvalidInput("\(path): cannot open for writing") }
        do {
            try h.truncate(atOffset: UInt64(valid))
            try h.seekToEnd()
        } catch {
            throw InvalidInput("\(path): cannot prepare for appending (\(error))")
        }
        lock.lock()
        handle = h
        self.writer = writer
        lastSync = DispatchTime.now().uptimeNanoseconds
        unsynced = false
        lock.unlock()
    }

    /// Appends one record with one `write` before returning; fsyncs the file when `syncInterval` has passed since
    /// the last fsync (the record is safe from the process's end at once, from the machine's within that interval).
    public func append(_ line: String) throws(InvalidInput) {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw InvalidInput("\(path): store not open") }
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
            unsynced = true
            let now = DispatchTime.now().uptimeNanoseconds
            if Double(now &- lastSync) >= Self.syncInterval * 1e9 {
                try handle.synchronize()
                lastSync = now
                unsynced = false
            }
        } catch {
            throw InvalidInput("\(path): cannot append (\(error))")
        }
    }

    /// Fsyncs what was written since the last fsync, closes the file, if open, and releases the lock. An append in
    /// progress ends first; later appends fail.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if unsynced { try? handle?.synchronize() }
        unsynced = false
        try? handle?.close()
        handle = nil
        writer?.release()
        writer = nil
    }
}

/// The one-writer lock of a result directory: an exclusive `flock` on `results.jsonl.lock` in it, which records the
/// holder's process id and host. The kernel releases a `flock` when the process ends (also after `kill -9`), so a
/// lock file left behind never blocks; the file itself is never removed (removing it would let two writers lock two
/// different files).
final class SweepLock: @unchecked Sendable {
    /// The lock file's path.
    let path: String
    private var descriptor: Int32

    /// Takes the lock or throws: held by another process, the error names the directory and the holder.
    init(directory: String) throws(InvalidInput) {
        path = (directory as NSString).appendingPathComponent("results.jsonl.lock")
        descriptor = Self.openFile(path)
        guard descriptor >= 0 else { throw InvalidInput("\(path): cannot open the lock file (\(String(cString: strerror(errno))))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            Self.closeFile(descriptor)
            descriptor = -1
            guard code == EWOULDBLOCK else { throw InvalidInput("\(path): cannot lock (\(String(cString: strerror(code))))") }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.split(whereSeparator: \.isWhitespace) ?? []
            let who = holder.isEmpty ? "" : " (pid \(holder[0])\(holder.count > 1 ? " on \(holder[1])" : ""))"
            throw InvalidInput("\(directory) is being written by another sweep\(who): one writer per result directory; wait for it to end or use another directory")
        }
        var host = [UInt8](repeating: 0, count: 256)
        let ok = host.withUnsafeMutableBufferPointer { gethostname(UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 255) } == 0
        let name = ok ? String(decoding: host.prefix { $0 != 0 }, as: UTF8.self) : "?"
        let text = Array("\(getpid()) \(name)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock (the file stays).
    func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        Self.closeFile(descriptor)
        descriptor = -1
    }

    deinit { release() }

    private static func openFile(_ path: String) -> Int32 { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
    private static func closeFile(_ fd: Int32) { _ = close(fd) }
}

/// FNV-1a, 64 bits, as hex: a stable name for a point's configuration (not a security hash).
func fnv1a(_ data: Data) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return String(h, radix: 16)
}
