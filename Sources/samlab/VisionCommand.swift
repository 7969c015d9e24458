import ArgumentParser
import Foundation
import SAMCore
import SAMExperiments
import SAMPlot
import SAMVision

extension VisionOptimizer: ExpressibleByArgument {}

struct VisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vision",
        abstract: "A CNN on MNIST-format images (default: Fashion-MNIST from Debian) trained with SGD or SAM, seen through Grad-CAM.",
        subcommands: [VisionTrain.self, VisionGradCAM.self]
    )
}

struct VisionTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the default CNN; writes summary.json, history.csv and checkpoint.json (resumable bit for bit) to --out."
    )

    @Option(name: .customLong("data-dir"), parsing: .unconditional,
            help: "MNIST-format directory (train/t10k images and labels, raw or .gz). (default: \(MNISTDataset.fashionMNISTDirectory))")
    var dataDirectory: String = MNISTDataset.fashionMNISTDirectory
    @Option(name: .customLong("optimizer"), parsing: .unconditional, help: "sgd, l2-sam or linf-sam.") var optimizer: VisionOptimizer = .sgd
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Step size.") var learningRate: Double = 0.05
    @Option(name: .customLong("rho"), parsing: .unconditional, help: "SAM radius.") var rho: Double = 0.05
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Examples per step; 0 = full batch (GD, as in the theory).") var batchSize: Int = 128
    @Option(name: .customLong("epochs"), parsing: .unconditional, help: "Epochs.") var epochs: Int = 1
    @Option(name: .customLong("seed"), parsing: .unconditional, help: "Seed of the initialization and the shuffling.") var seed: UInt64 = 1
    @Option(name: .customLong("train-limit"), parsing: .unconditional, help: "Use only the first N training and N/6 test images (quick runs). (default: all)") var trainLimit: Int?
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Run directory.") var out: String
    @Flag(name: .customLong("resume"), help: "Continue from --out's checkpoint.json.") var resume = false

    func run() throws {
        if let trainLimit { guard trainLimit >= 1 else { throw InvalidInput("--train-limit must be at least 1 (got \(trainLimit))") } }
        let config = VisionTrainingConfig(optimizer: optimizer, learningRate: learningRate, rho: rho, batchSize: batchSize, epochs: epochs, seed: seed)
        var run = try TrainingRun(config: config)
        let data = try MNISTDataset(directory: dataDirectory)
        let train = trainLimit.map { data.train.prefix($0) } ?? data.train
        let test = trainLimit.map { data.test.prefix(max(1, $0 / 6)) } ?? data.test
        try AtomicFile.makeDirectory(out)
        let checkpoint = (out as NSString).appendingPathComponent("checkpoint.json")
        if resume, FileManager.default.fileExists(atPath: checkpoint) {
            let saved = try TrainingRun.load(from: checkpoint)
            guard saved.config == config else { throw InvalidInput("\(checkpoint) was written with a different configuration") }
            run = saved
            Terminal.note("resuming after epoch \(run.completedEpochs)")
        }
        let start = Date()
        try run.train(on: train, test: test) { r throws(InvalidInput) in
            try r.save(to: checkpoint)
            if let last = r.records.last {
                Terminal.note("epoch \(last.epoch): train loss \(last.trainLoss), test accuracy \(last.testAccuracy) (\(Int(Date().timeIntervalSince(start))) s)")
            }
        }
        try run.save(to: checkpoint)
        var csv = "epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy\n"
        for r in run.records { csv += "\(r.epoch),\(r.steps),\(r.trainLoss),\(r.trainAccuracy),\(r.testLoss),\(r.testAccuracy)\n" }
        try AtomicFile.write(csv, to: (out as NSString).appendingPathComponent("history.csv"))
        let summary = VisionSummary(status: run.status.rawValue, note: run.note, epochs: run.completedEpochs, steps: run.steps,
                                    testAccuracy: run.records.last?.testAccuracy, testLoss: run.records.last?.testLoss,
                                    trainLoss: run.records.last?.trainLoss, dataDirectory: dataDirectory, trainImages: train.count,
                                    testImages: test.count, config: config)
        try AtomicFile.write(try JSONOutput.encode(summary), to: (out as NSString).appendingPathComponent("summary.json"))
        print("status \(run.status.rawValue); test accuracy \(run.records.last.map { "\($0.testAccuracy)" } ?? "-"); run in \(out)")
    }
}

struct VisionSummary: Codable {
    var status: String
    var note: String?
    var epochs: Int
    var steps: Int
    var testAccuracy: Double?
    var testLoss: Double?
    var trainLoss: Double?
    var dataDirectory: String
    var trainImages: Int
    var testImages: Int
    var config: VisionTrainingConfig

    enum CodingKeys: String, CodingKey {
        case status, note, epochs, steps, testAccuracy = "test_accuracy", testLoss = "test_loss", trainLoss = "train_loss"
        case dataDirectory = "data_dir", trainImages = "train_images", testImages = "test_images", config
    }
}

struct VisionGradCAM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcam",
        abstract: "Grad-CAM of trained runs on the same test images: a figure (input / CAM per run) and the share of CAM mass on foreground pixels with a 95% interval."
    )

    @Argument(help: "Run directories written by samlab vision train.") var runs: [String]
    @Option(name: .customLong("images"), parsing: .unconditional, help: "Test images to average over.") var images: Int = 200
    @Option(name: .customLong("shown"), parsing: .unconditional, help: "Images shown in the figure.") var shown: Int = 4
    @Option(name: .customLong("threshold"), parsing: .unconditional, help: "Foreground: input intensity above this.") var threshold: Double = 0.1
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Output directory for gradcam.svg/.png/.json and gradcam.csv.") var out: String

    func run() throws {
        guard !runs.isEmpty else { throw InvalidInput("give at least one run directory") }
        guard images >= 1, shown >= 1 else { throw InvalidInput("--images and --shown must be at least 1") }
        var panels: [Panel] = []
        var csv = "run,optimizer,images,foreground_share_mean,ci95_low,ci95_high,degenerate_maps\n"
        var testSet: ImageSet?
        var loaded: [(String, TrainingRun, Network)] = []
        for dir in runs {
            let run = try TrainingRun.load(from: (dir as NSString).appendingPathComponent("checkpoint.json"))
            let summary = try JSONOutput.decode(VisionSummary.self, from: try InputFile.read((dir as NSString).appendingPathComponent("summary.json")),
                                                source: dir + "/summary.json")
            if testSet == nil { testSet = try MNISTDataset(directory: summary.dataDirectory).test }
            loaded.append((dir, run, try run.makeNetwork()))
        }
        let test = testSet!
        let n = min(images, test.count)
        for k in 0..<min(shown, n) {
            let image = test.image(k)
            panels.append(ImagePanel.make(image.map(Double.init), height: test.height, width: test.width, title: k == 0 ? "input" : nil, colorMap: .grays))
            for (dir, run, net) in loaded {
                let cam = GradCAM.compute(network: net, image: image)
                panels.append(ImagePanel.make(cam.map.map(Double.init), height: cam.height, width: cam.width,
                                              title: k == 0 ? "\(run.config.optimizer.rawValue) (\((dir as NSString).lastPathComponent))" : nil,
                                              colorMap: .viridis))
            }
        }
        for (dir, run, net) in loaded {
            var shares = [Double](), degenerate = 0
            for i in 0..<n {
                let cam = GradCAM.compute(network: net, image: test.image(i))
                if cam.status != .ok { degenerate += 1; continue }
                shares.append(cam.foregroundShare(image: test.image(i), threshold: Float(threshold)))
            }
            let mean = shares.reduce(0, +) / Double(max(1, shares.count))
            let sd = (shares.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, shares.count - 1))).squareRoot()
            let half = 1.96 * sd / Double(max(1, shares.count)).squareRoot()
            csv += "\(dir),\(run.config.optimizer.rawValue),\(n),\(mean),\(mean - half),\(mean + half),\(degenerate)\n"
            print("\(dir) (\(run.config.optimizer.rawValue)): foreground share \(String(format: "%.3f", mean)) ± \(String(format: "%.3f", half)) over \(shares.count) images (\(degenerate) degenerate maps)")
        }
        try AtomicFile.makeDirectory(out)
        let figure = Figure(title: "Grad-CAM on the last conv layer", width: Double(180 * (loaded.count + 1)), height: Double(170 * min(shown, n) + 60),
                            columns: loaded.count + 1, panels: panels)
        let rendered = SVGRenderer.render(figure)
        try rendered.writeSVG(to: URL(fileURLWithPath: out + "/gradcam.svg"))
        try figure.save(to: URL(fileURLWithPath: out + "/gradcam.json"))
        if PNGExport.isAvailable { try rendered.writePNG(to: URL(fileURLWithPath: out + "/gradcam.png")) }
        try AtomicFile.write(csv, to: out + "/gradcam.csv")
    }
}
