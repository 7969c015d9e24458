import Foundation
import SAMCore

/// Everything that decides a SAMVision training run. Codable so it is saved with the run and its checkpoints.
public struct VisionTrainingConfig: Codable, Sendable, Equatable {
    /// The network trained.
    public var architecture: Architecture
    /// SGD or a SAM rule (see `VisionOptimizer`).
    public var optimizer: VisionOptimizer
    /// Step size eta of the update w <- w - eta g, with g taken at w + eps for SAM (THEORY.md §1.4); positive,
    /// applied in Float32.
    public var learningRate: Double
    /// SAM radius (ignored by SGD).
    public var rho: Double
    /// The rule's parameters beyond rho by key (`asam_eta`, `p`; p = inf is saved as "inf"), or nil when none was
    /// given: keys left out take the rule's defaults, and a configuration without any is saved without the key, as
    /// before rules had parameters.
    public var ruleParameters: [String: RuleParameterValue]?
    /// Examples per step; 0 means full batch (one step per epoch on the whole training set).
    public var batchSize: Int
    /// Passes over the training set; 0 makes a run that is complete from the start.
    public var epochs: Int
    /// Seeds both the initialization and each epoch's shuffle.
    public var seed: UInt64

    /// A configuration from its fields, checked when a `TrainingRun` is made from it. The defaults train
    /// `Architecture.mnistDefault` with SGD at learning rate 0.05 for one epoch in batches of 128, seed 0.
    public init(architecture: Architecture = .mnistDefault, optimizer: VisionOptimizer = .sgd, learningRate: Double = 0.05,
                rho: Double = 0.05, ruleParameters: [String: Double] = [:], batchSize: Int = 128, epochs: Int = 1, seed: UInt64 = 0) {
        self.architecture = architecture
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.rho = rho
        self.ruleParameters = ruleParameters.isEmpty ? nil : Dictionary(uniqueKeysWithValues: ruleParameters.map { ($0.key, RuleParameterValue($0.value, key: $0.key)) })
        self.batchSize = batchSize
        self.epochs = epochs
        self.seed = seed
    }

    /// `ruleParameters` as numbers (empty when none was given).
    public var parameterValues: [String: Double] { ruleParameters?.mapValues(\.value) ?? [:] }

    func validate() throws(InvalidInput) {
        _ = try architecture.featureSize()
        guard learningRate > 0, learningRate.isFinite else { throw InvalidInput("learning rate must be positive, got \(learningRate)") }
        guard rho >= 0, rho.isFinite else { throw InvalidInput("rho must be non-negative, got \(rho)") }
        do { _ = try optimizer.rule(rho: rho, parameters: parameterValues) } catch { throw InvalidInput("\(optimizer): \(error)") }
        guard batchSize >= 0 else { throw InvalidInput("batch size must be 0 (full batch) or positive, got \(batchSize)") }
        guard epochs >= 0 else { throw InvalidInput("epochs must be non-negative, got \(epochs)") }
    }
}

/// What one epoch did: the mean training loss/accuracy over its steps (measured at the unperturbed weights before
/// each update) and the test loss/accuracy after it.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// The epoch's number, from 1.
    public var epoch: Int
    /// Steps taken in the epoch.
    public var steps: Int
    /// Mean cross-entropy over the epoch's training examples, each batch's measured before its update.
    public var trainLoss: Double
    /// Fraction of the epoch's training examples classified correctly, each batch's before its update.
    public var trainAccuracy: Double
    /// Mean cross-entropy on the test set after the epoch.
    public var testLoss: Double
    /// Fraction of the test set classified correctly after the epoch.
    public var testAccuracy: Double
}

/// How far an unfinished epoch got: its position in the epoch's shuffled order and the sums its `EpochRecord`
/// will average. Saved in mid-epoch checkpoints so that the resumed epoch ends with the same record.
public struct EpochProgress: Codable, Sendable, Equatable {
    /// Steps taken in this epoch.
    public var steps: Int = 0
    /// Examples used so far, i.e. the position in the epoch's order where the next batch starts.
    public var examples: Int = 0
    /// Sum over steps of (mean batch loss x batch size).
    public var lossSum: Double = 0
    /// Training examples classified correctly so far in this epoch.
    public var correct: Int = 0

    /// The position at the start of an epoch: everything zero.
    public init() {}
}

/// A training run: its configuration, per-epoch records, status and current parameters.
///
/// It is also the checkpoint. Parameters are stored as base64 of their little-endian IEEE bit patterns, not as
/// decimal numbers, so a restored run has exactly the same bits; each epoch's shuffle is derived from (seed,
/// epoch) alone and a mid-epoch checkpoint keeps its position (`epochProgress`), so a resumed run continues bit
/// for bit wherever it stopped.
public struct TrainingRun: Codable, Sendable, Equatable {
    /// The configuration the run trains with.
    public var config: VisionTrainingConfig
    /// `.completed`, `.interrupted` (epochs left, or stopped early) or `.diverged` (see `note`).
    public var status: RunStatus
    /// Epochs finished.
    public var completedEpochs: Int
    /// Training steps taken in all, over every epoch.
    public var steps: Int
    /// One record per completed epoch, in order.
    public var records: [EpochRecord]
    /// The current flat parameters, layer after layer as in `Network.parameters`; for a diverged run, the
    /// last finite ones.
    public var parameters: [Float]
    /// Why the run stopped early, if it did.
    public var note: String?
    /// Set when the run stopped inside epoch `completedEpochs + 1`; nil at epoch boundaries.
    public var epochProgress: EpochProgress?
    /// The Grad-CAM foreground share over training, if it was measured (`train(observer:)`).
    public var camShare: ForegroundShareSeries?
    /// lambda_max of the training loss over training, if it was measured (`train(sharpness:)`).
    public var sharpness: VisionSharpnessSeries?
    /// The unit eigenvector estimate of the last sharpness measurement, in Float32: the next measurement's warm start
    /// (`observeSharpness`). Saved in the checkpoint (base64 like `parameters`), so a resumed run measures the same bits.
    public var sharpnessStart: [Float]?

    /// A fresh run with He-initialized parameters from `config.seed` (status `.interrupted` until trained).
    public init(config: VisionTrainingConfig) throws(InvalidInput) {
        try config.validate()
        self.config = config
        status = config.epochs == 0 ? .completed : .interrupted
        completedEpochs = 0
        steps = 0
        records = []
        parameters = try Network(architecture: config.architecture, seed: config.seed).parameters
    }

    /// A network holding this run's current parameters.
    public func makeNetwork() throws(InvalidInput) -> Network {
        let net = try Network(architecture: config.architecture, seed: config.seed)
        guard net.parameterCount == parameters.count else {
            throw InvalidInput("checkpoint has \(parameters.count) parameters but its architecture needs \(net.parameterCount)")
        }
        net.parameters = parameters
        return net
    }

    // MARK: Checkpoints

    /// Writes the run as JSON to `path`, atomically (the file is replaced whole or not at all).
    public func save(to path: String) throws(InvalidInput) {
        try AtomicFile.write(try JSONOutput.encode(self), to: path)
    }

    /// Reads a run saved by `save(to:)` and checks that its parameter count fits its architecture.
    public static func load(from path: String) throws(InvalidInput) -> TrainingRun {
        let run = try JSONOutput.decode(TrainingRun.self, from: try InputFile.read(path), source: path)
        do { _ = try run.makeNetwork() } catch { throw InvalidInput("\(path): \(error.message)") }
        return run
    }

    private enum CodingKeys: String, CodingKey {
        case config, status, completedEpochs, steps, records, parameters, parameterCount, note, epochProgress, camShare, sharpness
        case sharpnessStart
    }

    /// Reads the JSON form: `parameters` (and `sharpnessStart`, when present) is base64 of `parameterCount`
    /// little-endian Float32 bit patterns; `note`, `epochProgress`, `camShare`, `sharpness` and `sharpnessStart` may be
    /// absent (older checkpoints have no position or series).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        config = try c.decode(VisionTrainingConfig.self, forKey: .config)
        status = try c.decode(RunStatus.self, forKey: .status)
        completedEpochs = try c.decode(Int.self, forKey: .completedEpochs)
        steps = try c.decode(Int.self, forKey: .steps)
        records = try c.decode([EpochRecord].self, forKey: .records)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        // Absent from checkpoints written before these existed: those stopped at epoch ends, without a series.
        epochProgress = try c.decodeIfPresent(EpochProgress.self, forKey: .epochProgress)
        camShare = try c.decodeIfPresent(ForegroundShareSeries.self, forKey: .camShare)
        sharpness = try c.decodeIfPresent(VisionSharpnessSeries.self, forKey: .sharpness)
        let count = try c.decode(Int.self, forKey: .parameterCount)
        guard let values = Self.floats(base64: try c.decode(String.self, forKey: .parameters), count: count) else {
            throw DecodingError.dataCorruptedError(forKey: .parameters, in: c,
                debugDescription: "parameters are not base64 of \(count) Float32 values")
        }
        parameters = values
        if let text = try c.decodeIfPresent(String.self, forKey: .sharpnessStart) {
            guard let start = Self.floats(base64: text, count: count) else {
                throw DecodingError.dataCorruptedError(forKey: .sharpnessStart, in: c,
                    debugDescription: "sharpnessStart is not base64 of \(count) Float32 values")
            }
            sharpnessStart = start
        }
    }

    /// `count` Float32 values from base64 of their little-endian bit patterns; nil when the text is not that.
    static func floats(base64 text: String, count: Int) -> [Float]? {
        guard let data = Data(base64Encoded: text), data.count == 4 * count else { return nil }
        let bytes = [UInt8](data)
        return (0..<count).map { i in
            let b = 4 * i
            return Float(bitPattern: UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24)
        }
    }

    /// Base64 of the little-endian Float32 bit patterns of `values`.
    static func base64(_ values: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 * values.count)
        for p in values {
            let v = p.bitPattern
            bytes.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)])
        }
        return Data(bytes).base64EncodedString()
    }

    /// Writes the JSON form: the fields by name, `parameterCount`, and `parameters` as base64 of the
    /// little-endian Float32 bit patterns; absent optionals are left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(config, forKey: .config)
        try c.encode(status, forKey: .status)
        try c.encode(completedEpochs, forKey: .completedEpochs)
        try c.encode(steps, forKey: .steps)
        try c.encode(records, forKey: .records)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encodeIfPresent(epochProgress, forKey: .epochProgress)
        try c.encodeIfPresent(camShare, forKey: .camShare)
        try c.encodeIfPresent(sharpness, forKey: .sharpness)
        try c.encode(parameters.count, forKey: .parameterCount)
        try c.encode(Self.base64(parameters), forKey: .parameters)
        try c.encodeIfPresent(sharpnessStart.map(Self.base64), forKey: .sharpnessStart)
    }
}
