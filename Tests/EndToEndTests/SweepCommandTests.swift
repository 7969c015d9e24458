import Foundation
import Testing

@Suite struct SweepCommandTests {
    static let spec = """
    {"kind": "flow",
     "base": {"data": {"kind": "single", "mu": [1, 2, 3, 4, 5, 6]}, "optimizer": "l2-sam", "rescaled": true, "time": 20},
     "axes": [{"key": "alpha", "log": {"from": 0.03, "to": 2, "count": 12}}, {"key": "rho", "values": [0.1, 0.5, 1]}],
     "keep": ["status", "regime", "event_time"]}
    """

    static func write(_ text: String, in dir: URL, name: String = "spec.json") throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func lines(_ dir: String) throws -> [String] {
        try String(contentsOfFile: dir + "/results.jsonl", encoding: .utf8).split(separator: "\n").map(String.init).sorted()
    }

    /// kill -9 in the middle, rerun: every point exactly once, with the values of an uninterrupted run.
    @Test func survivesSigkill() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try Self.write(Self.spec, in: dir)
        let straight = dir.appendingPathComponent("straight").path
        #expect(try CLI.run(["sweep", "run", spec, "--out", straight, "--jobs", "2", "--quiet"]).status == 0)
        let expected = try Self.lines(straight)
        #expect(expected.count == 36)

        let killed = dir.appendingPathComponent("killed").path
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["sweep", "run", spec, "--out", killed, "--jobs", "2", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill once some points are on disk (or after a while), without any chance to clean up.
        for _ in 0..<200 {
            Thread.sleep(forTimeInterval: 0.01)
            if let text = try? String(contentsOfFile: killed + "/results.jsonl", encoding: .utf8), text.split(separator: "\n").count >= 3 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let partial = (try? Self.lines(killed))?.count ?? 0
        // The killed run's lock file stays behind; its lock died with the process and does not block the rerun.
        #expect(FileManager.default.fileExists(atPath: killed + "/results.jsonl.lock"))
        let rerun = try CLI.run(["sweep", "run", spec, "--out", killed, "--jobs", "2", "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(!rerun.stderr.contains("being written by another sweep"))
        #expect(rerun.stdout.contains("already done") && partial < 36)
        #expect(try Self.lines(killed) == expected)
    }

    /// Shards run separately (here through GNU parallel, as on a cluster) and merged equal the unsharded sweep;
    /// a missing shard is reported.
    @Test func shardsMergeToTheWhole() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try Self.write(Self.spec, in: dir)
        let whole = dir.appendingPathComponent("whole").path
        #expect(try CLI.run(["sweep", "run", spec, "--out", whole, "--jobs", "2", "--quiet"]).status == 0)
        let shardDirs = (0..<3).map { dir.appendingPathComponent("shard\($0)").path }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/parallel") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/parallel")
            p.arguments = ["--will-cite", "-j", "2", CLI.binary.path, "sweep", "run", spec, "--out", dir.path + "/shard{}", "--shard", "{}/3",
                           "--jobs", "1", "--quiet", ":::", "0", "1", "2"]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        } else {
            for i in 0..<3 { #expect(try CLI.run(["sweep", "run", spec, "--out", shardDirs[i], "--shard", "\(i)/3", "--quiet"]).status == 0) }
        }
        let merged = dir.appendingPathComponent("merged").path
        let m = try CLI.run(["sweep", "merge"] + shardDirs + ["--out", merged])
        #expect(m.status == 0, "\(m.stdout)\(m.stderr)")
        #expect(try Self.lines(merged) == Self.lines(whole))
        #expect(try String(contentsOfFile: merged + "/results.csv", encoding: .utf8) == String(contentsOfFile: whole + "/results.csv", encoding: .utf8))
        let incomplete = try CLI.run(["sweep", "merge", shardDirs[0], shardDirs[2], "--out", dir.appendingPathComponent("partial").path])
        #expect(incomplete.status == 1)
        #expect(incomplete.stdout.contains("missing: 12 points"))
    }

    @Test func changedSpecIsRefused() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let small = Self.spec.replacingOccurrences(of: "\"count\": 12", with: "\"count\": 2")
        let out = dir.appendingPathComponent("out").path
        #expect(try CLI.run(["sweep", "run", try Self.write(small, in: dir), "--out", out, "--quiet"]).status == 0)
        let changed = small.replacingOccurrences(of: "\"from\": 0.03", with: "\"from\": 0.04")
        let r = try CLI.run(["sweep", "run", try Self.write(changed, in: dir, name: "changed.json"), "--out", out, "--quiet"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("the spec has changed"))
    }

    static let badSpecs: [(String, String)] = [
        (#"{"kind": "flow", "base": {}, "axes": [{"key": "alpha", "values": [1]}], "colour": 1}"#, "unknown key 'colour'"),
        (#"{"kind": "flow", "base": {}, "axes": [{"key": "alpha", "values": []}]}"#, "'values' must be a non-empty list of numbers"),
        (#"{"kind": "flow", "base": {}, "axes": []}"#, "'axes' must be a non-empty list"),
        (#"{"kind": "flow", "base": {"rho": "big"}, "axes": [{"key": "alpha", "values": [1]}]}"#, "wrong type at 'rho'"),
        (#"{"kind": "flow", "base": {}, "axes": [{"key": "alpha", "values": ["x"]}]}"#, "'values' must be a non-empty list of numbers"),
        (#"{"kind": "walk", "base": {}, "axes": [{"key": "alpha", "values": [1]}]}"#, "'kind' must be \"train\" or \"flow\""),
        (#"{"kind": "flow", "base": {}, "axes": [{"key": "alpha", "values": [1]}], "keep": ["colour"]}"#, "'keep' has unknown field 'colour'"),
    ]

    @Test(arguments: badSpecs)
    func specErrorsNameTheKey(_ text: String, _ message: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["sweep", "run", try Self.write(text, in: dir), "--out", dir.appendingPathComponent("out").path])
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
