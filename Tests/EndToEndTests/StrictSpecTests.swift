import Foundation
import Testing

/// One run specification, read strictly everywhere: `--config`, a sweep's `base`, its axes and nested data objects.
/// Every unknown or misspelt key, duplicate key or duplicate axis is refused before anything runs, with exit 2, one
/// line naming the JSON path (and the known keys), and nothing written.
@Suite struct StrictSpecTests {
    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let configs: [(command: String, json: String, message: String)] = [
        ("train", #"{"data": {"kind": "single", "mu": [1, 2]}, "stpes": 10}"#, "cfg.json: unknown key 'stpes' (known: data, param, depth, alpha, layer_init, width, seed, loss, optimizer, rho, record, sharpness, lr, steps, asam_eta, p, m, msam_norm, gsam_alpha)"),
        ("flow", #"{"data": {"kind": "single", "mus": [1, 2]}}"#, "cfg.json: data: unknown key 'mus' (known: kind, mu, mu_file)"),
        ("flow", #"{"data": {"kind": "gaussian", "n": 20, "mean": [1, 2], "sigma": 0.3, "seed": 7, "sigam": 1}}"#, "cfg.json: data: unknown key 'sigam'"),
        ("train", #"{"time": 3}"#, "cfg.json: time is a setting of flows, not of discrete runs"),
        ("flow", #"{"lr": 0.1}"#, "cfg.json: lr is a setting of discrete runs, not of flows"),
        ("train", #"{"lr": 0.1, "lr": 0.2}"#, "cfg.json: key 'lr' given twice"),
        ("train", #"{"optimizer": "adam"}"#, "optimizer: unknown name 'adam' (known: gd, l2-sam, linf-sam, usam, asam, lp-sam, msam, gsam)"),
        ("train", #"{"lr": -1}"#, "cfg.json: lr must be positive (got -1.0)"),
        ("flow", #"{"rho": "big"}"#, "cfg.json: wrong type at 'rho' (expected a number)"),
    ]

    @Test(arguments: configs.indices)
    func configIsReadStrictly(_ k: Int) throws {
        let (command, json, message) = Self.configs[k]
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = try Self.write(json, "cfg.json", in: dir)
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run([command, "--config", cfg, "--out", out])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Keys left out take their defaults everywhere: a config with only data and optimizer runs.
    @Test(arguments: ["train", "flow"])
    func configNeedsOnlyWhatItChanges(_ command: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = try Self.write(#"{"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "l2-sam"}"#, "cfg.json", in: dir)
        let r = try CLI.run([command, "--config", cfg, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        let config = try #require(summary["config"] as? [String: Any])
        #expect(config["optimizer"] as? String == "l2-sam" && config["rho"] as? Double == 0.1)
    }

    static let base = #"{"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "l2-sam", "rescaled": true, "time": 1}"#

    static let sweeps: [(json: String, message: String)] = [
        (#"{"kind": "flow", "base": {"stpes": 3}, "axes": [{"key": "alpha", "values": [1]}]}"#, "spec.json: base: unknown key 'stpes' (known: data, param, depth, alpha,"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "alpah", "values": [1]}]}"#, "spec.json: axes[0].key: unknown key 'alpah' (known: depth, alpha, rho, time,"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "lr", "values": [1]}]}"#, "spec.json: axes[0].key: unknown key 'lr'"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "alpha", "values": [1]}, {"key": "alpha", "values": [2]}]}"#, "spec.json: axes[1].key: 'alpha' is already axes[0]"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "rho", "values": [0.1, -1]}]}"#, "spec.json: axes[0] (rho = -1.0): rho must be non-negative (got -1.0)"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "time", "values": [1, 0]}]}"#, "spec.json: axes[0] (time = 0.0): time must be positive and finite (got 0.0)"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "alpha", "log": {"from": 0.1, "to": 1, "cont": 3}}]}"#, "spec.json: axes[0].log: unknown key 'cont' (known: from, to, count)"),
        (#"{"kind": "flow", "base": {"data": {"kind": "single", "mu": [1, 2], "sigma": 1}}, "axes": [{"key": "alpha", "values": [1]}]}"#, "spec.json: base: data: unknown key 'sigma' (known: kind, mu, mu_file)"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "alpha", "values": [1]}], "seeds": [1, 2]}"#, "spec.json: seeds: vary the seed of Gaussian data"),
        (#"{"kind": "train", "base": {"data": {"kind": "gaussian", "n": 60, "mean": [0.1, 0.1], "sigma": 2, "seed": 1}}, "axes": [{"key": "lr", "values": [0.1]}]}"#, "is not linearly separable through the origin"),
        (#"{"kind": "flow", "base": \#(base), "axes": [{"key": "alpha", "values": [1], "values": [2]}]}"#, "spec.json: axes[0]: key 'values' given twice"),
    ]

    @Test(arguments: sweeps.indices)
    func sweepSpecIsReadStrictly(_ k: Int) throws {
        let (json, message) = Self.sweeps[k]
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try Self.write(json, "spec.json", in: dir)
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["sweep", "run", spec, "--out", out])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// An axis over a data key reaches the data: `data.mu` of D_mu.
    @Test func axisOverADataKey() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = #"{"kind": "flow", "base": {"data": {"kind": "single", "mu": [1]}, "optimizer": "gd", "rescaled": true, "time": 1}, "axes": [{"key": "data.mu", "values": [1, 2]}], "keep": ["beta"]}"#
        let spec = try Self.write(json, "spec.json", in: dir)
        let r = try CLI.run(["sweep", "run", spec, "--out", dir.appendingPathComponent("out").path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOf: dir.appendingPathComponent("out/results.jsonl"), encoding: .utf8).split(separator: "\n")
        var betas: [Int: Double] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            betas[object["index"] as! Int] = ((object["result"] as! [String: Any])["beta"] as! [Double])[0]
        }
        // GD, rescaled, L = 2: beta = alpha^2 e^(2 mu s) with alpha = 0.5, s = 1.
        #expect(abs(betas[0]! - 0.25 * exp(2.0)) < 1e-8 * betas[0]!)
        #expect(abs(betas[1]! - 0.25 * exp(4.0)) < 1e-8 * betas[1]!)
    }
}
