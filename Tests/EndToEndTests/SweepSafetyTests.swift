import Foundation
import Testing

/// A sweep's store is right or the command refuses: one writer per result directory, damaged lines named, grids
/// too large refused up front, SIGTERM handled like Ctrl-C, category codes the same in every sweep.
@Suite struct SweepSafetyTests {
    static let spec = SweepCommandTests.spec

    /// The records of an uninterrupted run of `spec` (computed once).
    static let expected: [String] = {
        let dir = try! CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try! SweepCommandTests.write(Self.spec, in: dir)
        let out = dir.appendingPathComponent("straight").path
        let r = try! CLI.run(["sweep", "run", spec, "--out", out, "--jobs", "2", "--quiet"])
        precondition(r.status == 0, r.stderr)
        return try! SweepCommandTests.lines(out)
    }()

    /// Starts `samlab` with `arguments`, stderr into a file; returns the process and that file.
    static func start(_ arguments: [String], in dir: URL) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let err = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, err)
    }

    /// Waits until `dir/results.jsonl` has `count` lines (or a few seconds have passed).
    static func waitForLines(_ dir: String, _ count: Int) {
        for _ in 0..<1000 {
            if let text = try? String(contentsOfFile: dir + "/results.jsonl", encoding: .utf8), text.split(separator: "\n").count >= count { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// A second run on a directory being written is refused with one line naming the directory and the holder's
    /// pid; the first run finishes and the store holds every point once.
    @Test func secondWriterIsRefused() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write(Self.spec, in: dir)
        let out = dir.appendingPathComponent("out").path
        let (first, _) = try Self.start(["sweep", "run", spec, "--out", out, "--jobs", "1", "--quiet"], in: dir)
        Self.waitForLines(out, 1)
        let second = try CLI.run(["sweep", "run", spec, "--out", out, "--jobs", "1", "--quiet"])
        let merge = try CLI.run(["sweep", "merge", out, "--out", out])
        first.waitUntilExit()
        #expect(second.status == 2)
        #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        #expect(second.stderr.contains("\(out) is being written by another sweep (pid \(first.processIdentifier) on "), "\(second.stderr)")
        #expect(merge.status == 2 && merge.stderr.contains("is being written by another sweep"), "\(merge.stderr)")
        #expect(first.terminationStatus == 0)
        #expect(try SweepCommandTests.lines(out) == Self.expected)
    }

    /// Two runs started together on one directory: one runs, the other refuses, and the store is intact.
    @Test func concurrentRunsOneRefuses() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write(Self.spec, in: dir)
        let out = dir.appendingPathComponent("out").path
        let runs = try (0..<2).map { _ in try Self.start(["sweep", "run", spec, "--out", out, "--jobs", "1", "--quiet"], in: dir) }
        for (p, _) in runs { p.waitUntilExit() }
        #expect(runs.map(\.0.terminationStatus).sorted() == [0, 2])
        let refused = try #require(runs.first { $0.0.terminationStatus == 2 })
        let message = try String(contentsOf: refused.1, encoding: .utf8)
        #expect(message.split(separator: "\n").count == 1 && message.contains("\(out) is being written by another sweep"), "\(message)")
        #expect(try SweepCommandTests.lines(out) == Self.expected)
    }

    /// A complete line that is not a record, in the middle of the store, is an error with its line number for run,
    /// merge, export and plot; nothing is truncated or re-run.
    @Test func damagedLineIsNamed() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write(Self.spec, in: dir)
        let out = dir.appendingPathComponent("out").path
        #expect(try CLI.run(["sweep", "run", spec, "--out", out, "--quiet"]).status == 0)
        let store = out + "/results.jsonl"
        var lines = try String(contentsOfFile: store, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[6] = String(lines[6].prefix(40))  // line 7: cut short, but followed by a newline
        let damaged = Data(lines.joined(separator: "\n").utf8)
        try damaged.write(to: URL(fileURLWithPath: store))
        let commands: [[String]] = [["sweep", "run", spec, "--out", out, "--quiet"], ["sweep", "export", out],
                                    ["sweep", "plot", out, "--x", "alpha", "--y", "rho", "--value", "regime"],
                                    ["sweep", "merge", out, "--out", dir.appendingPathComponent("merged").path]]
        for command in commands {
            let r = try CLI.run(command)
            #expect(r.status == 2, "\(command[1])")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("\(store): line 7 is damaged"), "\(command[1]): \(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == damaged)
        // An empty line is damage too.
        lines[6] = ""
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: store))
        let r = try CLI.run(["sweep", "export", out])
        #expect(r.status == 2 && r.stderr.contains("line 7 is damaged"), "\(r.stderr)")
    }

    /// A torn last line (no newline: a crash mid-write) is dropped and its point re-run.
    @Test func tornLastLineIsRerun() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write(Self.spec, in: dir)
        let out = dir.appendingPathComponent("out").path
        #expect(try CLI.run(["sweep", "run", spec, "--out", out, "--quiet"]).status == 0)
        let store = out + "/results.jsonl"
        let text = try String(contentsOfFile: store, encoding: .utf8)
        try Data(text.dropLast(30).utf8).write(to: URL(fileURLWithPath: store))
        let export = try CLI.run(["sweep", "export", out])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n").count == 36)  // header + 35
        let r = try CLI.run(["sweep", "run", spec, "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 run, 35 already done"), "\(r.stdout)")
        #expect(try SweepCommandTests.lines(out) == Self.expected)
    }

    /// A 10^7-point grid is refused at once, before anything is expanded or written; a grid of exactly --max-points
    /// runs, one more point is refused; seeds count.
    @Test func maxPoints() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let huge = Self.spec.replacingOccurrences(of: "\"count\": 12", with: "\"count\": 10000000")
        let out = dir.appendingPathComponent("out").path
        let clock = ContinuousClock.now
        let r = try CLI.run(["sweep", "run", try SweepCommandTests.write(huge, in: dir, name: "huge.json"), "--out", out])
        #expect(ContinuousClock.now - clock < .seconds(5))
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("the grid has 30000000 points"), "\(r.stderr)")
        #expect(r.stderr.contains("more than --max-points 1000000"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let endless = Self.spec.replacingOccurrences(of: "\"count\": 12", with: "\"count\": 1e300")
        let e = try CLI.run(["sweep", "run", try SweepCommandTests.write(endless, in: dir, name: "endless.json"), "--out", out])
        #expect(e.status == 2 && e.stderr.contains("more than 9223372036854775807 points"), "\(e.stderr)")

        let small = Self.spec.replacingOccurrences(of: "\"count\": 12", with: "\"count\": 2")  // 2 x 3 = 6 points
        let smallSpec = try SweepCommandTests.write(small, in: dir, name: "small.json")
        let over = try CLI.run(["sweep", "run", smallSpec, "--out", out, "--max-points", "5"])
        #expect(over.status == 2 && over.stderr.contains("the grid has 6 points"), "\(over.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let ok = try CLI.run(["sweep", "run", smallSpec, "--out", out, "--max-points", "6", "--quiet"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("6 points: 6 run"))

        let seeded = #"{"kind": "train", "base": {"data": {"kind": "gaussian", "n": 10, "mean": [1, 1], "sigma": 0.1, "seed": 1}}, "axes": [{"key": "lr", "values": [0.1, 0.2]}], "seeds": [1, 2, 3]}"#
        let s = try CLI.run(["sweep", "run", try SweepCommandTests.write(seeded, in: dir, name: "seeded.json"), "--out", out, "--max-points", "5"])
        #expect(s.status == 2 && s.stderr.contains("the grid has 6 points"), "\(s.stderr)")
        let help = try CLI.run(["sweep", "run", "--help"])
        #expect(help.stdout.contains("--max-points"))
    }

    /// SIGTERM (and Ctrl-C) stops a run cleanly: one note, exit 143 (130), a valid store, and the rerun gives the
    /// records of an uninterrupted run.
    @Test(arguments: [(SIGTERM, Int32(143), "SIGTERM"), (SIGINT, Int32(130), "SIGINT")])
    func signalStopsCleanly(_ signal: Int32, _ status: Int32, _ name: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write(Self.spec, in: dir)
        let out = dir.appendingPathComponent("out").path
        let (process, err) = try Self.start(["sweep", "run", spec, "--out", out, "--jobs", "2", "--quiet"], in: dir)
        Self.waitForLines(out, 3)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == status)
        let note = try String(contentsOf: err, encoding: .utf8)
        #expect(note.split(separator: "\n").count == 1 && note.contains("\(name): stopped with ") && note.contains("rerun the same command to resume"),
                "\(note)")
        let partial = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8)
        #expect(partial.hasSuffix("\n"))
        let stored = partial.split(separator: "\n").count
        #expect(stored >= 3 && stored < 36)
        let rerun = try CLI.run(["sweep", "run", spec, "--out", out, "--jobs", "2", "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("\(stored) already done"), "\(rerun.stdout)")
        #expect(try SweepCommandTests.lines(out) == Self.expected)
    }

    /// The codes of status and regime in results.npy come from one fixed table, the same in every sweep, written
    /// to results.npy.categories.json: two sweeps whose points come in opposite orders code alike.
    @Test func categoryCodesAreStable() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let status = ["completed", "diverged", "collapsed", "interrupted", "blow-up", "converged", "stalled"]
        let regime = ["collapse", "minor-first", "major-first", "non-monotone", "no-growth", "single-minor", "not-applicable"]
        var seen: [String: Set<Double>] = [:]
        for (name, alphas) in [("up", "0.03, 0.3, 2"), ("down", "2, 0.3, 0.03")] {
            let text = Self.spec.replacingOccurrences(of: #"{"key": "alpha", "log": {"from": 0.03, "to": 2, "count": 12}}"#,
                                                      with: #"{"key": "alpha", "values": [\#(alphas)]}"#)
                .replacingOccurrences(of: "[0.1, 0.5, 1]", with: "[1]")
            let out = dir.appendingPathComponent(name).path
            let r = try CLI.run(["sweep", "run", try SweepCommandTests.write(text, in: dir, name: "\(name).json"), "--out", out, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            let tables = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.npy.categories.json"))) as? [String: [String]])
            #expect(tables == ["status": status, "regime": regime])
            let columns = try String(contentsOfFile: out + "/results.npy.columns.txt", encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(columns.contains("regime (" + regime.enumerated().map { "\($0.offset)=\($0.element)" }.joined(separator: " ") + ")"))
            let matrix = try Self.readNPY(out + "/results.npy")
            let regimeColumn = try #require(columns.firstIndex { $0.hasPrefix("regime") })
            let statusColumn = try #require(columns.firstIndex { $0.hasPrefix("status") })
            for line in try SweepCommandTests.lines(out) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let index = object["index"] as! Int, result = object["result"] as! [String: Any]
                let row = try #require(matrix.first { $0[0] == Double(index) })
                let label = result["regime"] as! String, state = result["status"] as! String
                #expect(row[regimeColumn] == Double(regime.firstIndex(of: label)!))
                #expect(row[statusColumn] == Double(status.firstIndex(of: state)!))
                seen[label, default: []].insert(row[regimeColumn])
            }
        }
        #expect(seen.count >= 2, "the sweeps should show at least two regimes: \(seen)")
        #expect(seen.values.allSatisfy { $0.count == 1 })
    }

    /// The rows of a float64 .npy file.
    static func readNPY(_ path: String) throws -> [[Double]] {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        let shape = header.components(separatedBy: "'shape': (")[1].components(separatedBy: ")")[0]
            .split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces))! }
        var values: [Double] = []
        var offset = 10 + headerLength
        while offset + 8 <= data.count {
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(data[offset + k]) << (8 * k) }
            values.append(Double(bitPattern: bits))
            offset += 8
        }
        return (0..<shape[0]).map { Array(values[($0 * shape[1])..<(($0 + 1) * shape[1])]) }
    }
}
