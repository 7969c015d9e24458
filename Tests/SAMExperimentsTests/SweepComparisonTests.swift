import Foundation
import SAMCore
import Testing
@testable import SAMExperiments

/// `SweepComparison`: the check that a faster sweep stores what the old one did (issue 17 target 5).
@Suite struct SweepComparisonTests {
    static let lines = [
        #"{"axes":{"alpha":0.1,"rho":0.5},"index":0,"key":"a1","result":{"event_time":3.25,"leaders":[{"coordinate":3,"start":0},{"coordinate":6,"start":1.5}],"regime":"minor-first","status":"blow-up"}}"#,
        #"{"axes":{"alpha":0.1,"rho":1},"index":1,"key":"b2","result":{"event_time":null,"leaders":[],"regime":"collapse","status":"collapsed"}}"#,
    ]

    /// Writes `lines` as a store in a fresh directory and returns the directory.
    static func store(_ lines: [String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: dir.appendingPathComponent("results.jsonl"))
        return dir.path
    }

    /// The same records in another order are identical; the largest gap is 0.
    @Test func sameRecordsInAnyOrderAreIdentical() throws {
        let a = try Self.store(Self.lines), b = try Self.store(Self.lines.reversed())
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let report = try SweepComparison.compare(reference: a, candidate: b, tolerance: 1e-9)
        #expect(report.identical && report.points == 2 && report.largestNumberGap == 0)
    }

    /// An event time 5e-10 off passes at 1e-9; a leader start 2e-9 off does not, and is named by its path.
    @Test func numbersAreComparedToTheTolerance() throws {
        let near = Self.lines[0].replacingOccurrences(of: "3.25", with: "3.2500000005")
        let far = near.replacingOccurrences(of: "\"start\":1.5", with: "\"start\":1.500000002")
        let a = try Self.store(Self.lines), b = try Self.store([near, Self.lines[1]]), c = try Self.store([far, Self.lines[1]])
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(atPath: d) } }
        let close = try SweepComparison.compare(reference: a, candidate: b, tolerance: 1e-9)
        #expect(close.identical)
        #expect(abs(close.largestNumberGap - 5e-10) < 1e-12)
        let off = try SweepComparison.compare(reference: a, candidate: c, tolerance: 1e-9)
        #expect(!off.identical)
        #expect(off.differences.map(\.path) == ["leaders[1].start"])
        #expect(off.differences.first?.index == 0)
    }

    /// A different regime or status, a leader sequence of another length, a missing or extra point, or a point
    /// of other axes each make the stores differ.
    @Test func everyKindOfDifferenceIsFound() throws {
        let regime = Self.lines[0].replacingOccurrences(of: "minor-first", with: "non-monotone")
        let shorter = Self.lines[0].replacingOccurrences(of: #",{"coordinate":6,"start":1.5}"#, with: "")
        let moved = Self.lines[1].replacingOccurrences(of: #""rho":1"#, with: #""rho":2"#)
        let extra = Self.lines[1].replacingOccurrences(of: #""index":1"#, with: #""index":2"#)
        let a = try Self.store(Self.lines)
        defer { try? FileManager.default.removeItem(atPath: a) }
        for (candidate, check) in [([regime, Self.lines[1]], { (r: SweepComparison.Report) in r.differences.map(\.path) == ["regime"] }),
                                   ([shorter, Self.lines[1]], { $0.differences.map(\.path) == ["leaders"] }),
                                   ([Self.lines[0]], { $0.missing == [1] }),
                                   (Self.lines + [extra], { $0.extra == [2] }),
                                   ([Self.lines[0], moved], { $0.otherPoint == [1] })] {
            let b = try Self.store(candidate)
            defer { try? FileManager.default.removeItem(atPath: b) }
            let report = try SweepComparison.compare(reference: a, candidate: b, tolerance: 1e-9)
            #expect(!report.identical)
            #expect(check(report), "\(report)")
        }
    }

    /// A missing store is an error naming the file.
    @Test func missingStoreIsAnError() throws {
        let a = try Self.store(Self.lines)
        defer { try? FileManager.default.removeItem(atPath: a) }
        #expect(throws: InvalidInput.self) { try SweepComparison.compare(reference: a, candidate: a + "/nowhere", tolerance: 1e-9) }
    }
}
