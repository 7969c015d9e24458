import Foundation
import Testing

/// ASAM and lp-SAM on the command line: `--asam-eta` and `--p` (with `inf`) on train, flow, sweep axes, vision and
/// bench; lp-sam at p = inf and p = 2 against linf-sam and l2-sam, byte for byte; bad values are one line and exit 2.
@Suite struct NewRuleCommandTests {
    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// Bad input: exit 2, one line on stderr naming `words`, and no `--out` folder.
    static func expectBadInput(_ r: CLI.Result, _ words: [String], out: String? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 2, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        for word in words { #expect(r.stderr.contains(word), "\(r.stderr)", sourceLocation: sourceLocation) }
        if let out { #expect(!FileManager.default.fileExists(atPath: out), "\(out) was written", sourceLocation: sourceLocation) }
    }

    /// `train` and `flow` with lp-sam at p = inf and p = 2 write the trajectories and summaries of linf-sam and
    /// l2-sam (all but the config); the config records "p": "inf" and repeats the run.
    @Test(arguments: ["train", "flow"])
    func lpReducesOnTheCommandLine(_ command: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = command == "train"
            ? ["--mu", "1,2,3", "--depth", "3", "--param", "signed", "--alpha", "0.6", "--rho", "0.3", "--steps", "100"]
            : ["--mu", "1,2", "--alpha", "0.5,1.5", "--rho", "1", "--rescaled", "--time", "3"]
        for (p, other) in [("inf", "linf-sam"), ("2", "l2-sam")] {
            let a = dir.appendingPathComponent("lp-\(p)-\(command)").path, b = dir.appendingPathComponent("\(other)-\(command)").path
            let ra = try CLI.run([command] + common + ["--optimizer", "lp-sam", "--p", p, "--out", a])
            let rb = try CLI.run([command] + common + ["--optimizer", other, "--out", b])
            #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr) \(rb.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: a + "/trajectory.csv")) == Data(contentsOf: URL(fileURLWithPath: b + "/trajectory.csv")))
            var sa = try Self.json(a + "/summary.json"), sb = try Self.json(b + "/summary.json")
            let config = try #require(sa["config"] as? [String: Any])
            #expect(config["optimizer"] as? String == "lp-sam")
            if p == "inf" { #expect(config["p"] as? String == "inf") } else { #expect(config["p"] as? Double == 2) }
            sa["config"] = nil
            sb["config"] = nil
            #expect(NSDictionary(dictionary: sa).isEqual(to: sb), "p = \(p)")
            if command == "flow", p == "inf" { #expect((sa["slides"] as? [Any])?.isEmpty == false, "the l_inf flow slides") }
            let again = try CLI.run([command, "--config", a + "/summary.json", "--json"])
            let written = try Data(contentsOf: URL(fileURLWithPath: a + "/summary.json"))
            #expect(again.status == 0 && again.stdoutData == written, "\(again.stderr)")
        }
    }

    @Test func asamAndLpRunWithTheirParameters() throws {
        for args in [["--optimizer", "asam"], ["--optimizer", "asam", "--asam-eta", "0"], ["--optimizer", "lp-sam", "--p", "1"],
                     ["--optimizer", "lp-sam", "--p", "3"], ["--optimizer", "lp-sam", "--p", "1.5"]] {
            let r = try CLI.run(["train", "--mu", "1,2", "--steps", "20", "--json"] + args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
            #expect(summary["status"] as? String == "completed", "\(args)")
        }
        // --optimizer over a --config of another rule drops that rule's parameters.
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("asam").path
        #expect(try CLI.run(["train", "--mu", "1,2", "--steps", "5", "--optimizer", "asam", "--asam-eta", "0.2", "--out", out]).status == 0)
        let switched = try CLI.run(["train", "--config", out + "/summary.json", "--optimizer", "lp-sam", "--p", "3", "--json"])
        #expect(switched.status == 0, "\(switched.stderr)")
        let config = try #require((try JSONSerialization.jsonObject(with: switched.stdoutData) as? [String: Any])?["config"] as? [String: Any])
        #expect(config["asam_eta"] == nil && config["p"] as? Double == 3)
    }

    static let badInputs: [([String], [String])] = [
        (["train", "--optimizer", "lp-sam", "--p", "0.5"], ["--p must be at least 1.0 (got 0.5)"]),
        (["train", "--optimizer", "lp-sam", "--p", "abc"], ["--p must be a number (got 'abc')"]),
        (["train", "--optimizer", "lp-sam", "--p", "nan"], ["--p must be a number"]),
        (["train", "--optimizer", "asam", "--asam-eta", "-0.1"], ["--asam-eta must be non-negative (got -0.1)"]),
        (["train", "--optimizer", "asam", "--asam-eta", "inf"], ["--asam-eta must be finite (got inf)"]),
        (["train", "--optimizer", "l2-sam", "--p", "3"], ["--p is a parameter of lp-sam, not of l2-sam"]),
        (["train", "--optimizer", "lp-sam", "--asam-eta", "0.1"], ["--asam-eta is a parameter of asam, not of lp-sam"]),
        (["flow", "--optimizer", "lp-sam", "--p", "1"], ["--optimizer lp-sam with p = 1 puts eps on a single component", "discontinuous"]),
        (["flow", "--optimizer", "lp-sam", "--p", "-2"], ["--p must be at least 1.0 (got -2.0)"]),
    ]

    @Test(arguments: badInputs)
    func badValuesAreOneLineErrors(_ arguments: [String], _ words: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        Self.expectBadInput(try CLI.run(arguments + ["--mu", "1,2", "--out", out]), words, out: out)
    }

    /// Every rule parameter the registry has (the sweep's list of axis keys names them) has its flag on train and flow.
    @Test func everyRuleParameterHasAFlag() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = dir.appendingPathComponent("spec.json")
        try #"{"kind": "train", "base": {"data": {"kind": "single", "mu": [1, 2]}}, "axes": [{"key": "nope", "values": [1]}]}"#
            .write(to: spec, atomically: true, encoding: .utf8)
        let r = try CLI.run(["sweep", "run", spec.path, "--out", dir.appendingPathComponent("sweep").path])
        let known = try #require(r.stderr.components(separatedBy: "(known: ").last?.components(separatedBy: ")").first)
        let parameters = known.components(separatedBy: ", ").filter { !["depth", "alpha", "rho", "lr", "steps"].contains($0) && !$0.hasPrefix("data.") }
        #expect(Set(parameters) == ["asam_eta", "p", "m", "msam_norm", "gsam_alpha"], "\(known)")
        for command in ["train", "flow"] {
            let help = try CLI.run([command, "--help"]).stdout
            for key in parameters { #expect(help.contains("--" + key.replacingOccurrences(of: "_", with: "-")), "\(command) --help lacks \(key)") }
        }
    }

    /// A sweep puts p (with "inf") and asam_eta on axes; bad values and non-numbers are refused before anything runs.
    @Test func sweepAxesOfRuleParameters() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func spec(_ optimizer: String, _ axes: String, kind: String = "train") throws -> String {
            let url = dir.appendingPathComponent("spec-\(UUID().uuidString).json")
            try #"{"kind": "\#(kind)", "base": {"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "\#(optimizer)", "\#(kind == "train" ? "steps" : "time")": 5}, "axes": \#(axes), "keep": ["status", "beta"]}"#
                .write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let out = dir.appendingPathComponent("p").path
        let r = try CLI.run(["sweep", "run", try spec("lp-sam", #"[{"key": "p", "values": [1, 2, 3, "inf"]}]"#), "--out", out, "--jobs", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4 && lines.contains { $0.contains(#""axes":{"p":"inf"}"#) }, "\(lines)")
        #expect(try CLI.run(["sweep", "export", out]).status == 0)
        let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
        #expect(csv.contains("\n3,inf,completed,"), "\(csv)")
        // The same beta as linf-sam's at p = inf.
        let linf = try CLI.run(["train", "--mu", "1,2", "--steps", "5", "--optimizer", "linf-sam", "--json"])
        let beta = try #require((try JSONSerialization.jsonObject(with: linf.stdoutData) as? [String: Any])?["beta"] as? [Double])
        let record = try #require(lines.first { $0.contains(#""p":"inf""#) })
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        #expect((stored["result"] as? [String: Any])?["beta"] as? [Double] == beta, "\(record) against \(beta)")
        let eta = try CLI.run(["sweep", "run", try spec("asam", #"[{"key": "asam_eta", "linear": {"from": 0, "to": 0.2, "count": 3}}]"#),
                               "--out", dir.appendingPathComponent("eta").path, "--jobs", "1"])
        #expect(eta.status == 0, "\(eta.stderr)")
        for (optimizer, axes, words, kind) in [
            ("lp-sam", #"[{"key": "p", "values": [2, 0.5]}]"#, ["axes[0] (p = 0.5): p must be at least 1.0 (got 0.5)"], "train"),
            ("asam", #"[{"key": "asam_eta", "values": [0.1, -1]}]"#, ["axes[0] (asam_eta = -1.0): asam_eta must be non-negative"], "train"),
            ("lp-sam", #"[{"key": "p", "values": [2, "three"]}]"#, ["axes[0]", "'values' must be a non-empty list of numbers"], "train"),
            ("asam", #"[{"key": "asam_eta", "values": ["inf"]}]"#, ["axes[0]", "'values' must be a non-empty list of numbers"], "train"),
            ("lp-sam", #"[{"key": "q", "values": [1]}]"#, ["axes[0].key: unknown key 'q'"], "train"),
            ("lp-sam", #"[{"key": "p", "values": [3, 1]}]"#, ["axes[0] (p = 1.0): optimizer lp-sam with p = 1 puts eps on a single component"], "flow"),
        ] {
            let bad = dir.appendingPathComponent("bad").path
            Self.expectBadInput(try CLI.run(["sweep", "run", try spec(optimizer, axes, kind: kind), "--out", bad]), words, out: bad)
        }
    }

    /// `vision train` takes asam and lp-sam with their flags (p = 1 included) and records them; bad values are refused.
    @Test func visionTrainsWithTheNewRules() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try VisionCommandTests.writeIDX(to: dir, count: 8, size: 12)
        let base = ["vision", "train", "--data-dir", dir.path, "--batch-size", "4", "--conv-channels", "4", "--hidden", "8"]
        for (i, args) in [["--optimizer", "asam", "--asam-eta", "0.05"], ["--optimizer", "lp-sam", "--p", "1"], ["--optimizer", "lp-sam", "--p", "inf"],
                          ["--optimizer", "lp-sam"]].enumerated() {
            let out = dir.appendingPathComponent("run\(i)").path
            let r = try CLI.run(base + args + ["--rho", "0.01", "--out", out])
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let config = try #require(try Self.json(out + "/checkpoint.json")["config"] as? [String: Any])
            #expect(config["optimizer"] as? String == args[1])
            let parameters = config["ruleParameters"] as? [String: Any]
            if args.count > 2 { #expect(parameters?.count == 1, "\(config)") } else { #expect(parameters == nil, "\(config)") }
        }
        for (args, words) in [(["--optimizer", "lp-sam", "--p", "0"], ["--p must be at least 1.0 (got 0.0)"]),
                              (["--optimizer", "l2-sam", "--asam-eta", "0.1"], ["--asam-eta is not a parameter of l2-sam"])] {
            let out = dir.appendingPathComponent("bad").path
            Self.expectBadInput(try CLI.run(base + args + ["--out", out]), words, out: out)
        }
    }

    /// `bench dynamics --optimizer` times any rule with its parameters, checked as train checks them (a timing
    /// itself takes too long in a debug build to be a test).
    @Test func benchDynamicsTakesAnyRule() throws {
        let help = try CLI.run(["bench", "dynamics", "--help"]).stdout
        #expect(help.contains("--optimizer") && help.contains("--p") && help.contains("--asam-eta"), "\(help)")
        Self.expectBadInput(try CLI.run(["bench", "dynamics", "--dims", "6", "--optimizer", "lp-sam", "--p", "0.5"]), ["--p must be at least 1.0"])
        Self.expectBadInput(try CLI.run(["bench", "dynamics", "--dims", "6", "--asam-eta", "0.1"]), ["--asam-eta is a parameter of asam, not of l2-sam"])
    }
}
