import Foundation

/// The process's peak resident memory, for benchmarks.
///
/// Linux keeps the high-water mark of resident memory as VmHWM in /proc/self/status, and writing "5" to
/// /proc/self/clear_refs resets it to the current resident size, so one process can measure the peak of each phase
/// in turn. Elsewhere both return nil / do nothing.
public enum ProcessMemory {
    /// Resets the high-water mark to the current resident size (Linux only; returns false where it cannot).
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// Peak resident memory in bytes since start or since the last `resetPeak`.
    public static func peakResidentBytes() -> Int? { statusField("VmHWM:") }

    /// Current resident memory in bytes.
    public static func residentBytes() -> Int? { statusField("VmRSS:") }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
        return kib * 1024
    }
}
