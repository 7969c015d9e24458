import Foundation
import Testing

/// One regime classifier: `sweep`, `analyze`, `regime` and the catalog (thm44) label the same runs alike. The grid
/// is thm44's (`--quick`): the rescaled l2-SAM flow on D_mu, mu = (4, ..., 8), rho = 1, to s = 1.5.
@Suite struct RegimeConsistencyTests {
    @Test func everyToolGivesTheSameLabels() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reproduce = try CLI.run(["reproduce", "thm44", "--quick", "--out", dir.appendingPathComponent("catalog").path])
        #expect(reproduce.status == 0, "\(reproduce.stderr)")
        let table = try String(contentsOf: dir.appendingPathComponent("catalog/thm44/regimes.csv"), encoding: .utf8)
        let catalog: [(alpha: String, observed: String)] = table.split(separator: "\n").dropFirst().map {
            let f = $0.split(separator: ",").map(String.init)
            return (f[0], f[2])
        }
        #expect(catalog.count >= 10)
        #expect(Set(catalog.map(\.observed)).isSuperset(of: ["collapse", "minor-first", "major-first"]))

        // The sweep over the same alphas.
        let spec = """
        {"kind": "flow", "base": {"data": {"kind": "single", "mu": [4, 5, 6, 7, 8]}, "optimizer": "l2-sam", "rho": 1,
         "rescaled": true, "time": 1.5, "blowup_norm": 1e12, "record": "times="},
         "axes": [{"key": "alpha", "values": [\(catalog.map(\.alpha).joined(separator: ", "))]}], "keep": ["regime"]}
        """
        let specFile = dir.appendingPathComponent("spec.json")
        try spec.write(to: specFile, atomically: true, encoding: .utf8)
        let sweep = try CLI.run(["sweep", "run", specFile.path, "--out", dir.appendingPathComponent("sweep").path, "--quiet"])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let lines = try String(contentsOf: dir.appendingPathComponent("sweep/results.jsonl"), encoding: .utf8).split(separator: "\n")
        var swept: [Int: String] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            swept[object["index"] as! Int] = (object["result"] as! [String: Any])["regime"] as? String
        }
        #expect(catalog.indices.map { swept[$0] } == catalog.map(\.observed))

        // analyze and regime on a few of them (each computes alpha_c by bisection, so not all).
        for k in stride(from: 0, to: catalog.count, by: 5) {
            let (alpha, label) = catalog[k]
            let run = dir.appendingPathComponent("flow-\(k)").path
            let flow = try CLI.run(["flow", "--mu", "4,5,6,7,8", "--alpha", alpha, "--rho", "1", "--optimizer", "l2-sam", "--rescaled",
                                    "--time", "1.5", "--blowup-norm", "1e12", "--out", run])
            #expect(flow.status == 0, "\(flow.stderr)")
            let analyze = try CLI.run(["analyze", run, "--json"])
            let rows = try #require((try JSONSerialization.jsonObject(with: analyze.stdoutData) as? [String: Any])?["rows"] as? [[String: String]])
            #expect(rows.first { $0["quantity"]!.hasPrefix("l2-SAM regime") }?["simulated"] == label, "analyze at alpha = \(alpha)")
            let regime = try CLI.run(["regime", "--mu", "4,5,6,7,8", "--rho", "1", "--alpha", alpha, "--time", "1.5", "--tolerance", "1e-3", "--json"])
            let report = try #require(try JSONSerialization.jsonObject(with: regime.stdoutData) as? [String: Any])
            #expect(report["observed_regime"] as? String == label, "regime at alpha = \(alpha)")
        }
    }
}
