import Foundation
import Testing

/// `--model dense --width H` and `--loss squared` on the command line: summaries (weights as matrices, mse with the
/// margin keys null), train and flow from the same seed, configs that repeat the run, and bad values (one line,
/// exit 2, nothing written).
@Suite struct DenseAndSquaredCommandTests {
    static func summary(_ r: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any], "\(r.stderr)")
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let file = dir.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func denseTrainWritesMatricesAndRepeatsFromItsConfig() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("dense").path
        let r = try CLI.run(["train", "--mu", "1,2,3", "--model", "dense", "--width", "4", "--depth", "3", "--alpha", "0.4",
                             "--seed", "7", "--optimizer", "l2-sam", "--rho", "0.05", "--steps", "50", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try NewRuleCommandTests.json(out + "/summary.json")
        let weights = try #require(s["weights"] as? [[[Double]]])
        #expect(weights.map(\.count) == [4, 4, 1] && weights.map { $0[0].count } == [3, 4, 4])
        let config = try #require(s["config"] as? [String: Any])
        #expect(config["param"] as? String == "dense" && config["width"] as? Int == 4 && config["seed"] as? Int == 7)
        let again = try CLI.run(["train", "--config", out + "/summary.json", "--json"])
        let written = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        #expect(again.status == 0 && again.stdoutData == written, "\(again.stderr)")
        // Another seed, other weights.
        let other = try Self.summary(try CLI.run(["train", "--config", out + "/summary.json", "--seed", "8", "--json"]))
        #expect((other["weights"] as? [[[Double]]]) != weights)
    }

    /// train and flow draw the same initial weights for the same seed: the flow's first recorded beta is the
    /// discrete run's first.
    @Test func trainAndFlowStartFromTheSameWeights() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["--mu", "1,2", "--model", "dense", "--width", "3", "--alpha", "0.5", "--seed", "5", "--record", "every=1"]
        let t = dir.appendingPathComponent("t").path, f = dir.appendingPathComponent("f").path
        let rt = try CLI.run(["train"] + common + ["--steps", "1", "--out", t])
        let rf = try CLI.run(["flow"] + common + ["--time", "1", "--out", f])
        #expect(rt.status == 0 && rf.status == 0, "\(rt.stderr) \(rf.stderr)")
        let firstRow = { (path: String) throws -> String in
            let lines = try String(contentsOfFile: path + "/trajectory.csv", encoding: .utf8).split(separator: "\n")
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
            let row = lines[1].split(separator: ",", omittingEmptySubsequences: false)
            return zip(header, row).filter { $0.0.hasPrefix("beta_") }.map { String($0.1) }.joined(separator: ",")
        }
        #expect(try firstRow(t) == firstRow(f))
    }

    @Test func squaredLossTakesRealLabelsAndReportsMSE() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.write("x1,x2,x3,y\n1,0,0.5,0.7\n0,1,1,-1.3\n1,1,0,2.5\n", "r.csv", in: dir)
        for extra in [["--model", "dense", "--width", "3"], ["--param", "signed"], []] {
            let out = dir.appendingPathComponent("sq\(extra.count)").path
            let r = try CLI.run(["train", "--data", csv, "--loss", "squared", "--optimizer", "l2-sam", "--rho", "0.05",
                                 "--steps", "300", "--lr", "0.1", "--out", out] + extra)
            #expect(r.status == 0, "\(extra): \(r.stderr)")
            let s = try NewRuleCommandTests.json(out + "/summary.json")
            let mse = try #require(s["mse"] as? Double, "\(extra)")
            let loss = try #require(s["loss"] as? Double)
            #expect(abs(mse - 2 * loss) <= 1e-12 * mse, "\(extra)")
            #expect(s["margin"] is NSNull && s["normalized_margin"] is NSNull, "\(extra)")
            let header = try String(contentsOfFile: out + "/trajectory.csv", encoding: .utf8).split(separator: "\n")[0]
            #expect(header.hasPrefix("step,loss,log_loss,mse,margin,"))
        }
        // The same labels with a margin loss: the line of the first bad label.
        let r = try CLI.run(["train", "--data", csv, "--json"])
        NewRuleCommandTests.expectBadInput(r, ["r.csv:2", "label '0.7' must be +1 or -1", "squared loss"])
    }

    /// GD on a dense deep linear network turns beta toward the l2 max-margin direction (mu / ||mu|| on D_mu; Ji &
    /// Telgarsky, ICLR 2019); the diagonal network's GD goes to the l1 one (e_argmax mu).
    @Test func denseGDAlignsWithTheL2Direction() throws {
        func direction(_ extra: [String]) throws -> [Double] {
            let r = try CLI.run(["train", "--mu", "1,2", "--alpha", "0.1", "--lr", "0.2", "--steps", "5000", "--json"] + extra)
            return try #require(try Self.summary(r)["direction"] as? [Double], "\(r.stderr)")
        }
        let l2 = [1 / 5.0.squareRoot(), 2 / 5.0.squareRoot()]
        func cosine(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        for depth in ["2", "3"] {
            let dense = try direction(["--model", "dense", "--width", "4", "--depth", depth])
            #expect(cosine(dense, l2) > 0.995 && cosine(dense, l2) > dense[1] + 0.1, "depth \(depth): \(dense)")
        }
        let diagonal = try direction(["--depth", "2"])
        #expect(diagonal[1] > 0.99 && diagonal[1] > cosine(diagonal, l2) + 0.05, "\(diagonal)")
    }

    /// A sweep over the dense model's width and seed runs; a width of 0 on an axis is refused before anything runs.
    @Test func sweepAxesOverWidthAndSeed() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = #"{"data": {"kind": "single", "mu": [1, 2]}, "param": "dense", "width": 3, "steps": 20, "optimizer": "l2-sam"}"#
        let good = try Self.write(#"{"kind": "train", "base": \#(base), "axes": [{"key": "width", "values": [2, 4]}, {"key": "seed", "values": [1, 2]}]}"#,
                                  "good.json", in: dir)
        let out = dir.appendingPathComponent("sweep").path
        let r = try CLI.run(["sweep", "run", good, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let bad = try Self.write(#"{"kind": "train", "base": \#(base), "axes": [{"key": "width", "values": [2, 0]}]}"#, "bad.json", in: dir)
        let badOut = dir.appendingPathComponent("bad").path
        NewRuleCommandTests.expectBadInput(try CLI.run(["sweep", "run", bad, "--out", badOut]), ["width", "at least 1"], out: badOut)
    }

    @Test(arguments: [
        (["train", "--model", "dense", "--width", "0"], ["--width", "at least 1"]),
        (["train", "--model", "dense"], ["width"]),
        (["train", "--width", "3"], ["--width", "dense"]),
        (["train", "--seed", "3"], ["--seed", "dense"]),
        (["train", "--model", "dense", "--width", "3", "--depth", "1"], ["--depth", "at least 2"]),
        (["train", "--model", "dense", "--width", "3", "--alpha", "0.1,0.2"], ["--alpha", "one number"]),
        (["train", "--model", "dense", "--width", "3", "--param", "signed"], ["--param signed", "--model dense"]),
        (["train", "--model", "wide"], ["--model", "diagonal or dense"]),
        (["flow", "--loss", "squared", "--rescaled"], ["--rescaled", "squared"]),
    ])
    func badValuesExitTwo(_ args: [String], _ words: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o").path
        NewRuleCommandTests.expectBadInput(try CLI.run(args + ["--out", out]), words, out: out)
    }
}
