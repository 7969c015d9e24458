import Testing
@testable import SAMExperiments
import SAMVision

/// The fig5 (and fig5-fashion) trend verdict comes from the data: ℓ₂-SAM's last observation against its first, by their intervals.
@Suite struct Figure5TrendTests {
    func series(_ points: [(step: Int, mean: Double, half: Double)]) -> ForegroundShareSeries {
        ForegroundShareSeries(every: 1, images: 100, threshold: 0.1, observations: points.map { p in
            ForegroundShareObservation(step: p.step, epoch: Double(p.step) / 10,
                                       share: ForegroundShare(images: 100, mean: p.mean, ci95Low: p.mean - p.half, ci95High: p.mean + p.half, degenerateMaps: 0))
        })
    }

    @Test func verdictFollowsTheIntervals() {
        let flat = series([(0, 0.5, 0.05), (10, 0.5, 0.05)])
        let rising = GradCAMComparison.trendClaim(item: "fig5", setting: "", sam: series([(0, 0.4, 0.02), (5, 0.3, 0.02), (10, 0.6, 0.02)]), baseline: flat, baselineLabel: "SGD")
        #expect(rising.verdict == .holds && rising.measurement.hasPrefix("ℓ₂-SAM rises"))
        let falling = GradCAMComparison.trendClaim(item: "fig5", setting: "", sam: series([(0, 0.6, 0.02), (10, 0.4, 0.02)]), baseline: flat, baselineLabel: "SGD")
        #expect(falling.verdict == .fails && falling.measurement.hasPrefix("ℓ₂-SAM falls"))
        let overlapping = GradCAMComparison.trendClaim(item: "fig5", setting: "", sam: series([(0, 0.5, 0.05), (10, 0.55, 0.05)]), baseline: flat, baselineLabel: "SGD")
        #expect(overlapping.verdict == .inconclusive && overlapping.measurement.contains("no significant change"))
        #expect(overlapping.measurement.contains("SGD no significant change"))
        let single = GradCAMComparison.trendClaim(item: "fig5", setting: "", sam: series([(0, 0.5, 0.05)]), baseline: flat, baselineLabel: "SGD")
        #expect(single.verdict == .inconclusive && single.measurement.contains("not enough observations"))
    }
}
