import Foundation
import Testing
import SAMCore
@testable import SAMVision

/// Mid-epoch checkpoints: stopping anywhere and resuming from the JSON file gives the same bits as not stopping.
@Suite struct CheckpointTests {
    let tiny = Architecture(inputHeight: 8, inputWidth: 8, convChannels: [4], hidden: 8, classes: 2)
    let train = barImages(count: 64, seed: 1)
    let test = barImages(count: 32, seed: 2)

    /// Batches of 10 over 64 images: 7 steps per epoch, the last one of 4 examples.
    func config(_ optimizer: VisionOptimizer, epochs: Int = 2) -> VisionTrainingConfig {
        VisionTrainingConfig(architecture: tiny, optimizer: optimizer, learningRate: 0.1, rho: 0.05, batchSize: 10, epochs: epochs, seed: 3)
    }

    func observer() throws -> ForegroundShareObserver {
        try ForegroundShareObserver(every: 2, images: test, count: 4, threshold: 0.5)
    }

    /// Saves and loads through checkpoint JSON, as a resumed process would.
    func roundTrip(_ run: TrainingRun) throws -> TrainingRun {
        let path = temporaryDirectory() + "/checkpoint.json"
        try run.save(to: path)
        return try TrainingRun.load(from: path)
    }

    func expectSame(_ a: TrainingRun, _ b: TrainingRun) {
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        #expect(a.records == b.records)
        #expect(a.steps == b.steps && a.completedEpochs == b.completedEpochs && a.status == b.status)
        #expect(a.camShare == b.camShare)
    }

    @Test(arguments: [VisionOptimizer.sgd, .l2SAM])
    func stoppingMidEpochAndResumingIsBitForBit(optimizer: VisionOptimizer) throws {
        var straight = try TrainingRun(config: config(optimizer))
        try straight.train(on: train, test: test, observer: observer())

        var run = try TrainingRun(config: config(optimizer))
        try run.train(on: train, test: test, untilStep: 3, observer: observer())
        #expect(run.status == .interrupted && run.steps == 3 && run.completedEpochs == 0)
        #expect(run.epochProgress?.steps == 3 && run.epochProgress?.examples == 30)
        #expect(run.records.isEmpty)
        var resumed = try roundTrip(run)
        #expect(resumed == run)
        // A second stop, in the next epoch, through the file again.
        try resumed.train(on: train, test: test, untilStep: 10, observer: observer())
        #expect(resumed.completedEpochs == 1 && resumed.epochProgress?.steps == 3)
        resumed = try roundTrip(resumed)
        try resumed.train(on: train, test: test, observer: observer())
        #expect(resumed.status == .completed && resumed.epochProgress == nil)
        expectSame(resumed, straight)
    }

    @Test func checkpointEverySavesInsideEpochs() throws {
        var straight = try TrainingRun(config: config(.l2SAM))
        try straight.train(on: train, test: test)

        var saved: [TrainingRun] = []
        var run = try TrainingRun(config: config(.l2SAM))
        try run.train(on: train, test: test, checkpointEvery: 2, checkpoint: { saved.append($0) })
        // Every 2 steps inside an epoch, plus each epoch end (steps 7 and 14).
        #expect(saved.map(\.steps) == [2, 4, 6, 7, 8, 10, 12, 14])
        #expect(saved.map { $0.epochProgress?.steps } == [2, 4, 6, nil, 1, 3, 5, nil])
        expectSame(run, straight)
        var resumed = try roundTrip(saved[5])
        try resumed.train(on: train, test: test)
        expectSame(resumed, straight)
    }

    @Test func stopRequestPausesAtTheNextStep() throws {
        var straight = try TrainingRun(config: config(.sgd))
        try straight.train(on: train, test: test)
        var run = try TrainingRun(config: config(.sgd))
        var asked = 0
        try run.train(on: train, test: test, shouldStop: { asked += 1; return asked > 5 })
        #expect(run.status == .interrupted && run.steps == 5 && run.epochProgress?.steps == 5)
        var resumed = try roundTrip(run)
        try resumed.train(on: train, test: test)
        expectSame(resumed, straight)
    }

    /// Stopping exactly at an epoch end needs no position: the checkpoint is an ordinary epoch-boundary one.
    @Test func stoppingAtAnEpochEndKeepsNoPosition() throws {
        var run = try TrainingRun(config: config(.sgd))
        try run.train(on: train, test: test, untilStep: 7)
        #expect(run.completedEpochs == 1 && run.epochProgress == nil && run.status == .interrupted)
    }

    @Test func positionMustFitTheData() throws {
        var run = try TrainingRun(config: config(.sgd))
        try run.train(on: train, test: test, untilStep: 3)
        var resumed = try roundTrip(run)
        let error = #expect(throws: InvalidInput.self) { try resumed.train(on: train.prefix(20), test: test) }
        #expect(error?.message.contains("30 examples") == true)
        #expect(resumed.steps == 3)
    }

    /// Checkpoints written before mid-epoch positions and series existed have neither key and still load.
    @Test func olderCheckpointsStillLoad() throws {
        let run = try TrainingRun(config: config(.sgd))
        let json = String(decoding: try JSONOutput.encode(run), as: UTF8.self)
        #expect(!json.contains("epochProgress") && !json.contains("camShare"))
        let path = temporaryDirectory() + "/old.json"
        try AtomicFile.write(json, to: path)
        #expect(try TrainingRun.load(from: path) == run)
    }

    /// A huge step size overflows the weights at the first step: the run stops as diverged and what is saved
    /// (by the last checkpoint and after training) holds the last finite parameters.
    @Test func divergenceLeavesAFiniteCheckpoint() throws {
        var c = config(.sgd)
        c.learningRate = 1e38
        let path = temporaryDirectory() + "/checkpoint.json"
        var run = try TrainingRun(config: c)
        try run.train(on: train, test: test, checkpointEvery: 1, checkpoint: { r throws(InvalidInput) in try r.save(to: path) })
        #expect(run.status == .diverged)
        #expect(run.note?.contains("non-finite") == true)
        try run.save(to: path)
        let saved = try TrainingRun.load(from: path)
        #expect(saved.status == .diverged && saved.epochProgress == nil)
        #expect(saved.parameters.allSatisfy { $0.isFinite })
        #expect(saved.parameters.map(\.bitPattern) == run.parameters.map(\.bitPattern))
        #expect(run.completedEpochs == 0 && run.steps < 7)
        // A diverged run is final: training it again changes nothing.
        var again = saved
        try again.train(on: train, test: test)
        #expect(again == saved)
    }
}
