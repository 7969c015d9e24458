import Foundation
import Testing
@testable import SAMCore

/// The gradient the kernels step along, read off one GD step ((w - w') / eta), against central finite
/// differences of the loss, for every depth 1...4, both parametrizations, both losses and both kernels.
@Suite struct GradientTests {
    static let cases: [(Parametrization, Int, Loss)] = Parametrization.allCases.flatMap { p in
        (1...4).flatMap { depth in Loss.allCases.map { (p, depth, $0) } }
    }

    @Test(arguments: cases)
    func stepGradientMatchesFiniteDifferences(_ p: Parametrization, _ depth: Int, _ loss: Loss) throws {
        for (data, general) in [(Fixtures.threePoints, true), (try Dataset.singleExample(mu: [0.7, 1.1, 1.9]), false)] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: UInt64(depth * 10 + (p == .product ? 1 : 2)))
            let eta = 1e-3
            let kernel = Fixtures.kernel(network, data, loss, .gd, eta: eta, general: general)
            let w = kernel.weights
            var scan = GrowthScan(dimension: data.dimension)
            #expect(kernel.step(scan: &scan))
            let stepGradient = zip(w, kernel.weights).map { ($0 - $1) / eta }
            // Finite differences of the kernel's own loss.
            func lossAt(_ v: [Double]) -> Double {
                kernel.weights = v
                return exp(kernel.observe(includeBeta: false).logLoss)
            }
            var fd = [Double]()
            for i in 0..<w.count {
                let h = 1e-6 * max(1, abs(w[i]))
                var plus = w, minus = w
                plus[i] += h
                minus[i] -= h
                fd.append((lossAt(plus) - lossAt(minus)) / (2 * h))
            }
            let error = Fixtures.relativeError(stepGradient, fd)
            #expect(error < 1e-6, "p=\(p) L=\(depth) loss=\(loss) general=\(general): relative error \(error)")
            // And against the plain reference formula.
            let reference = ReferenceModel(parametrization: p, depth: depth, points: data.points, labels: data.labels, loss: loss)
            #expect(Fixtures.relativeError(stepGradient, reference.gradient(w)) < 1e-9)
        }
    }
}
