import Testing
import SAMCore
@testable import SAMVision

/// The benchmark's bookkeeping (not its speed): it trains what it says, reports finite rates, and refuses
/// impossible requests.
// Serialized: throughput() resets the process-wide memory high-water mark, which the memory test reads.
@Suite(.serialized) struct CNNBenchmarkTests {
    /// Random 28x28 images with labels 0..<10, for the default network.
    func images(_ count: Int) throws -> ImageSet {
        try ImageSet(height: 28, width: 28, pixels: randomFloats(count * 784, seed: 11).map { min(1, max(0, $0 * 0.3 + 0.3)) },
                     labels: (0..<count).map { $0 % 10 })
    }

    @Test(arguments: [VisionOptimizer.sgd, .l2SAM]) func throughputIsMeasured(optimizer: VisionOptimizer) throws {
        let t = try CNNBenchmark.throughput(optimizer: optimizer, train: try images(8), batch: 4, steps: 2, repeats: 1)
        #expect(t.optimizer == optimizer)
        #expect(t.imagesPerSecond.isFinite && t.imagesPerSecond > 0)
        if let peak = t.peakResidentBytes, let now = ProcessMemory.residentBytes() { #expect(peak > 0 && now > 0) }
    }

    @Test func epochReportsAccuracy() throws {
        let e = try CNNBenchmark.epoch(optimizer: .sgd, train: try images(8), test: try images(5), batch: 4)
        #expect(e.seconds > 0 && (0...1).contains(e.testAccuracy))
    }

    @Test func impossibleRequestsAreRefused() throws {
        #expect(throws: InvalidInput.self) { try CNNBenchmark.throughput(optimizer: .sgd, train: try images(8), batch: 4, steps: 3) }
        #expect(throws: InvalidInput.self) { try CNNBenchmark.throughput(optimizer: .sgd, train: try images(8), batch: 0) }
    }

    /// Resident memory sees 64 MiB written here, and the high-water mark read afterwards is never below it (Linux;
    /// elsewhere both are nil). Other tests run alongside, so only these race-free relations are checked.
    @Test func peakMemoryIsAtLeastCurrent() {
        guard ProcessMemory.resetPeak(), ProcessMemory.peakResidentBytes() != nil else { return }
        let ballast = [UInt8](repeating: 1, count: 64 << 20)
        let now = ProcessMemory.residentBytes()!
        let peak = ProcessMemory.peakResidentBytes()!
        #expect(ballast.last == 1)
        #expect(now >= 64 << 20)
        #expect(peak >= now)
    }
}
