import Foundation
import SAMCore

/// Joins the result stores of shards (or of reruns) of one sweep: every point once, with the missing and duplicated
/// points reported.
public enum SweepMerge {
    /// What a merge found.
    public struct Report: Sendable {
        /// The sweep's number of points.
        public var points: Int
        /// Points written to the merged store.
        public var merged: Int
        /// Indices of points that no store has.
        public var missing: [Int]
        /// Points present in more than one store with the same result.
        public var duplicates: [Int]
        /// Points present in more than one store with different results (kept: the first).
        public var conflicts: [Int]
    }

    /// Merges the stores in `directories` (all of the same sweep spec) into `out`. The inputs are only read; `out`
    /// is locked while it is written, as `SweepRunner.run` locks it, so a run writing there refuses (and a merge
    /// into a directory being run is refused). A damaged line in any store is an error naming it.
    public static func merge(_ directories: [String], into out: String) throws(InvalidInput) -> Report {
        guard let first = directories.first else { throw InvalidInput("sweep merge needs at least one directory") }
        let specPath = (first as NSString).appendingPathComponent("spec.json")
        let specText = try InputFile.read(specPath)
        let spec = try SweepSpec(json: specText, source: specPath)
        var byIndex: [Int: SweepStore.Record] = [:]
        var duplicates = Set<Int>(), conflicts = Set<Int>()
        for dir in directories {
            let path = (dir as NSString).appendingPathComponent("spec.json")
            let other = try SweepSpec(json: try InputFile.read(path), source: path)
            guard other == spec else { throw InvalidInput("\(dir) holds a different sweep than \(first) (spec.json differs)") }
            _ = try SweepStore.scan((dir as NSString).appendingPathComponent("results.jsonl")) { record throws(InvalidInput) in
                if let existing = byIndex[record.index] {
                    if existing.line == record.line { duplicates.insert(record.index) } else { conflicts.insert(record.index) }
                } else {
                    byIndex[record.index] = record
                }
            }
        }
        let count = spec.pointCount
        try AtomicFile.makeDirectory(out)
        let writer = try SweepLock(directory: out)
        defer { writer.release() }
        try AtomicFile.write(specText, to: (out as NSString).appendingPathComponent("spec.json"))
        let lines = byIndex.keys.sorted().map { byIndex[$0]!.line + "\n" }.joined()
        try AtomicFile.write(lines, to: (out as NSString).appendingPathComponent("results.jsonl"))
        try SweepTable(directory: out).export(to: out)
        return Report(points: count, merged: byIndex.count, missing: (0..<count).filter { byIndex[$0] == nil },
                      duplicates: duplicates.sorted(), conflicts: conflicts.sorted())
    }
}
