import Foundation
import SAMCore

/// Training throughput of the default CNN, the measurement behind `samlab bench cnn` (peer:
/// bench/python/cnn_torch.py, the same network, data, batch and optimizers in PyTorch).
public enum CNNBenchmark {
    /// What `throughput(optimizer:train:batch:steps:repeats:seed:)` measured.
    public struct Throughput: Sendable {
        /// The optimizer timed.
        public var optimizer: VisionOptimizer
        /// batch x steps training images divided by the best repeat's wall-clock seconds (a SAM step's two
        /// passes count its images once).
        public var imagesPerSecond: Double
        /// Peak resident memory while training (dataset included), nil where the OS does not say.
        public var peakResidentBytes: Int?
    }

    /// What `epoch(optimizer:train:test:batch:seed:)` measured.
    public struct Epoch: Sendable {
        /// The optimizer timed.
        public var optimizer: VisionOptimizer
        /// Wall-clock seconds of the epoch, from building the network to the test evaluation after it.
        public var seconds: Double
        /// Fraction of `test` classified correctly after the epoch, in [0, 1].
        public var testAccuracy: Double
    }

    /// Best of `repeats` timings of `steps` steps of `batch` images on the first training images, each from a
    /// freshly initialized network (so setup is included, as it is for the peer), after one untimed warm-up run.
    public static func throughput(optimizer: VisionOptimizer, train: ImageSet, batch: Int = 128, steps: Int = 40,
                                  repeats: Int = 3, seed: UInt64 = 1) throws(InvalidInput) -> Throughput {
        guard batch >= 1, steps >= 1, repeats >= 1 else { throw InvalidInput("batch, steps and repeats must be at least 1") }
        guard train.count >= batch * steps else {
            throw InvalidInput("\(batch * steps) training images needed for \(steps) steps of \(batch), only \(train.count)")
        }
        let subset = train.prefix(batch * steps)
        let probe = train.prefix(1)
        let config = VisionTrainingConfig(optimizer: optimizer, batchSize: batch, epochs: 1, seed: seed)
        ProcessMemory.resetPeak()
        var warm = try TrainingRun(config: config)
        try warm.train(on: train.prefix(batch * min(steps, 3)), test: probe)
        var best = Double.infinity
        for _ in 0..<repeats {
            var run = try TrainingRun(config: config)
            let start = DispatchTime.now().uptimeNanoseconds
            try run.train(on: subset, test: probe)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            guard run.status == .completed else { throw InvalidInput("benchmark run ended \(run.status.rawValue): \(run.note ?? "")") }
        }
        return Throughput(optimizer: optimizer, imagesPerSecond: Double(subset.count) / best,
                          peakResidentBytes: ProcessMemory.peakResidentBytes())
    }

    /// One shuffled epoch over all of `train` from a fresh network, then test accuracy.
    public static func epoch(optimizer: VisionOptimizer, train: ImageSet, test: ImageSet, batch: Int = 128,
                             seed: UInt64 = 1) throws(InvalidInput) -> Epoch {
        var run = try TrainingRun(config: VisionTrainingConfig(optimizer: optimizer, batchSize: batch, epochs: 1, seed: seed))
        let start = DispatchTime.now().uptimeNanoseconds
        try run.train(on: train, test: test)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        guard run.status == .completed, let record = run.records.last else {
            throw InvalidInput("benchmark epoch ended \(run.status.rawValue): \(run.note ?? "")")
        }
        return Epoch(optimizer: optimizer, seconds: seconds, testAccuracy: record.testAccuracy)
    }
}
