import Foundation
import Testing

/// Issue 12: every run is right or refuses. Signals (SIGTERM like Ctrl-C), folders that already hold a run, files
/// that cannot be read or written (in words, with the path), CRLF data, requests too large to fit, and progress on
/// a terminal for long phases.
@Suite struct RunFaultTests {
    /// Starts `arguments`, waits until `ready` (or `timeout` seconds), sends `signal`, and returns the exit status
    /// and stderr.
    static func signalled(_ arguments: [String], signal: Int32, timeout: Double = 60,
                          ready: () -> Bool) throws -> (status: Int32, stderr: String) {
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let err = try FileHandle(forWritingTo: errFile)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && !ready() && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try err.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: errFile), as: UTF8.self))
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func expectBadInput(_ r: CLI.Result, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 2, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(message), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, sourceLocation: sourceLocation)
        for foundation in ["operation could not be completed", "NSCocoaErrorDomain", "don’t have permission", "isn’t enough space"] {
            #expect(!r.stderr.contains(foundation), "\(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Signals

    /// SIGTERM (Slurm, systemd, timeout) is handled like Ctrl-C: the folder holds the checkpoint, summary.json with
    /// status interrupted and the trajectory so far, written together, and the exit status is 143. (Resuming to the
    /// same bytes is TrainCommandTests.resumeAfterInterruptGivesTheSameBytes, on the same code path.)
    @Test func sigtermOnTrainSavesTheWholeFolder() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        // Far more steps than a debug or release build takes in the time before the signal.
        let args = ["train", "--mu", "1,2,3,4,5,6", "--alpha", "0.35", "--rho", "1", "--optimizer", "l2-sam", "--lr", "0.01",
                    "--steps", "2000000000", "--record", "every=1000", "--checkpoint-seconds", "0.2", "--out", out]
        // The first periodic save shows that the run (and so the handler) is going.
        let r = try Self.signalled(args, signal: SIGTERM) { FileManager.default.fileExists(atPath: out + "/summary.json") }
        #expect(r.status == 143, "\(r.stderr)")
        #expect(r.stderr.contains("SIGTERM: stopped at step"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run"], "no temporary sibling is left")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["checkpoint.json", "summary.json", "trajectory.csv"])
        let summary = try Self.json(out + "/summary.json")
        #expect(summary["status"] as? String == "interrupted")
        let steps = try #require(summary["steps"] as? Int)
        #expect(steps > 0 && steps < 2_000_000_000 && summary["steps_requested"] as? Int == 2_000_000_000)
        let checkpoint = try Self.json(out + "/checkpoint.json")
        #expect((checkpoint["state"] as? [String: Any])?["step"] as? Int == steps, "the checkpoint and the summary are of the same moment")
        let rows = try String(contentsOfFile: out + "/trajectory.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let last = try #require(rows.last.flatMap { Int($0.split(separator: ",")[0]) })
        #expect(last < steps && last % 1000 == 0 && rows.count == last / 1000 + 1)
        // The same command again is refused (the folder holds a run), with the way out.
        Self.expectBadInput(try CLI.run(args), "already holds a run (checkpoint.json, summary.json, trajectory.csv); pass --resume to continue it or --force to replace it")
    }

    /// A flow stops on SIGTERM (143) and Ctrl-C (130): summary.json with status interrupted and the state at t = 0.
    @Test(arguments: [(SIGTERM, Int32(143), "SIGTERM"), (SIGINT, Int32(130), "Ctrl-C")])
    func flowStopsCleanlyOnASignal(_ signal: Int32, _ code: Int32, _ name: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("flow").path
        // About 34 s of work in a debug build on a quiet machine (4,000 examples, 3,773 evaluations of DOP853, which
        // rtol 1e-13 picks, before the rescaled flow blows up): the signal at 3 s comes long before the end. (With 400
        // examples DOP853 took the whole run in 2.3 s, before the signal.)
        let args = ["flow", "--gaussian", "n=4000,mean=1,2,3,4,5,6,7,8,sigma=0.3,seed=7", "--optimizer", "l2-sam", "--rho", "0.1",
                    "--rescaled", "--time", "100000", "--rtol", "1e-13", "--out", out]
        let started = Date()
        let r = try Self.signalled(args, signal: signal) { Date().timeIntervalSince(started) > 3 }
        #expect(r.status == code, "\(r.stderr)")
        #expect(r.stderr.contains("\(name): the flow was stopped before its end"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["flow"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["summary.json", "trajectory.csv"])
        let summary = try Self.json(out + "/summary.json")
        #expect(summary["status"] as? String == "interrupted")
        #expect(summary["time"] as? Double == 0 && summary["time_requested"] as? Double == 100_000)
        #expect((summary["reason"] as? String)?.contains("stopped by \(name)") == true)
        #expect((summary["config"] as? [String: Any])?["time"] as? Double == 100_000, "the config repeats the whole run")
        let rows = try String(contentsOfFile: out + "/trajectory.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 2 && rows[1].hasPrefix("0.0,"))
        // A flow has no --resume: the folder is refused without --force, and --force replaces it.
        Self.expectBadInput(try CLI.run(args), "already holds a run (summary.json, trajectory.csv); pass --force to replace it")
        let again = try CLI.run(["flow", "--mu", "1,2", "--time", "1", "--out", out, "--force", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.json(out + "/summary.json")["status"] as? String == "completed")
    }

    // MARK: Folders

    @Test func aFolderHoldingARunIsRefusedUnlessResumeOrForce() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let first = ["train", "--mu", "1,2", "--steps", "50", "--out", out, "--quiet"]
        #expect(try CLI.run(first).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        let other = ["train", "--mu", "1,3", "--steps", "60", "--out", out, "--quiet"]
        Self.expectBadInput(try CLI.run(other), "--out \(out) already holds a run (summary.json, trajectory.csv); pass --force to replace it")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")) == before, "the refused run wrote nothing")
        Self.expectBadInput(try CLI.run(other + ["--force", "--resume"]), "give only one of --resume")
        Self.expectBadInput(try CLI.run(["flow", "--mu", "1,2", "--out", out]), "pass --force to replace it")
        #expect(try CLI.run(other + ["--force"]).status == 0)
        #expect(try Self.json(out + "/summary.json")["steps"] as? Int == 60)
        // --resume on a finished run (no checkpoint) runs it again from step 0.
        let again = try CLI.run(other.filter { $0 != "--quiet" } + ["--resume"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("has no checkpoint (its run is finished); running again from step 0"), "\(again.stderr)")
        // An empty folder is fine; a folder with other files is refused before anything runs.
        let empty = dir.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(try CLI.run(["train", "--steps", "5", "--out", empty, "--quiet"]).status == 0)
        let mine = dir.appendingPathComponent("mine").path
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: mine + "/notes.txt"))
        Self.expectBadInput(try CLI.run(["train", "--steps", "5", "--out", mine, "--force"]), "\(mine): holds files that are not a run's (notes.txt)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine) == ["notes.txt"])
    }

    // MARK: Files

    @Test func crlfCSVIsReadLikeLF() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = ["x1,x2,y", "1,2,1", "-1,-1.5,-1", "2,1,1", "-0.5,-2,-1"]
        var summaries: [[String: Any]] = []
        for (name, text) in [("lf", rows.joined(separator: "\n") + "\n"), ("crlf", rows.joined(separator: "\r\n") + "\r\n"),
                             ("bom", "\u{FEFF}" + rows.joined(separator: "\r\n"))] {
            let file = dir.appendingPathComponent("\(name).csv")
            try Data(text.utf8).write(to: file)
            let r = try CLI.run(["train", "--data", file.path, "--steps", "100", "--optimizer", "l2-sam", "--json"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            summaries.append(try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any]))
        }
        for s in summaries.dropFirst() {
            #expect(s["beta"] as? [Double] == summaries[0]["beta"] as? [Double])
            #expect(((s["config"] as? [String: Any])?["data"] as? [String: Any])?["points"] as? [[Double]]
                    == ((summaries[0]["config"] as? [String: Any])?["data"] as? [String: Any])?["points"] as? [[Double]])
        }
        // Errors still name the right line.
        let bad = dir.appendingPathComponent("bad.csv")
        try Data("x1,x2,y\r\n1,2,1\r\n1,2\r\n".utf8).write(to: bad)
        Self.expectBadInput(try CLI.run(["train", "--data", bad.path, "--json"]), "\(bad.path):3: expected 3 fields, found 2")
    }

    @Test func unreadableAndUnwritablePathsAreNamedInWords() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("file.txt").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let cases: [([String], String)] = [
            (["train", "--data", dir.path], "\(dir.path): cannot read the file (it is a directory)"),
            (["train", "--data", "/dev/null"], "/dev/null: cannot read the file (a device, not a regular file)"),
            (["flow", "--config", dir.path], "\(dir.path): cannot read the file (it is a directory)"),
            (["train", "--config", dir.path + "/missing.json"], "\(dir.path)/missing.json: cannot read the file (no such file)"),
            (["train", "--config", file + "/below.json"], "\(file)/below.json: cannot read the file (a part of the path is not a directory)"),
            (["train", "--steps", "5", "--out", file], "\(file): exists and is not a directory"),
            (["train", "--steps", "5", "--out", file + "/run"], "\(file): exists and is not a directory"),
            (["flow", "--out", file + "/a/b"], "\(file): exists and is not a directory"),
        ]
        for (args, message) in cases { Self.expectBadInput(try CLI.run(args), message) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["file.txt"], "nothing written")
    }

    /// A full disk and a read-only file system, on small tmpfs mounts (root only): the message names the folder and
    /// says why, and nothing is left behind.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")))
    func fullAndReadOnlyDisksAreNamed() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func mount(_ path: String, _ options: String) -> Bool {
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/mount")
            p.arguments = ["-t", "tmpfs", "-o", options, "tmpfs", path]
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return false }
            p.waitUntilExit()
            return p.terminationStatus == 0
        }
        func unmount(_ path: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/umount")
            p.arguments = [path]
            try? p.run()
            p.waitUntilExit()
        }
        let full = dir.appendingPathComponent("full").path
        guard mount(full, "size=64k") else { return }  // no mounts in this container: nothing to check
        defer { unmount(full) }
        // Fill the disk but for a few bytes: a run folder does not fit.
        let filler = full + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: nil)
        if let handle = FileHandle(forWritingAtPath: filler) {
            while (try? handle.write(contentsOf: Data(repeating: 0, count: 4096))) != nil {}
            try? handle.close()
        }
        let r = try CLI.run(["train", "--mu", "1,2,3", "--steps", "2000", "--record", "every=1", "--out", full + "/run", "--quiet"])
        Self.expectBadInput(r, "\(full)/run")
        #expect(r.stderr.contains("no space left on the device"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: full) == ["filler"], "no half folder, no temporary sibling")

        let readOnly = dir.appendingPathComponent("ro").path
        guard mount(readOnly, "size=64k,ro") else { return }
        defer { unmount(readOnly) }
        Self.expectBadInput(try CLI.run(["train", "--steps", "5", "--out", readOnly + "/run"]),
                            "\(readOnly)/run: cannot write (read-only file system)")
        Self.expectBadInput(try CLI.run(["flow", "--out", readOnly + "/a/b"]), "\(readOnly)/a/b: cannot write (read-only file system)")
    }

    // MARK: Sizes

    @Test func requestsThatCannotFitAreRefusedUpFront() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let thousand = Array(repeating: "1", count: 1000).joined(separator: ",")
        let cases: [([String], String)] = [
            (["flow", "--record", "every=1e-9", "--time", "10"],
             "--record every=1e-09 would keep 10000000001 states over a time of 10.0, more than the limit of 10000000"),
            (["train", "--gaussian", "n=100000000,mean=1,2,sigma=0.3,seed=1"],
             "--gaussian: n must be at most 10000000 (got 100000000): larger draws do not fit in memory"),
            (["train", "--gaussian", "n=2000000,mean=" + Array(repeating: "1", count: 60).joined(separator: ",") + ",sigma=0.3,seed=1"],
             "--gaussian: n (2000000) times d (60) is more than 100000000 numbers"),
            (["train", "--steps", "100000000", "--record", "every=1"], "--record every=1 would keep 100000001 states over 100000000 steps"),
            (["flow", "--mu", thousand, "--record", "every=1e-5", "--time", "10"],
             "--record every=1e-05 would keep 1000001 states of 3008 numbers each (about 24.1 GB), more than the limit of 250000000 numbers"),
        ]
        for (args, message) in cases {
            let start = Date()
            Self.expectBadInput(try CLI.run(args + ["--out", out]), message)
            #expect(Date().timeIntervalSince(start) < 30, "refused up front, not after trying")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // The same request in a config file names the file and key.
        let config = dir.appendingPathComponent("big.json")
        try Data(#"{"time": 10, "record": "every=1e-9"}"#.utf8).write(to: config)
        Self.expectBadInput(try CLI.run(["flow", "--config", config.path]), "\(config.path): record every=1e-09 would keep")
    }

    // MARK: Progress

    /// A phase that lasts (here: reading --config from a pipe that stays open 2.5 s) shows a line on a terminal,
    /// and nothing when stderr is not one.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func longPhasesShowALineOnATerminalOnly() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("config.json").path
        #expect(mkfifo(fifo, 0o600) == 0)
        func feed() -> Thread {
            let writer = Thread {
                guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
                Thread.sleep(forTimeInterval: 2.5)
                handle.write(Data(#"{"lr": 0.1, "steps": 5}"#.utf8))
                try? handle.close()
            }
            writer.start()
            return writer
        }
        _ = feed()
        let command = ([CLI.binary.path, "train", "--config", fifo, "--json"]).map { "'\($0)'" }.joined(separator: " ")
        // script(1) runs the command on a pseudo-terminal (stdout and stderr both) and copies what it shows.
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        script.arguments = ["-qec", command, "/dev/null"]
        let pipe = Pipe()
        script.standardOutput = pipe
        script.standardInput = FileHandle.nullDevice
        try script.run()
        let shown = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0, "\(shown)")
        #expect(shown.contains("samlab: reading \(fifo) ... (1 s)"), "\(shown.debugDescription)")
        #expect(shown.contains("\"status\" : \"completed\""), "\(shown.debugDescription)")
        _ = feed()
        let piped = try CLI.run(["train", "--config", fifo, "--json"])
        #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr)")
    }
}
