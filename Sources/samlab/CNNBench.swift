import ArgumentParser
import Foundation
import SAMCore
import SAMVision

/// `samlab bench cnn`: training images per second of the default CNN (batch 128, one thread), next to PyTorch.
struct CNNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn",
        abstract: "Training images/s of the default CNN for SGD and l2-SAM (batch 128, one BLAS thread) next to PyTorch CPU.",
        discussion: "The peer is bench/python/cnn_torch.py (same network, data, batch and optimizers; `make bench` runs it in .venv-torch)."
    )

    @Option(name: .customLong("data-dir"), parsing: .unconditional, help: "MNIST-format directory.")
    var dataDirectory: String = MNISTDataset.fashionMNISTDirectory
    @Option(name: .customLong("optimizers"), parsing: .unconditional, help: "Comma-separated optimizers to measure.")
    var optimizers: String = "sgd,l2-sam"
    @Option(name: .customLong("batch"), parsing: .unconditional, help: "Images per step.") var batch: Int = 128
    @Option(name: .customLong("steps"), parsing: .unconditional, help: "Steps per timing; best of --repeats.") var steps: Int = 40
    @Option(name: .customLong("repeats"), parsing: .unconditional, help: "Timings per optimizer.") var repeats: Int = 3
    @Flag(name: .customLong("epoch"), help: "Also train one full epoch per optimizer and report test accuracy.") var epoch = false
    @Option(name: .customLong("seeds"), parsing: .unconditional, help: "Seeds of the --epoch runs; accuracy is their mean (± sample sd).")
    var seeds: String = "1"
    @Option(name: .customLong("peers"), parsing: .unconditional,
            help: ArgumentHelp("JSON lines from bench/python/cnn_torch.py, printed alongside.", valueName: "file"))
    var peers: String?

    func run() throws {
        let chosen = try optimizers.split(separator: ",").map { name throws(InvalidInput) -> VisionOptimizer in
            guard let o = VisionOptimizer(rawValue: String(name)) else {
                throw InvalidInput("--optimizers: unknown optimizer '\(name)' (\(VisionOptimizer.acceptedNames.joined(separator: ", ")))")
            }
            return o
        }
        guard !chosen.isEmpty else { throw InvalidInput("--optimizers is empty") }
        for (flag, value) in [("--batch", batch), ("--steps", steps), ("--repeats", repeats)] where value < 1 {
            throw InvalidInput("\(flag) must be at least 1 (got \(value))")
        }
        let epochSeeds = try ValueParsing.numbers(seeds, flag: "--seeds").map { v throws(InvalidInput) -> UInt64 in
            guard v >= 0, v == v.rounded(), v < 1e15 else { throw InvalidInput("--seeds entries must be non-negative integers (got \(v))") }
            return UInt64(v)
        }
        let peerRows = try peers.map(Self.readPeers) ?? [:]
        let data = try MNISTDataset(directory: dataDirectory)
        print("samlab bench cnn: default CNN, batch \(batch), \(BLAS.threads) BLAS thread(s), OpenBLAS core \(BLAS.coreName) (\(BLAS.kernelNote)), \(DynamicsBench.today())")
        print("optimizer  swift img/s  torch img/s  swift/torch  swift peak MiB  torch peak MiB" + (epoch ? "  swift epoch s  torch epoch s  swift acc        torch acc" : ""))
        func col(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
        func f(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "-" }
        var details: [String] = []
        for optimizer in chosen {
            let t = try CNNBenchmark.throughput(optimizer: optimizer, train: data.train, batch: batch, steps: steps, repeats: repeats)
            let peer = peerRows[optimizer.rawValue]
            var line = col(optimizer.rawValue, 11) + col(f(t.imagesPerSecond, "%.0f"), 13) + col(f(peer?.imagesPerSecond, "%.0f"), 13)
                + col(peer.map { String(format: "%.2fx", t.imagesPerSecond / $0.imagesPerSecond) } ?? "-", 13)
                + col(f(t.peakResidentBytes.map { Double($0) / 1_048_576 }, "%.0f"), 15) + col(f(peer?.peakMiB, "%.0f"), 15)
            if epoch {
                let runs = try epochSeeds.map { seed throws(InvalidInput) in
                    try CNNBenchmark.epoch(optimizer: optimizer, train: data.train, test: data.test, batch: batch, seed: seed)
                }
                line += col(f(runs.map(\.seconds).min(), "%.1f"), 15) + col(f(peer?.epochSeconds, "%.1f"), 15)
                    + col(Self.percent(runs.map(\.testAccuracy)), 17) + (peer?.testAccuracies.map(Self.percent) ?? "-")
                func list(_ v: [Double]) -> String { v.map { String(format: "%.2f", 100 * $0) }.joined(separator: " ") }
                details.append("\(optimizer.rawValue) test accuracy by seed: swift \(list(runs.map(\.testAccuracy)))"
                               + (peer?.testAccuracies.map { "; torch \(list($0))" } ?? ""))
            }
            print(line)
        }
        print("img/s: best of \(repeats) runs of \(steps) steps from a fresh network; peak = resident high-water mark while training, dataset included.")
        for line in details { print(line) }
        if epoch { print("epoch s: fastest one-epoch run (training + test evaluation); acc: mean test accuracy ± sample sd over seeds \(seeds).") }
    }

    /// Mean ± sample standard deviation, in percent.
    static func percent(_ values: [Double]) -> String {
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return String(format: "%.2f%%", 100 * mean) }
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        return String(format: "%.2f±%.2f%%", 100 * mean, 100 * sd)
    }

    struct PeerRow {
        var imagesPerSecond: Double
        var peakMiB: Double?
        var epochSeconds: Double?
        var testAccuracies: [Double]?
    }

    static func readPeers(_ path: String) throws(InvalidInput) -> [String: PeerRow] {
        guard let text = String(data: try InputFile.read(path), encoding: .utf8) else { throw InvalidInput("\(path): not UTF-8") }
        var rows: [String: PeerRow] = [:]
        for line in text.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let optimizer = o["optimizer"] as? String, let rate = o["images_per_s"] as? Double else { continue }
            rows[optimizer] = PeerRow(imagesPerSecond: rate, peakMiB: o["peak_rss_mib"] as? Double,
                                      epochSeconds: o["epoch_seconds"] as? Double,
                                      testAccuracies: (o["test_accuracies"] as? [Double]) ?? (o["test_accuracy"] as? Double).map { [$0] })
        }
        return rows
    }
}
