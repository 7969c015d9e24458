import Foundation
@testable import SAMPlot
import Testing

@Suite struct TicksTests {
    /// Steps must be 1, 2, 2.5 or 5 times a power of ten.
    func isNice(_ step: Double) -> Bool {
        let e = floor(log10(step))
        let m = step / pow(10, e)
        return [1, 2, 2.5, 5, 10].contains { abs(m - $0) < 1e-9 }
    }

    func values(_ ticks: [Tick]) -> [Double] { ticks.map(\.value) }

    @Test func unitInterval() {
        let ticks = Ticks.linear(lower: 0, upper: 1, target: 6)
        #expect(values(ticks) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(ticks.map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    }

    @Test func smallDecimalRange() {
        let ticks = Ticks.linear(lower: 0.0013, upper: 0.0071, target: 6)
        #expect(values(ticks) == [0.002, 0.003, 0.004, 0.005, 0.006, 0.007])
        #expect(ticks.first?.label == "0.002" && ticks.last?.label == "0.007")
        // No floating-point debris such as 0.0030000000000000005.
        #expect(ticks.allSatisfy { $0.label!.count <= 5 })
    }

    @Test func rangeAcrossZero() {
        let ticks = Ticks.linear(lower: -3, upper: 17, target: 6)
        #expect(values(ticks) == [0, 5, 10, 15])
        let finer = Ticks.linear(lower: -3, upper: 17, target: 10)
        #expect(values(finer) == [-2, 0, 2, 4, 6, 8, 10, 12, 14, 16])
        #expect(finer.first?.label == "\u{2212}2")
    }

    @Test(arguments: [(0.0, 1.0), (0.0013, 0.0071), (-3, 17), (1e6, 1e6 + 3), (-1e-7, 3e-7), (0, 20000), (7.1, 7.9)] as [(Double, Double)])
    func linearTicksAreNiceAndInside(lower: Double, upper: Double) {
        for target in 2...10 {
            let ticks = Ticks.linear(lower: lower, upper: upper, target: target)
            #expect(ticks.count >= 2)
            #expect(ticks.allSatisfy { $0.value >= lower - 1e-12 * abs(lower) && $0.value <= upper + 1e-12 * abs(upper) })
            let steps = zip(ticks, ticks.dropFirst()).map { $1.value - $0.value }
            #expect(steps.allSatisfy { isNice($0) && abs($0 - steps[0]) <= 1e-9 * steps[0] })
            #expect(Set(ticks.compactMap(\.label)).count == ticks.count, "labels must differ: \(ticks)")
        }
    }

    @Test func logDecades() {
        let ticks = Ticks.log10(lower: 1e-6, upper: 1e3, target: 10)
        let majors = ticks.filter { $0.label != nil }
        #expect(majors.map(\.label) == ["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³"])
        #expect(zip(majors.map(\.value), (-6...3).map { pow(10.0, Double($0)) }).allSatisfy { abs($0 / $1 - 1) < 1e-12 })
        // Minor ticks at 2..9 × 10^k, 8 per full decade, unlabeled.
        let minors = ticks.filter { !$0.isMajor }
        #expect(minors.count == 9 * 8)
        #expect(minors.allSatisfy { $0.label == nil })
    }

    @Test func logThinsDecadeLabelsWhenCrowded() {
        let ticks = Ticks.log10(lower: 1e-6, upper: 1e3, target: 4)
        #expect(ticks.compactMap(\.label) == ["10⁻⁶", "10⁻³", "10⁰", "10³"])
        // Fitting into a short axis keeps labels apart.
        let fitted = Ticks.fitted(scale: .log10, lower: 1e-6, upper: 1e3, length: 120, fontSize: 10, horizontal: true)
        let labeled = fitted.filter { $0.label != nil }
        #expect(labeled.count >= 2 && labeled.count <= 4)
    }

    @Test func logWithinOneDecadeFallsBackToMantissas() {
        let ticks = Ticks.log10(lower: 0.015, upper: 0.09, target: 6)
        #expect(ticks.compactMap(\.label) == ["0.02", "0.05"] || ticks.compactMap(\.label).count >= 2)
        let narrow = Ticks.log10(lower: 2.1, upper: 2.9, target: 6)
        #expect(narrow.compactMap(\.label).count >= 2)
        #expect(narrow.allSatisfy { $0.value >= 2.1 && $0.value <= 2.9 })
    }

    @Test func labelsAreCompact() {
        #expect(NumberLabel.powerOfTen(-6) == "10⁻⁶")
        #expect(NumberLabel.compact(1e-6) == "10⁻⁶")
        #expect(NumberLabel.compact(2.5e-7) == "2.5×10⁻⁷")
        #expect(NumberLabel.compact(0.5) == "0.5")
        #expect(NumberLabel.compact(-0.0) == "0")
        #expect(NumberLabel.linear([0, 2e-6, 4e-6], step: 2e-6) == ["0", "2×10⁻⁶", "4×10⁻⁶"])
        #expect(NumberLabel.linear([0, 50000, 100000, 150000], step: 50000) == ["0", "50000", "100000", "150000"])
        #expect(NumberLabel.linear([0, 5e5, 1e6, 1.5e6], step: 5e5) == ["0", "5×10⁵", "10⁶", "1.5×10⁶"])
        #expect(NumberLabel.linear([-0.5, 0, 0.5], step: 0.5) == ["\u{2212}0.5", "0", "0.5"])
    }

    @Test func fittedLabelsNeverCollide() {
        for length in stride(from: 60.0, through: 600, by: 45) {
            for (lo, hi) in [(0.0, 1.0), (-3.0, 17.0), (0.0013, 0.0071), (0, 123_456.0), (-1e-5, 1e-5)] {
                let ticks = Ticks.fitted(scale: .linear, lower: lo, upper: hi, length: length, fontSize: 10, horizontal: true)
                let placed = ticks.compactMap { t -> (Double, Double)? in
                    guard let l = t.label else { return nil }
                    return ((t.value - lo) / (hi - lo) * length, TextMetrics.width(l, fontSize: 10))
                }
                for (a, b) in zip(placed, placed.dropFirst()) {
                    #expect(b.0 - a.0 >= (a.1 + b.1) / 2, "labels collide at length \(length) for \(lo)...\(hi)")
                }
            }
        }
    }
}
