import Foundation
import Testing
import SAMCore
@testable import SAMVision

@Suite struct ForegroundShareTests {
    let tiny = Architecture(inputHeight: 8, inputWidth: 8, convChannels: [4], hidden: 8, classes: 2)
    let train = barImages(count: 64, seed: 1)
    let test = barImages(count: 32, seed: 2)

    @Test func meanAndIntervalOfShares() {
        let s = ForegroundShare(shares: [0.2, 0.4, 0.6], degenerateMaps: 2)
        #expect(s.images == 5 && s.degenerateMaps == 2)
        #expect(abs(s.mean! - 0.4) < 1e-15)
        // sd = 0.2, so the half width is 1.96 * 0.2 / sqrt(3).
        let half = 1.96 * 0.2 / 3.0.squareRoot()
        #expect(abs(s.ci95Low! - (0.4 - half)) < 1e-12 && abs(s.ci95High! - (0.4 + half)) < 1e-12)
        #expect(abs(s.halfWidth! - half) < 1e-12)
        let one = ForegroundShare(shares: [0.3], degenerateMaps: 0)
        #expect(one.mean == 0.3 && one.ci95Low == nil && one.halfWidth == nil)
        let none = ForegroundShare(shares: [], degenerateMaps: 4)
        #expect(none.mean == nil && none.images == 4)
        #expect(none.description.contains("undefined"))
    }

    @Test func comparisonUsesBothIntervals() {
        let low = ForegroundShare(images: 10, mean: 0.3, ci95Low: 0.25, ci95High: 0.35, degenerateMaps: 0)
        let high = ForegroundShare(images: 10, mean: 0.5, ci95Low: 0.45, ci95High: 0.55, degenerateMaps: 0)
        let wide = ForegroundShare(images: 10, mean: 0.4, ci95Low: 0.3, ci95High: 0.5, degenerateMaps: 0)
        #expect(high.compared(to: low) == .above && low.compared(to: high) == .below)
        #expect(wide.compared(to: low) == .overlapping)
        #expect(ForegroundShare(shares: [0.9], degenerateMaps: 0).compared(to: low) == .undetermined)
    }

    /// measure is the per-image GradCAM share averaged over the non-degenerate maps, nothing else.
    /// Differences image by image, skipping images where either map is missing; interval by hand.
    @Test func pairedDifferenceByHand() throws {
        let a: [Double?] = [0.5, 0.4, nil, 0.3, 0.6]
        let b: [Double?] = [0.6, 0.5, 0.2, nil, 0.8]
        let d = try PairedShareDifference(a, b)
        // Pairs: -0.1, -0.1, -0.2 -> mean -0.1333, sd 0.057735, half width 1.96 * 0.057735 / sqrt 3.
        #expect(d.pairs == 3)
        #expect(abs(d.mean! - (-0.4 / 3)) < 1e-12)
        let half = 1.96 * (0.01 / 3).squareRoot() / 3.0.squareRoot()
        #expect(abs(d.ci95High! - (-0.4 / 3 + half)) < 1e-12 && abs(d.ci95Low! - (-0.4 / 3 - half)) < 1e-12)
        #expect(d.comparison == .below)
        #expect(try PairedShareDifference(b, a).comparison == .above)
        #expect(try PairedShareDifference([0.1, 0.3], [0.2, 0.2]).comparison == .overlapping)
        #expect(try PairedShareDifference([nil, 0.3], [0.2, nil]).comparison == .undetermined)
        #expect(throws: InvalidInput.self) { try PairedShareDifference([0.1], [0.1, 0.2]) }
    }

    @Test func measureAgreesWithPerImageShares() throws {
        let net = try Network(architecture: tiny, seed: 5)
        let share = try ForegroundShare.measure(network: net, images: test, count: 10, threshold: 0.5)
        var values: [Double] = [], degenerate = 0
        for i in 0..<10 {
            let cam = try GradCAM.compute(network: net, image: test.image(i))
            if cam.status != .ok { degenerate += 1; continue }
            values.append(try cam.foregroundShare(image: test.image(i), threshold: 0.5))
        }
        #expect(share == ForegroundShare(shares: values, degenerateMaps: degenerate))
        #expect(share.images == 10)
        #expect(throws: InvalidInput.self) { try ForegroundShare.measure(network: net, images: test, count: 33, threshold: 0.5) }
        #expect(throws: InvalidInput.self) { try ForegroundShare.measure(network: net, images: test, count: 0, threshold: 0.5) }
        #expect(throws: InvalidInput.self) { try ForegroundShare.measure(network: net, images: test, threshold: .nan) }
    }

    func config(_ optimizer: VisionOptimizer = .l2SAM, epochs: Int = 2) -> VisionTrainingConfig {
        VisionTrainingConfig(architecture: tiny, optimizer: optimizer, learningRate: 0.1, rho: 0.05, batchSize: 10, epochs: epochs, seed: 3)
    }

    /// 64 images in batches of 10: 7 steps per epoch. Observations at step 0, every 3 steps and at epoch ends,
    /// each step once.
    @Test(arguments: [(3, [0, 3, 6, 7, 9, 12, 14]), (0, [0, 7, 14])])
    func observationSchedule(every: Int, steps: [Int]) throws {
        var run = try TrainingRun(config: config())
        try run.train(on: train, test: test, observer: ForegroundShareObserver(every: every, images: test, count: 6, threshold: 0.5))
        let series = try #require(run.camShare)
        #expect(series.observations.map(\.step) == steps)
        #expect(series.observations.map(\.epoch) == steps.map { Double($0) / 7 })
        #expect(series.observations.allSatisfy { $0.share.images == 6 })
        #expect(series.every == every && series.images == 6 && series.threshold == 0.5)
        let lines = series.csv.split(separator: "\n")
        #expect(lines.first == "step,epoch,images,foreground_share_mean,ci95_low,ci95_high,degenerate_maps")
        #expect(lines.count == steps.count + 1)
    }

    /// Grad-CAM runs forward and backward passes on the training network; the parameters must not notice.
    @Test func observingDoesNotChangeTraining() throws {
        var plain = try TrainingRun(config: config())
        try plain.train(on: train, test: test)
        var observed = try TrainingRun(config: config())
        try observed.train(on: train, test: test, observer: ForegroundShareObserver(every: 1, images: test, count: 4, threshold: 0.5))
        #expect(observed.parameters.map(\.bitPattern) == plain.parameters.map(\.bitPattern))
        #expect(observed.records == plain.records)
        #expect(observed.camShare?.observations.count == 15)
    }

    @Test func resumedSeriesNeedsTheSameSettings() throws {
        var run = try TrainingRun(config: config())
        try run.train(on: train, test: test, untilStep: 3, observer: ForegroundShareObserver(every: 1, images: test, count: 4, threshold: 0.5))
        let other = try ForegroundShareObserver(every: 1, images: test, count: 4, threshold: 0.2)
        let error = #expect(throws: InvalidInput.self) { try run.train(on: train, test: test, observer: other) }
        #expect(error?.message.contains("threshold 0.5") == true)
        #expect(run.steps == 3)
    }

    @Test func observerSettingsAreChecked() {
        #expect(throws: InvalidInput.self) { try ForegroundShareObserver(every: -1, images: test, count: 4, threshold: 0.5) }
        #expect(throws: InvalidInput.self) { try ForegroundShareObserver(every: 1, images: test, count: 0, threshold: 0.5) }
        #expect(throws: InvalidInput.self) { try ForegroundShareObserver(every: 1, images: test, count: 4, threshold: .infinity) }
    }

    /// Observation images of another size are refused before training starts, not at the first observation.
    @Test func observerImagesMustFitTheNetwork() throws {
        var run = try TrainingRun(config: config())
        let small = try ImageSet(height: 4, width: 4, pixels: [Float](repeating: 0.5, count: 16), labels: [0])
        let error = #expect(throws: InvalidInput.self) {
            try run.train(on: train, test: test, observer: ForegroundShareObserver(every: 1, images: small, count: 1, threshold: 0.5))
        }
        #expect(error?.message.contains("Grad-CAM images are 4x4") == true)
        #expect(run.steps == 0)
    }
}
