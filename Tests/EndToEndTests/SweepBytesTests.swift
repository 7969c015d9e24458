import Foundation
import Testing

/// The store's bytes do not depend on how a one-job run was interrupted (its fsyncs are batched, its writes are not),
/// and `sweep compare` tells identical stores from different ones.
@Suite struct SweepBytesTests {
    /// kill -9 a one-job run once points are on disk, rerun it: results.jsonl has the bytes of an uninterrupted
    /// one-job run, and `sweep compare` finds the two identical (exit 0).
    @Test func resumedOneJobRunHasTheSameBytes() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write(SweepCommandTests.spec, in: dir)
        let straight = dir.appendingPathComponent("straight").path
        #expect(try CLI.run(["sweep", "run", spec, "--out", straight, "--jobs", "1", "--quiet"]).status == 0)
        let expected = try Data(contentsOf: URL(fileURLWithPath: straight + "/results.jsonl"))

        let killed = dir.appendingPathComponent("killed").path
        let (process, _) = try SweepSafetyTests.start(["sweep", "run", spec, "--out", killed, "--jobs", "1", "--quiet"], in: dir)
        SweepSafetyTests.waitForLines(killed, 5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let partial = (try? SweepCommandTests.lines(killed))?.count ?? 0
        let rerun = try CLI.run(["sweep", "run", spec, "--out", killed, "--jobs", "1", "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(partial >= 5 && partial < 36, "killed after \(partial) points")
        #expect(try Data(contentsOf: URL(fileURLWithPath: killed + "/results.jsonl")) == expected)
        let compare = try CLI.run(["sweep", "compare", straight, killed])
        #expect(compare.status == 0 && compare.stdout.contains("identical"), "\(compare.stdout)\(compare.stderr)")
    }

    /// A changed event time fails `sweep compare` (exit 1, the point and field named) unless within --tolerance; a
    /// missing directory is bad input (exit 2, one line).
    @Test func compareFindsDifferences() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write(SweepCommandTests.spec, in: dir)
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        #expect(try CLI.run(["sweep", "run", spec, "--out", a, "--jobs", "2", "--quiet"]).status == 0)
        try FileManager.default.createDirectory(atPath: b, withIntermediateDirectories: true)
        var lines = try String(contentsOfFile: a + "/results.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        let k = try #require(lines.firstIndex { $0.contains("\"event_time\":") && !$0.contains("\"event_time\":null") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[k].utf8)) as? [String: Any])
        var result = try #require(object["result"] as? [String: Any])
        let time = try #require(result["event_time"] as? Double)
        result["event_time"] = time + 1e-6
        var changed = object
        changed["result"] = result
        lines[k] = String(decoding: try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys]), as: UTF8.self)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: b + "/results.jsonl"))
        let strict = try CLI.run(["sweep", "compare", a, b])
        #expect(strict.status == 1 && strict.stdout.contains("point \(object["index"]!) event_time"), "\(strict.stdout)")
        #expect(try CLI.run(["sweep", "compare", a, b, "--tolerance", "1e-5"]).status == 0)
        let missing = try CLI.run(["sweep", "compare", a, dir.appendingPathComponent("nowhere").path])
        #expect(missing.status == 2 && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
    }
}
