import Foundation
import Testing

@Suite struct AnalyzeCommandTests {
    static func rows(_ dir: String) throws -> [[String: String]] {
        let r = try CLI.run(["analyze", dir, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        return try #require(json["rows"] as? [[String: String]])
    }

    /// With every step recorded, the leaders recomputed from trajectory.csv are the run's own list; the regime
    /// verdicts come out as THEORY.md §3.5 predicts.
    @Test func trainRunLeadersAndRegime() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run(["train", "--mu", "1,2,3,4,5,6", "--alpha", "0.35", "--rho", "1", "--optimizer", "l2-sam", "--lr", "0.05",
                             "--steps", "2000", "--record", "every=1", "--out", out, "--quiet"])
        #expect(r.status == 0)
        let rows = try Self.rows(out)
        let leaders = try #require(rows.first { $0["quantity"]!.hasPrefix("leader sequence") })
        #expect(leaders["verdict"] == "agrees")
        #expect(leaders["simulated"] == leaders["predicted"])
        #expect(leaders["simulated"]!.hasPrefix("2 -> 3 -> 4"))
        let regime = try #require(rows.first { $0["quantity"]!.hasPrefix("l2-SAM regime") })
        #expect(regime["predicted"] == "minor-first" && regime["verdict"] == "agrees")
    }

    @Test func linfFlowFates() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("flow").path
        let r = try CLI.run(["flow", "--mu", "1,2,3", "--alpha", "0.5,1.5,0.8", "--rho", "1", "--optimizer", "linf-sam", "--rescaled",
                             "--time", "3", "--out", out])
        #expect(r.status == 0)
        let rows = try Self.rows(out)
        let fates = rows.filter { $0["quantity"]!.hasPrefix("Thm 3.2") }
        #expect(fates.count == 3 && fates.allSatisfy { $0["verdict"] == "agrees" })
        #expect(rows.first { $0["quantity"] == "Cor 3.5 limit direction" }?["predicted"] == "e_2")
    }

    @Test func missingRunIsBadInput() throws {
        let r = try CLI.run(["analyze", "/nonexistent/run"])
        #expect(r.status == 2)
        #expect(r.stderr == "samlab: /nonexistent/run/summary.json: cannot read the file (no such file)\n")
    }
}
