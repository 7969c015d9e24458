import Foundation
import Testing

@Suite struct FlowCommandTests {
    @Test func jsonSummaryAndOutputs() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("flow").path
        let r = try CLI.run(["flow", "--mu", "1,2,3,4,5,6", "--alpha", "0.35", "--rho", "1", "--optimizer", "l2-sam", "--rescaled",
                             "--time", "20", "--record", "every=0.5", "--out", out, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        for key in ["time", "status", "event_time", "leaders", "leaders_absolute", "beta", "direction", "loss", "log_loss",
                    "margin", "solver", "slides", "config"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["status"] as? String == "blow-up")
        let leaders = try #require(json["leaders"] as? [[String: Any]])
        #expect(leaders.compactMap { $0["coordinate"] as? Int } == [2, 3, 4, 5, 6])
        let solver = try #require(json["solver"] as? [String: Any])
        #expect((solver["accepted_steps"] as? Int ?? 0) > 0 && (solver["function_evaluations"] as? Int ?? 0) > 0)
        let csv = try String(contentsOfFile: out + "/trajectory.csv", encoding: .utf8)
        #expect(csv.hasPrefix("time,loss,log_loss,margin,norm,leader,leader_absolute,beta_1,"))
        #expect(!csv.contains("nan") && !csv.contains("inf"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")) == r.stdoutData)
        // The summary alone repeats the flow.
        let again = try CLI.run(["flow", "--config", out + "/summary.json", "--json"])
        #expect(again.stdoutData == r.stdoutData)
    }

    @Test func gfMeansGradientFlow() throws {
        let a = try CLI.run(["flow", "--mu", "1,2", "--optimizer", "gf", "--rescaled", "--time", "1", "--json"])
        let b = try CLI.run(["flow", "--mu", "1,2", "--optimizer", "gd", "--rescaled", "--time", "1", "--json"])
        #expect(a.status == 0 && a.stdoutData == b.stdoutData)
    }

    static let badInputs: [([String], String)] = [
        (["--time", "0"], "--time must be positive and finite (got 0.0)"),
        (["--time", "inf"], "--time must be positive and finite (got inf)"),
        (["--rtol", "-1e-8"], "--rtol must be positive and finite (got -1e-08)"),
        (["--atol", "nan"], "--atol must be positive and finite (got nan)"),
        (["--blowup-norm", "0.5"], "--blowup-norm (0.5) must exceed the initial ||w||_2 = 1.0"),
        (["--rescaled", "--log-time"], "--log-time is for unrescaled flows"),
        (["--record", "times=2,1"], "--record times= needs increasing times"),
        (["--solver", "rk45"], "--solver: unknown name 'rk45' (known: dopri5, dop853)"),
    ]

    @Test func solverFlagAndKey() throws {
        // --solver dop853 is recorded in the configuration and the summary's solver block, and repeats via --config;
        // without it the default flow (rtol 1e-10) keeps dopri5 and writes no solver key in its configuration.
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = ["flow", "--mu", "4,5,6,7,8", "--alpha", "0.5", "--rho", "1", "--optimizer", "l2-sam", "--rescaled", "--time", "2"]
        let r = try CLI.run(base + ["--solver", "dop853", "--out", dir.appendingPathComponent("a").path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        #expect((json["solver"] as? [String: Any])?["method"] as? String == "dop853")
        #expect((json["config"] as? [String: Any])?["solver"] as? String == "dop853")
        let again = try CLI.run(["flow", "--config", dir.appendingPathComponent("a/summary.json").path, "--json"])
        #expect(again.stdoutData == r.stdoutData)
        let plain = try CLI.run(base + ["--json"])
        let p = try #require(try JSONSerialization.jsonObject(with: plain.stdoutData) as? [String: Any])
        #expect((p["solver"] as? [String: Any])?["method"] as? String == "dopri5")
        #expect((p["config"] as? [String: Any])?["solver"] == nil)
    }

    @Test(arguments: badInputs)
    func badInputExitsTwo(_ extra: [String], _ message: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run(["flow", "--mu", "1,2", "--out", out] + extra)
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
