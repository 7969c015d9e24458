import Foundation
import Testing

/// `--sharpness` on `train` and `flow`, the spec key in configs and sweeps, and its bad input.
@Suite struct SharpnessCommandTests {
    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func trainRecordsSharpnessAndRepeatsFromTheSummary() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run(["train", "--mu", "1,2", "--optimizer", "l2-sam", "--rho", "0.5", "--lr", "0.3", "--steps", "100",
                             "--record", "every=10", "--sharpness", "--out", out, "--quiet"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let csv = try String(contentsOfFile: out + "/trajectory.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "step,loss,log_loss,margin,norm,leader,leader_absolute,lambda_max,hessian_trace,gd_edge,sam_edge,beta_1,beta_2")
        #expect(lines.count == 1 + 11)
        // Every row has all four values; gd_edge = 2/eta.
        #expect(lines.dropFirst().allSatisfy { row in
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            return (7...10).allSatisfy { Double(f[$0]) != nil } && Double(f[9]) == 2 / 0.3
        })
        let summary = try Self.json(out + "/summary.json")
        for key in ["lambda_max", "hessian_trace", "gd_edge", "sam_edge"] { #expect(summary[key] is Double, "\(key)") }
        #expect((summary["config"] as? [String: Any])?["sharpness"] as? Bool == true)
        let again = dir.appendingPathComponent("again").path
        let r2 = try CLI.run(["train", "--config", out + "/summary.json", "--out", again, "--quiet"])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again + "/summary.json")) == Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
        #expect(try String(contentsOfFile: again + "/trajectory.csv", encoding: .utf8) == csv)
        // analyze reads the folder back.
        #expect(try CLI.run(["analyze", out]).status == 0)
    }

    @Test func flowRecordsSharpnessWithoutEdges() throws {
        let r = try CLI.run(["flow", "--mu", "1,2", "--optimizer", "l2-sam", "--rho", "0.5", "--rescaled", "--time", "2",
                             "--sharpness", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        #expect(json["lambda_max"] is Double && json["hessian_trace"] is Double)
        #expect(json["gd_edge"] == nil && json["sam_edge"] == nil)
        let text = try CLI.run(["flow", "--mu", "1,2", "--time", "1", "--sharpness"])
        #expect(text.stdout.contains("sharpness: lambda_max "))
    }

    @Test func badSharpnessValueIsOneLine() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("cfg.json")
        try #"{"lr": 0.1, "sharpness": "yes"}"#.write(to: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run(["train", "--config", config.path, "--out", out])
        #expect(r.status == 2)
        #expect(r.stderr == "samlab: \(config.path): wrong type at 'sharpness' (expected true or false)\n", "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func sweepsKeepTheFinalSharpness() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepCommandTests.write("""
        {"kind": "train", "base": {"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "l2-sam", "steps": 50, "sharpness": true},
         "axes": [{"key": "rho", "values": [0, 0.5]}], "keep": ["status", "lambda_max", "hessian_trace", "sam_edge", "gd_edge"]}
        """, in: dir)
        let out = dir.appendingPathComponent("sweep").path
        let r = try CLI.run(["sweep", "run", spec, "--out", out, "--jobs", "1", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let records = try SweepCommandTests.lines(out).map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(records.count == 2)
        for record in records {
            let result = try #require(record["result"] as? [String: Any])
            #expect(result["lambda_max"] is Double && result["hessian_trace"] is Double)
            let rho = try #require((record["axes"] as? [String: Any])?["rho"] as? Double)
            // rho = 0: sam_edge is GD's edge 2/eta (eta = 0.1 by default).
            if rho == 0 { #expect(result["sam_edge"] as? Double == 20 && result["gd_edge"] as? Double == 20) }
        }
        // The summary's values are the run's own: the same point run by `train`.
        let train = try CLI.run(["train", "--mu", "1,2", "--optimizer", "l2-sam", "--rho", "0.5", "--steps", "50", "--sharpness", "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: train.stdoutData) as? [String: Any])
        let point = try #require(records.first { ($0["axes"] as? [String: Any])?["rho"] as? Double == 0.5 }?["result"] as? [String: Any])
        #expect(point["lambda_max"] as? Double == summary["lambda_max"] as? Double)

        for (base, keep, message) in [
            (#"{"optimizer": "l2-sam"}"#, "lambda_max", #"keep: 'lambda_max' needs "sharpness": true in 'base'"#),
            (#"{"optimizer": "gd", "sharpness": true}"#, "sam_edge", "keep: 'sam_edge' is kept only by discrete l2-SAM runs"),
        ] {
            let bad = try SweepCommandTests.write(#"{"kind": "train", "base": \#(base), "axes": [{"key": "rho", "values": [0.1]}], "keep": ["\#(keep)"]}"#,
                                                  in: dir, name: "bad.json")
            let refused = try CLI.run(["sweep", "run", bad, "--out", dir.appendingPathComponent("bad").path])
            #expect(refused.status == 2 && refused.stderr.contains(message) && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        }
    }

    /// `vision train --sharpness-every`: history.csv gains lambda_max at epoch ends, sharpness.csv and summary.json
    /// hold every measurement; without the flag history.csv keeps its columns. Bad values are one line, exit 2.
    @Test func visionRecordsSharpness() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try VisionCommandTests.writeIDX(to: dir, count: 16, size: 12)
        let common = ["vision", "train", "--data-dir", dir.path, "--batch-size", "8", "--epochs", "2", "--conv-channels", "2", "--hidden", "4"]
        let run = dir.appendingPathComponent("run").path
        let r = try CLI.run(common + ["--out", run, "--sharpness-every", "3", "--sharpness-images", "8"])
        #expect(r.status == 0, "\(r.stderr)")
        let history = try String(contentsOfFile: run + "/history.csv", encoding: .utf8).split(separator: "\n")
        // The columns before the sharpness keep their names and order; lambda_max, then grad_norm, gd_edge, sam_edge.
        #expect(history.first == "epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy,lambda_max,grad_norm,gd_edge,sam_edge")
        let fields = history.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(history.count == 3 && fields.allSatisfy { $0.count == 10 && Double($0[6]) != nil })
        // SGD at the default lr 0.05: a positive gradient norm, GD's edge 2/eta = 40, no SAM edge.
        #expect(fields.allSatisfy { (Double($0[7]) ?? 0) > 0 && $0[8] == "40.0" && $0[9].isEmpty }, "\(fields)")
        let series = try #require(try VisionCommandTests.json(run + "/summary.json")["sharpness"] as? [String: Any])
        #expect(series["every_steps"] as? Int == 3 && series["images"] as? Int == 8)
        let csv = try String(contentsOfFile: run + "/sharpness.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "step,epoch,images,lambda_max,iterations,converged,grad_norm,gd_edge,sam_edge")
        // 2 steps per epoch: step 0, the epoch ends 2 and 4, and step 3.
        #expect(csv.dropFirst().map { $0.split(separator: ",").first.map(String.init) } == ["0", "2", "3", "4"])
        // The epoch-end values of history.csv are the series' at steps 2 and 4.
        #expect(fields[1][6] == csv[4].split(separator: ",")[3] && fields[1][7] == csv[4].split(separator: ",")[6])

        // l2-SAM records its edge, 4 / (eta (1 + sqrt(1 + 8 rho / (eta ||g||)))) at the recorded ||g||, below 2/eta.
        let sam = dir.appendingPathComponent("sam").path
        let s = try CLI.run(common + ["--out", sam, "--optimizer", "l2-sam", "--rho", "0.5", "--sharpness-every", "3", "--sharpness-images", "8"])
        #expect(s.status == 0, "\(s.stderr)")
        let samRows = try String(contentsOfFile: sam + "/sharpness.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) } }
        #expect(samRows.count == 4)
        for row in samRows {
            let norm = try #require(row[6]), gdEdge = try #require(row[7]), edge = try #require(row[8])
            let expected = 4 / (0.05 * (1 + (1 + 8 * 0.5 / (0.05 * norm)).squareRoot()))
            #expect(abs(edge - expected) <= 1e-12 * expected && edge < gdEdge && gdEdge == 40, "\(row)")
        }

        let plain = dir.appendingPathComponent("plain").path
        #expect(try CLI.run(common + ["--out", plain]).status == 0)
        #expect(try String(contentsOfFile: plain + "/history.csv", encoding: .utf8).hasPrefix("epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy\n"))
        #expect(!FileManager.default.fileExists(atPath: plain + "/sharpness.csv"))
        // The trained parameters do not depend on the measurement.
        let a = try VisionCommandTests.json(run + "/checkpoint.json"), b = try VisionCommandTests.json(plain + "/checkpoint.json")
        #expect(a["parameters"] as? String == b["parameters"] as? String)

        for (flags, words) in [(["--sharpness-every", "-1"], ["--sharpness-every"]), (["--sharpness-every", "1", "--sharpness-images", "0"], ["--sharpness-images"]),
                               (["--sharpness-every", "1", "--sharpness-images", "100"], ["--sharpness-images", "16"])] {
            let bad = dir.appendingPathComponent("bad").path
            VisionCommandTests.expectOneLineError(try CLI.run(common + ["--out", bad] + flags), mentioning: words)
            #expect(!FileManager.default.fileExists(atPath: bad))
        }
    }
}
