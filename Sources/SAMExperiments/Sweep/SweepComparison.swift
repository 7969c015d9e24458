import Foundation
import SAMCore

/// Whether two result stores of one sweep hold the same results: the check that a faster sweep computes what the
/// old one did (issue 17: same regimes and statuses, event times to 1e-9).
///
/// Points are matched by index and must have the same axis values; their keys (configuration hashes) are not compared,
/// so that a run with another solver (a `solver` key in the base) can be checked against the old one. Their kept fields are compared
/// value by value: strings (status, regime), booleans and nulls exactly, lists element by element with the same
/// length, objects key by key with the same keys, and numbers (event times, end times, leader starts, coordinates)
/// to an absolute `tolerance`: |a - b| <= tolerance (a non-finite number never appears: JSON has none). The order of
/// the lines does not matter (a run with several jobs stores points in the order they end).
public enum SweepComparison {
    /// A field of one point that differs.
    public struct Difference: Sendable, Equatable {
        /// The point's index.
        public var index: Int
        /// Where in the point's result: the field's name, then list positions and object keys (`leaders[2].start`).
        public var path: String
        /// The reference's value (canonical JSON; "missing" when absent).
        public var reference: String
        /// The candidate's value (canonical JSON; "missing" when absent).
        public var candidate: String
    }

    /// What a comparison found.
    public struct Report: Sendable, Equatable {
        /// Points in the reference store.
        public var points: Int
        /// Points of the reference that the candidate does not have.
        public var missing: [Int]
        /// Points of the candidate that the reference does not have.
        public var extra: [Int]
        /// Points whose axis values (or seed) differ: not the same point of the grid.
        public var otherPoint: [Int]
        /// The differing fields, by index, then in field order.
        public var differences: [Difference]
        /// The largest |a - b| over all compared numbers (0 when all are equal).
        public var largestNumberGap: Double

        /// No point missing, extra or of another configuration, and no field differing.
        public var identical: Bool { missing.isEmpty && extra.isEmpty && otherPoint.isEmpty && differences.isEmpty }
    }

    /// Compares the `results.jsonl` of two result directories (or two store files).
    public static func compare(reference: String, candidate: String, tolerance: Double) throws(InvalidInput) -> Report {
        let a = try results(reference), b = try results(candidate)
        var report = Report(points: a.count, missing: [], extra: b.keys.filter { a[$0] == nil }.sorted(), otherPoint: [],
                            differences: [], largestNumberGap: 0)
        for index in a.keys.sorted() {
            guard let other = b[index] else { report.missing.append(index); continue }
            let mine = a[index]!
            guard mine.point == other.point else { report.otherPoint.append(index); continue }
            compare(mine.result, other.result, path: "", index: index, tolerance: tolerance, into: &report)
        }
        return report
    }

    /// Appends the differences between two JSON values at `path` and raises the report's largest number gap.
    static func compare(_ x: JSONValue, _ y: JSONValue, path: String, index: Int, tolerance: Double, into report: inout Report) {
        func differ() { report.differences.append(Difference(index: index, path: path, reference: x.canonical, candidate: y.canonical)) }
        switch (x, y) {
        case (.number(let p), .number(let q)):
            let gap = abs(p - q)
            report.largestNumberGap = max(report.largestNumberGap, gap)
            if !(gap <= tolerance) { differ() }
        case (.array(let p), .array(let q)):
            guard p.count == q.count else { differ(); return }
            for (k, (u, v)) in zip(p, q).enumerated() {
                compare(u, v, path: "\(path)[\(k)]", index: index, tolerance: tolerance, into: &report)
            }
        case (.object(let p), .object(let q)):
            for key in Set(p.keys).union(q.keys).sorted() {
                let place = path.isEmpty ? key : "\(path).\(key)"
                guard let u = p[key], let v = q[key] else {
                    report.differences.append(Difference(index: index, path: place, reference: p[key]?.canonical ?? "missing",
                                                         candidate: q[key]?.canonical ?? "missing"))
                    continue
                }
                compare(u, v, path: place, index: index, tolerance: tolerance, into: &report)
            }
        default:
            if x != y { differ() }
        }
    }

    /// The records of a store by index: the point (axes and seed) and the result object. A directory means its
    /// `results.jsonl`; a point stored twice is an error.
    static func results(_ path: String) throws(InvalidInput) -> [Int: (point: JSONValue, result: JSONValue)] {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? (path as NSString).appendingPathComponent("results.jsonl") : path
        guard FileManager.default.fileExists(atPath: file) else { throw InvalidInput("\(file): no such file") }
        var byIndex: [Int: (point: JSONValue, result: JSONValue)] = [:]
        _ = try SweepStore.scanObjects(file) { record, object throws(InvalidInput) in
            guard byIndex[record.index] == nil else { throw InvalidInput("\(file): point \(record.index) appears twice") }
            let point = JSONValue.object(["axes": JSONValue(object["axes"] as Any), "seed": object["seed"].map(JSONValue.init) ?? .null])
            byIndex[record.index] = (point, JSONValue(object["result"] as Any))
        }
        return byIndex
    }
}
