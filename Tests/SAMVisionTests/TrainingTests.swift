import Foundation
import Testing
import SAMCore
@testable import SAMVision

@Suite struct TrainingTests {
    let tiny = Architecture(inputHeight: 8, inputWidth: 8, convChannels: [4], hidden: 8, classes: 2)
    let train = barImages(count: 64, seed: 1)
    let test = barImages(count: 32, seed: 2)

    func config(_ optimizer: VisionOptimizer, epochs: Int = 6, seed: UInt64 = 3) -> VisionTrainingConfig {
        VisionTrainingConfig(architecture: tiny, optimizer: optimizer, learningRate: 0.1,
                             // l_inf's eps has l2 norm rho sqrt(#parameters), so it needs a much smaller radius.
                             rho: optimizer == .linfSAM ? 0.002 : 0.05, batchSize: 16,
                             epochs: epochs, seed: seed)
    }

    @Test(arguments: VisionOptimizer.allCases) func reducesLoss(optimizer: VisionOptimizer) throws {
        var run = try TrainingRun(config: config(optimizer, epochs: 12))
        let before = try run.makeNetwork().evaluate(train).loss
        try run.train(on: train, test: test)
        let after = try run.makeNetwork().evaluate(train).loss
        #expect(run.status == .completed)
        #expect(run.records.count == 12 && run.steps == 48)
        #expect(after < 0.7 * before)
        #expect(run.records.last!.testAccuracy > 0.8)
        #expect(run.records.last!.trainLoss < run.records.first!.trainLoss)
    }

    /// A batch larger than the chunk limit is pushed through in chunks; the combined loss, count and gradient must
    /// be those of the whole batch at once (up to Float rounding of the weighted sum).
    @Test func chunkedGradientEqualsWholeBatchGradient() throws {
        let net = try TrainingRun(config: config(.sgd)).makeNetwork()
        let indices = Array(0..<train.count)[...]
        let whole = try TrainingRun.batchGradient(net, train, indices, chunk: train.count)
        let chunked = try TrainingRun.batchGradient(net, train, indices, chunk: 7)
        #expect(abs(whole.loss - chunked.loss) < 1e-6 * abs(whole.loss))
        #expect(whole.correct == chunked.correct)
        let scale = whole.gradient.map { abs($0) }.max()!
        #expect(scale > 0)
        #expect(zip(whole.gradient, chunked.gradient).allSatisfy { abs($0 - $1) <= 1e-5 * scale })
    }

    @Test func fullBatchTakesOneStepPerEpoch() throws {
        var c = config(.l2SAM, epochs: 2)
        c.batchSize = 0
        var run = try TrainingRun(config: c)
        try run.train(on: train, test: test)
        #expect(run.steps == 2 && run.records.map(\.steps) == [1, 1])
    }

    @Test func sameSeedSameBytes() throws {
        var a = try TrainingRun(config: config(.l2SAM, epochs: 2))
        var b = try TrainingRun(config: config(.l2SAM, epochs: 2))
        try a.train(on: train, test: test)
        try b.train(on: train, test: test)
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        #expect(try JSONOutput.encode(a) == JSONOutput.encode(b))
        let other = try TrainingRun(config: config(.l2SAM, epochs: 2, seed: 4))
        #expect(other.parameters != a.parameters)
    }

    @Test func checkpointResumeIsBitForBit() throws {
        var straight = try TrainingRun(config: config(.linfSAM, epochs: 3))
        try straight.train(on: train, test: test)

        let path = temporaryDirectory() + "/run.json"
        var first = try TrainingRun(config: config(.linfSAM, epochs: 3))
        try first.train(on: train, test: test, untilEpoch: 1, checkpoint: { run throws(InvalidInput) in try run.save(to: path) })
        #expect(first.completedEpochs == 1 && first.status == .interrupted)
        var resumed = try TrainingRun.load(from: path)
        #expect(resumed == first)
        try resumed.train(on: train, test: test)
        #expect(resumed.parameters.map(\.bitPattern) == straight.parameters.map(\.bitPattern))
        #expect(resumed.records == straight.records)
        #expect(resumed.status == .completed)
    }

    @Test func corruptCheckpointIsAnError() throws {
        let path = temporaryDirectory() + "/run.json"
        var run = try TrainingRun(config: config(.sgd, epochs: 1))
        run.parameters.removeLast()
        try run.save(to: path)
        let error = #expect(throws: InvalidInput.self) { try TrainingRun.load(from: path) }
        #expect(error?.message.contains(path) == true)
    }

    @Test func divergenceKeepsLastGoodParameters() throws {
        var c = config(.sgd, epochs: 3)
        c.learningRate = 1e38
        var run = try TrainingRun(config: c)
        try run.train(on: train, test: test)
        #expect(run.status == .diverged)
        #expect(run.note != nil)
        #expect(run.parameters.allSatisfy { $0.isFinite })
        #expect(run.completedEpochs < 3)
    }

    @Test func badInputsAreErrors() throws {
        var c = config(.sgd)
        c.learningRate = -1
        #expect(throws: InvalidInput.self) { try TrainingRun(config: c) }
        var run = try TrainingRun(config: config(.sgd))
        let wrongSize = try ImageSet(height: 2, width: 2, pixels: [0, 0, 0, 0], labels: [0])
        #expect(throws: InvalidInput.self) { try run.train(on: wrongSize, test: test) }
        // The test set is checked as well, before any step (it would otherwise fail inside the first evaluation).
        let error = #expect(throws: InvalidInput.self) { try run.train(on: train, test: wrongSize) }
        #expect(error?.message.contains("test images are 2x2") == true)
        #expect(run.steps == 0)
        let tooSmall = Architecture(inputHeight: 4, inputWidth: 4, convChannels: [2, 2], hidden: 3, classes: 2)
        #expect(throws: InvalidInput.self) { try Network(architecture: tooSmall, seed: 0) }
    }

    @Test func defaultArchitectureShape() throws {
        let net = try Network(architecture: .mnistDefault, seed: 0)
        let linear = net.layers.compactMap { $0 as? Linear }
        #expect(linear.map(\.inputs) == [1600, 128])
        #expect(net.parameterCount == (32 * 9 + 32) + (64 * 288 + 64) + (128 * 1600 + 128) + (10 * 128 + 10))
    }
}

@Suite struct PerturbationTests {
    @Test func l2NormIsRho() {
        let g = randomFloats(5000, seed: 8)
        let eps = VisionOptimizer.l2SAM.perturbation(gradient: g, rho: 0.3)!
        let norm = eps.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - 0.3) < 1e-5)
        // Same direction as g.
        #expect(zip(eps, g).allSatisfy { $0 * $1 >= 0 })
    }

    @Test func linfNormIsRho() {
        let g = randomFloats(5000, seed: 9)
        let eps = VisionOptimizer.linfSAM.perturbation(gradient: g, rho: 0.3)!
        #expect(eps.map { abs($0) }.max() == Float(0.3))
        #expect(zip(eps, g).allSatisfy { $0 * $1 > 0 })
    }

    @Test func zeroGradientGivesZeroPerturbation() {
        let g = [Float](repeating: 0, count: 10)
        #expect(VisionOptimizer.l2SAM.perturbation(gradient: g, rho: 0.3) == g)
        #expect(VisionOptimizer.linfSAM.perturbation(gradient: g, rho: 0.3) == g)
        #expect(VisionOptimizer.sgd.perturbation(gradient: g, rho: 0.3) == nil)
    }
}
