import Foundation
import Testing

/// msam and gsam on the command line: `--m` (with `n`), `--msam-norm l2|none` and `--gsam-alpha` on train, flow,
/// configs, sweep axes, vision and bench; their reductions to l2-sam and usam byte for byte; bad values are one
/// line and exit 2, before anything runs.
@Suite struct CombinedRuleCommandTests {
    static let gaussian = ["--gaussian", "n=5,mean=1,2,sigma=0.3,seed=7"]

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// msam with m >= n (or n) is l2-sam, with norm none usam; gsam at alpha 0 is l2-sam: the same trajectory and
    /// summary but the config, which repeats the run.
    @Test(arguments: ["train", "flow"])
    func reductionsOnTheCommandLine(_ command: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = Self.gaussian + (command == "train"
            ? ["--depth", "3", "--param", "signed", "--alpha", "0.6", "--rho", "0.3", "--steps", "60"]
            : ["--alpha", "0.5", "--rho", "0.5", "--rescaled", "--time", "2"])
        for (args, other) in [(["msam", "--m", "n"], "l2-sam"), (["msam", "--m", "9"], "l2-sam"), (["msam", "--m", "5", "--msam-norm", "none"], "usam"),
                              (["gsam", "--gsam-alpha", "0"], "l2-sam")] {
            let a = dir.appendingPathComponent("\(args.joined())-\(command)").path, b = dir.appendingPathComponent("\(other)-\(command)").path
            let ra = try CLI.run([command] + common + ["--optimizer"] + args + ["--out", a])
            let rb = try CLI.run([command] + common + ["--optimizer", other, "--out", b, "--force"])
            #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr) \(rb.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: a + "/trajectory.csv")) == Data(contentsOf: URL(fileURLWithPath: b + "/trajectory.csv")), "\(args)")
            var sa = try Self.object(Data(contentsOf: URL(fileURLWithPath: a + "/summary.json")))
            var sb = try Self.object(Data(contentsOf: URL(fileURLWithPath: b + "/summary.json")))
            let config = try #require(sa["config"] as? [String: Any])
            #expect(config["optimizer"] as? String == args[0])
            if args[0] == "msam" {
                #expect(args[2] == "n" ? config["m"] as? String == "n" : config["m"] as? Double == Double(args[2]), "\(config)")
                #expect(config["msam_norm"] as? String == (args.count > 3 ? "none" : "l2"), "\(config)")
            } else {
                #expect(config["gsam_alpha"] as? Double == 0)
            }
            sa["config"] = nil
            sb["config"] = nil
            #expect(NSDictionary(dictionary: sa).isEqual(to: sb), "\(args)")
            let again = try CLI.run([command, "--config", a + "/summary.json", "--json"])
            let written = try Data(contentsOf: URL(fileURLWithPath: a + "/summary.json"))
            #expect(again.status == 0 && again.stdoutData == written, "\(again.stderr)")
        }
    }

    /// Proper msam and gsam runs complete, differ from l2-sam, and their configs repeat them.
    @Test(arguments: ["train", "flow"])
    func runsWithTheirParameters(_ command: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = Self.gaussian + (command == "train" ? ["--steps", "30", "--rho", "0.3"] : ["--time", "2", "--rho", "0.3", "--rescaled"])
        let l2 = try Self.object(try CLI.run([command] + common + ["--optimizer", "l2-sam", "--json"]).stdoutData)
        for (i, args) in [["msam", "--m", "1"], ["msam", "--m", "2"], ["msam", "--m", "2", "--msam-norm", "none"], ["gsam"],
                          ["gsam", "--gsam-alpha", "0.5"]].enumerated() {
            let out = dir.appendingPathComponent("run\(i)").path
            let r = try CLI.run([command] + common + ["--optimizer"] + args + ["--out", out])
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let summary = try Self.object(Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
            #expect(["completed", "blow-up", "collapsed"].contains(summary["status"] as? String ?? ""), "\(args): \(summary["status"] ?? "")")
            #expect(summary["beta"] as? [Double] != l2["beta"] as? [Double], "\(args)")
            let again = try CLI.run([command, "--config", out + "/summary.json", "--json"])
            let written = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
            #expect(again.status == 0 && again.stdoutData == written, "\(args): \(again.stderr)")
        }
    }

    static let badInputs: [([String], [String])] = [
        (["train", "--optimizer", "msam", "--m", "0"], ["--m must be at least 1.0 (got 0.0)"]),
        (["train", "--optimizer", "msam", "--m", "1.5"], [#"--m must be an integer or "n" (got 1.5)"#]),
        (["train", "--optimizer", "msam", "--m", "abc"], ["--m must be a number (got 'abc')"]),
        (["train", "--optimizer", "msam", "--m", "inf"], ["--m must be an integer or n (got 'inf')"]),
        (["train", "--optimizer", "msam", "--msam-norm", "l3"], ["--msam-norm must be l2 or none (got 'l3')"]),
        (["train", "--optimizer", "gsam", "--gsam-alpha", "-1"], ["--gsam-alpha must be non-negative (got -1.0)"]),
        (["train", "--optimizer", "l2-sam", "--m", "2"], ["--m is a parameter of msam, not of l2-sam"]),
        (["train", "--optimizer", "msam", "--gsam-alpha", "0.1"], ["--gsam-alpha is a parameter of gsam, not of msam"]),
        (["flow", "--optimizer", "msam", "--m", "-3"], ["--m must be at least 1.0 (got -3.0)"]),
        (["flow", "--optimizer", "msam", "--m", "2.5"], [#"--m must be an integer or "n" (got 2.5)"#]),
        (["flow", "--optimizer", "msam", "--msam-norm", "L1"], ["--msam-norm must be l2 or none (got 'L1')"]),
        (["flow", "--optimizer", "gsam", "--gsam-alpha", "-0.5"], ["--gsam-alpha must be non-negative (got -0.5)"]),
    ]

    @Test(arguments: badInputs)
    func badValuesAreOneLineErrors(_ arguments: [String], _ words: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        NewRuleCommandTests.expectBadInput(try CLI.run(arguments + ["--mu", "1,2", "--out", out]), words, out: out)
    }

    /// A configuration file with a bad value is refused the same way, naming the key.
    @Test func badValuesInConfigs() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (command, json, words) in [
            ("train", #"{"optimizer": "msam", "m": 0}"#, ["m must be at least 1.0 (got 0.0)"]),
            ("train", #"{"optimizer": "msam", "m": 2.5}"#, [#"m must be an integer or "n" (got 2.5)"#]),
            ("train", #"{"optimizer": "msam", "msam_norm": "l1"}"#, [#"'msam_norm' (expected "l2" or "none")"#]),
            ("flow", #"{"optimizer": "msam", "m": "all"}"#, [#"'m' (expected an integer or "n")"#]),
            ("flow", #"{"optimizer": "gsam", "gsam_alpha": -1}"#, ["gsam_alpha must be non-negative (got -1.0)"]),
        ] {
            let file = dir.appendingPathComponent("config.json")
            try json.write(to: file, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("run").path
            NewRuleCommandTests.expectBadInput(try CLI.run([command, "--config", file.path, "--mu", "1,2", "--out", out]), words, out: out)
        }
    }

    /// Sweeps put m (with "n"), msam_norm ("l2", "none") and gsam_alpha on axes; bad values are refused up front.
    @Test func sweepAxes() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func spec(_ optimizer: String, _ axes: String, kind: String = "train") throws -> String {
            let url = dir.appendingPathComponent("spec-\(UUID().uuidString).json")
            let clock = kind == "train" ? #""steps": 5"# : #""time": 1, "rescaled": true"#
            try #"{"kind": "\#(kind)", "base": {"data": {"kind": "gaussian", "n": 5, "mean": [1, 2], "sigma": 0.3, "seed": 7}, "optimizer": "\#(optimizer)", \#(clock)}, "axes": \#(axes), "keep": ["status", "beta"]}"#
                .write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let out = dir.appendingPathComponent("m").path
        let r = try CLI.run(["sweep", "run", try spec("msam", #"[{"key": "m", "values": [1, 2, "n"]}, {"key": "msam_norm", "values": ["l2", "none"]}]"#),
                             "--out", out, "--jobs", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6, "\(lines)")
        #expect(lines.contains { $0.contains(#""m":"n""#) && $0.contains(#""msam_norm":"none""#) }, "\(lines)")
        #expect(try CLI.run(["sweep", "export", out]).status == 0)
        let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
        #expect(csv.contains("\n5,n,none,completed,") && csv.contains("\n0,1.0,l2,completed,"), "\(csv)")
        // The point m = n, l2 is l2-sam's run.
        let l2 = try Self.object(try CLI.run(["train"] + Self.gaussian + ["--steps", "5", "--optimizer", "l2-sam", "--json"]).stdoutData)
        let record = try #require(lines.first { $0.contains(#""m":"n""#) && $0.contains(#""msam_norm":"l2""#) })
        #expect((try Self.object(Data(record.utf8))["result"] as? [String: Any])?["beta"] as? [Double] == l2["beta"] as? [Double])
        let alpha = try CLI.run(["sweep", "run", try spec("gsam", #"[{"key": "gsam_alpha", "values": [0, 0.1, 0.5]}]"#, kind: "flow"),
                                 "--out", dir.appendingPathComponent("alpha").path, "--jobs", "1"])
        #expect(alpha.status == 0, "\(alpha.stderr)")
        for (optimizer, axes, words) in [
            ("msam", #"[{"key": "m", "values": [2, 0]}]"#, ["axes[0] (m = 0.0): m must be at least 1.0 (got 0.0)"]),
            ("msam", #"[{"key": "m", "values": [1.5]}]"#, [#"axes[0] (m = 1.5): m must be an integer or "n" (got 1.5)"#]),
            ("msam", #"[{"key": "m", "values": ["inf"]}]"#, ["axes[0]", #"'values' must be a non-empty list of numbers or "n""#]),
            ("msam", #"[{"key": "msam_norm", "values": ["l1"]}]"#, ["axes[0]", #"'values' must be a non-empty list of numbers or "l2", "none""#]),
            ("msam", #"[{"key": "msam_norm", "values": [0.5]}]"#, ["axes[0] (msam_norm = 0.5): wrong type at 'msam_norm' (expected \"l2\" or \"none\")"]),
            ("gsam", #"[{"key": "gsam_alpha", "values": [0.1, -1]}]"#, ["axes[0] (gsam_alpha = -1.0): gsam_alpha must be non-negative"]),
        ] {
            let bad = dir.appendingPathComponent("bad").path
            NewRuleCommandTests.expectBadInput(try CLI.run(["sweep", "run", try spec(optimizer, axes), "--out", bad]), words, out: bad)
        }
    }

    /// `vision train` takes gsam and msam (groups of M images of the batch) with their flags and records them.
    @Test func visionTrainsWithTheCombinedRules() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try VisionCommandTests.writeIDX(to: dir, count: 8, size: 12)
        let base = ["vision", "train", "--data-dir", dir.path, "--batch-size", "4", "--conv-channels", "4", "--hidden", "8", "--rho", "0.01"]
        for (i, args) in [["--optimizer", "gsam", "--gsam-alpha", "0.3"], ["--optimizer", "msam", "--m", "2"],
                          ["--optimizer", "msam", "--m", "n", "--msam-norm", "none"]].enumerated() {
            let out = dir.appendingPathComponent("run\(i)").path
            let r = try CLI.run(base + args + ["--out", out])
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let config = try #require(try NewRuleCommandTests.json(out + "/checkpoint.json")["config"] as? [String: Any])
            #expect(config["optimizer"] as? String == args[1])
            let parameters = try #require(config["ruleParameters"] as? [String: Any])
            if args[1] == "gsam" { #expect(parameters["gsam_alpha"] as? Double == 0.3) }
            if args.count > 4 { #expect(parameters["m"] as? String == "n" && parameters["msam_norm"] as? String == "none", "\(parameters)") }
        }
        for (args, words) in [(["--optimizer", "msam", "--m", "0"], ["--m must be at least 1.0 (got 0.0)"]),
                              (["--optimizer", "gsam", "--gsam-alpha", "-1"], ["--gsam-alpha must be non-negative"]),
                              (["--optimizer", "msam", "--msam-norm", "max"], ["--msam-norm must be l2 or none (got 'max')"])] {
            let out = dir.appendingPathComponent("bad").path
            NewRuleCommandTests.expectBadInput(try CLI.run(base + args + ["--out", out]), words, out: out)
        }
    }

    @Test func benchDynamicsTakesThem() throws {
        let help = try CLI.run(["bench", "dynamics", "--help"]).stdout
        #expect(help.contains("--m ") && help.contains("--msam-norm") && help.contains("--gsam-alpha") && help.contains("gsam"), "\(help)")
        NewRuleCommandTests.expectBadInput(try CLI.run(["bench", "dynamics", "--dims", "6", "--optimizer", "msam", "--m", "0"]), ["--m must be at least 1.0"])
        NewRuleCommandTests.expectBadInput(try CLI.run(["bench", "dynamics", "--dims", "6", "--optimizer", "gsam", "--gsam-alpha", "-2"]),
                                           ["--gsam-alpha must be non-negative"])
    }
}
