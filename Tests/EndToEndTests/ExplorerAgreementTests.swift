import Foundation
import SAMExplorer
import Testing

/// `samlab serve`'s API gives, byte for byte, what the command-line tool prints for the same specification.
@Suite struct ExplorerAgreementTests {
    let api = ExplorerAPI()

    func write(_ text: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("spec.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        #"{"data": {"kind": "single", "mu": [1, 2, 3]}, "optimizer": "l2-sam", "rho": 0.5, "lr": 0.1, "steps": 200, "alpha": [0.3]}"#,
        #"{"data": {"kind": "gaussian", "n": 10, "mean": [1, 2], "sigma": 0.3, "seed": 3}, "optimizer": "linf-sam", "rho": 0.2, "lr": 0.05, "steps": 100, "depth": 3}"#,
        #"{"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "l2-sam", "rho": 1, "time": 3, "rescaled": true, "alpha": [0.5]}"#,
    ])
    func runAnswersTheCLIsSummaryAndTrajectory(_ spec: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try write(spec, in: dir)
        let command = spec.contains("\"time\"") ? "flow" : "train"
        let cli = try CLI.run([command, "--config", path, "--json", "--quiet"].filter { command == "train" || $0 != "--quiet" })
        #expect(cli.status == 0, "\(cli.stderr)")
        let served = api.handle(method: "POST", path: "/api/run", query: ["part": "summary"], body: Data(spec.utf8))
        #expect(served.status == 200)
        #expect(served.body == cli.stdoutData, "the summaries differ")
        let out = dir.appendingPathComponent("run").path
        let folder = try CLI.run([command, "--config", path, "--out", out])
        #expect(folder.status == 0, "\(folder.stderr)")
        let trajectory = api.handle(method: "POST", path: "/api/run", query: ["part": "trajectory"], body: Data(spec.utf8))
        #expect(trajectory.body == (try Data(contentsOf: URL(fileURLWithPath: out + "/trajectory.csv"))))
    }

    @Test func badSpecsGetTheCLIsLine() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for spec in [#"{"lr": 0.1, "steps": 10, "colour": 3}"#, #"{"lr": -1, "steps": 10}"#, #"{"lr": 0.1, "steps": 10, "optimizer": "adam"}"#] {
            let path = try write(spec, in: dir)
            let cli = try CLI.run(["train", "--config", path, "--json"])
            #expect(cli.status == 2)
            let served = api.handle(method: "POST", path: "/api/run", body: Data(spec.utf8))
            #expect(served.status == 400)
            let message = try #require(try JSONSerialization.jsonObject(with: served.body) as? [String: String])["error"]
            #expect(cli.stderr.contains("\(path): \(message ?? "")"), "CLI: \(cli.stderr) API: \(message ?? "")")
        }
    }

    @Test func regimeAndMaxMarginAreTheCLIsBytes() throws {
        let cli = try CLI.run(["regime", "--mu", "4,5,6,7,8", "--rho", "1", "--alpha", "0.5", "--json"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let served = api.handle(method: "POST", path: "/api/regime", body: Data(#"{"mu": [4, 5, 6, 7, 8], "rho": 1, "alpha": 0.5}"#.utf8))
        #expect(served.body == cli.stdoutData)
        let margin = try CLI.run(["maxmargin", "--mu", "1,2", "--norm", "l2", "--json"])
        let servedMargin = api.handle(method: "POST", path: "/api/maxmargin", body: Data(#"{"data": {"kind": "single", "mu": [1, 2]}, "norm": "l2"}"#.utf8))
        #expect(servedMargin.body == margin.stdoutData)
    }
}
