import Foundation
import Testing

@Suite struct TrainCommandTests {
    @Test func jsonSummaryHasTheContractKeys() throws {
        let r = try CLI.run(["train", "--mu", "1,2", "--optimizer", "l2-sam", "--rho", "0.1", "--steps", "200", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        for key in ["beta", "direction", "loss", "margin", "steps", "status", "leaders", "leaders_absolute", "config", "log_loss"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["status"] as? String == "completed")
        #expect(json["steps"] as? Int == 200)
        let leaders = try #require(json["leaders"] as? [[String: Any]])
        #expect(leaders.first?["coordinate"] as? Int == 2 && leaders.first?["start"] as? Int == 0)
        let config = try #require(json["config"] as? [String: Any])
        #expect(config["optimizer"] as? String == "l2-sam")
        #expect(config["lr"] as? Double == 0.1)
    }

    @Test func outWritesBothFilesAndRepeatsFromTheSummary() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run(["train", "--gaussian", "n=40,mean=1,2,sigma=0.3,seed=7", "--optimizer", "linf-sam", "--rho", "0.05",
                             "--steps", "300", "--record", "every=50", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOfFile: out + "/trajectory.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "step,loss,log_loss,margin,norm,leader,leader_absolute,beta_1,beta_2")
        #expect(lines.count == 1 + 7)  // steps 0, 50, ..., 300
        #expect(!csv.contains("nan") && !csv.contains("inf"))
        let summary = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        // The summary alone repeats the run, byte for byte.
        let again = dir.appendingPathComponent("again").path
        let r2 = try CLI.run(["train", "--config", out + "/summary.json", "--out", again, "--quiet"])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again + "/summary.json")) == summary)
        #expect(try String(contentsOfFile: again + "/trajectory.csv", encoding: .utf8) == csv)
        // No temporary files left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(names.sorted() == ["summary.json", "trajectory.csv"])
    }

    @Test func sameSeedSameBytes() throws {
        let args = ["train", "--gaussian", "n=30,mean=1,-1,0.5,sigma=0.2,seed=3", "--optimizer", "l2-sam", "--steps", "150", "--json"]
        let a = try CLI.run(args), b = try CLI.run(args)
        #expect(a.status == 0)
        #expect(a.stdoutData == b.stdoutData)
        let c = try CLI.run(["train", "--gaussian", "n=30,mean=1,-1,0.5,sigma=0.2,seed=4", "--optimizer", "l2-sam", "--steps", "150", "--json"])
        #expect(c.stdoutData != a.stdoutData)
    }

    static let badInputs: [([String], String)] = [
        (["--lr", "-0.1"], "--lr must be positive (got -0.1)"),
        (["--lr", "0"], "--lr must be positive (got 0.0)"),
        (["--rho", "-1", "--optimizer", "l2-sam"], "--rho must be non-negative (got -1.0)"),
        (["--depth", "0"], "--depth must be at least 1 (got 0)"),
        (["--mu", "1,nan"], "--mu: entry 2 ('nan') is not finite"),
        (["--mu", "1,inf"], "--mu: entry 2 ('inf') is not finite"),
        (["--mu", "x.dat"], "--mu: entry 1 ('x.dat') is not a number (to read the list from a file, write @x.dat, or use a name ending in .npy, .csv, .txt)"),
        (["--mu", "1,x"], "--mu: entry 2 ('x') is not a number"),
        (["--alpha", "0.5,nan"], "--alpha: entry 2 ('nan') is not finite"),
        (["--mu", "1,2", "--alpha", "1,2,3"], "--alpha has 3 entries but the data has d = 2 (give 1 or 2)"),
        (["--mu", "1,2", "--layer-init", "1,2"], "--layer-init given 1 times, expected one per layer (depth 2)"),
        (["--mu", "1,2", "--layer-init", "1,2", "--layer-init", "1"], "--layer-init 2 has 1 entries but the data has d = 2"),
        (["--gaussian", "n=10,mean=1,sigma=1,seed=1,foo=2"], "--gaussian: unknown key 'foo' (expected n, mean, sigma, seed)"),
        (["--data", "/nonexistent/file.csv"], "/nonexistent/file.csv: cannot read the file (no such file)"),
        (["--mu", "1,2", "--data", "x.csv"], "give only one of --mu, --data and --gaussian"),
        (["--record", "every=0"], "--record every=K needs K >= 1 (got 0)"),
        (["--steps", "-5"], "--steps must be non-negative (got -5)"),
        (["--lr"], "Missing value for '--lr <lr>'"),
        (["--optimizer", "adam"], "The value 'adam' is invalid for '--optimizer <optimizer>'"),
        (["--nonsense"], "Unknown option '--nonsense'"),
    ]

    @Test(arguments: badInputs)
    func badInputExitsTwoWithOneLine(_ extra: [String], _ message: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run(["train", "--steps", "10", "--out", out] + extra)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out), "no output for bad input")
    }

    @Test func badCSVNamesFileAndLine() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases = [("x1,x2,y\n1,2,1\n1,2,3\n", ":3: label '3' must be +1 or -1 (real-valued labels need the squared loss)"),
                     ("x1,x2,y\n1,2,1\n1,2\n", ":3: expected 3 fields, found 2"),
                     ("", ": the file is empty"),
                     ("x1,x2,y\n1,NaN,1\n", ":2: non-finite value 'NaN' in column x2")]
        for (i, (text, message)) in cases.enumerated() {
            let file = dir.appendingPathComponent("d\(i).csv")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let r = try CLI.run(["train", "--data", file.path, "--json"])
            #expect(r.status == 2)
            #expect(r.stderr == "samlab: \(file.path)\(message)\n")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func nonSeparableGaussianIsRejected() throws {
        let r = try CLI.run(["train", "--gaussian", "n=60,mean=0.1,0.1,sigma=2,seed=1", "--json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("is not linearly separable through the origin"))
    }

    @Test func nonPositiveMuWarnsButRuns() throws {
        let r = try CLI.run(["train", "--mu", "-1,2", "--steps", "5", "--json"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: --mu has a non-positive entry"))
        #expect((try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any]) != nil)
    }

    @Test func divergedRunIsAResultNotAnError() throws {
        let r = try CLI.run(["train", "--mu=-1,-2", "--alpha", "1", "--loss", "exponential", "--lr", "1", "--steps", "50", "--json"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        #expect(json["status"] as? String == "diverged")
        #expect(json["event_step"] as? Int == 2)
        #expect(!r.stdout.contains("nan") && !r.stdout.lowercased().contains("inf"))
    }

    @Test func helpExplainsFlagsWithDefaults() throws {
        let r = try CLI.run(["train", "--help"])
        #expect(r.status == 0)
        for flag in ["--mu", "--data", "--gaussian", "--depth", "--param", "--alpha", "--layer-init", "--loss", "--optimizer",
                     "--lr", "--rho", "--steps", "--record", "--out", "--json"] {
            #expect(r.stdout.contains(flag), "help lacks \(flag)")
        }
        #expect(r.stdout.contains("(default: 0.1)"))
        let v = try CLI.run(["--version"])
        // The test build is `swift build`'s default, baseline x86-64; `make build` on an AVX2 host says x86-64-v3.
        #expect(v.status == 0 && v.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0 (portable build)")
    }

    @Test func resumeAfterInterruptGivesTheSameBytes() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = ["train", "--mu", "1,2,3,4,5,6", "--alpha", "0.35", "--rho", "1", "--optimizer", "l2-sam", "--lr", "0.01",
                    "--steps", "300000", "--record", "log=50", "--quiet"]
        let straight = dir.appendingPathComponent("straight").path
        #expect(try CLI.run(base + ["--out", straight]).status == 0)
        // Interrupt a second run with SIGINT after a moment, then resume it. A signal that arrives before the first
        // step (a loaded machine can take longer than the delay to start) leaves nothing to save and nothing
        // written: then try again with a longer delay, so that the resume below continues a real checkpoint.
        let resumed = dir.appendingPathComponent("resumed").path
        var process = Process()
        for delay in [0.5, 1, 2, 4, 8] {
            process = Process()
            process.executableURL = CLI.binary
            process.arguments = base + ["--out", resumed]
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            process.interrupt()
            process.waitUntilExit()
            let saved = FileManager.default.fileExists(atPath: resumed + "/checkpoint.json")
            if process.terminationStatus != 130 || saved { break }
            #expect(!FileManager.default.fileExists(atPath: resumed + "/summary.json"), "a summary without its checkpoint")
        }
        if process.terminationStatus == 130 {
            #expect(FileManager.default.fileExists(atPath: resumed + "/checkpoint.json"))
            let interrupted = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: resumed + "/summary.json"))) as? [String: Any]
            #expect(interrupted?["status"] as? String == "interrupted")
        } else {
            #expect(process.terminationStatus == 0, "the run finished before the signal")
        }
        let r = try CLI.run(base + ["--out", resumed, "--resume"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: resumed + "/summary.json")) == Data(contentsOf: URL(fileURLWithPath: straight + "/summary.json")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: resumed + "/trajectory.csv")) == Data(contentsOf: URL(fileURLWithPath: straight + "/trajectory.csv")))
        #expect(!FileManager.default.fileExists(atPath: resumed + "/checkpoint.json"))
    }
}
