import Foundation
import Testing
@testable import SAMCore

/// Both kernels take the same steps as the plain reference implementation of the definitions, for every
/// optimizer, parametrization and a range of depths; and the fused single-example kernel agrees with the general one.
@Suite struct KernelAgreementTests {
    static let cases: [(Optimizer, Parametrization, Int)] = Optimizer.allCases.flatMap { o in
        Parametrization.allCases.flatMap { p in [1, 2, 3].map { (o, p, $0) } }
    }

    @Test(arguments: cases)
    func stepsMatchReference(_ optimizer: Optimizer, _ p: Parametrization, _ depth: Int) throws {
        let single = try Dataset.singleExample(mu: [0.7, 1.1, 1.9])
        for (data, general) in [(Fixtures.threePoints, true), (single, false), (single, true)] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 7)
            let kernel = Fixtures.kernel(network, data, .logistic, optimizer, eta: 0.05, rho: 0.2, general: general)
            let reference = ReferenceModel(parametrization: p, depth: depth, points: data.points, labels: data.labels, loss: .logistic)
            var w = network.initialWeights
            var scan = GrowthScan(dimension: data.dimension)
            for _ in 0..<25 {
                #expect(kernel.step(scan: &scan))
                w = reference.step(w, optimizer: optimizer, eta: 0.05, rho: 0.2)
            }
            let error = Fixtures.relativeError(kernel.weights, w)
            #expect(error < 1e-12, "\(optimizer) \(p) L=\(depth) n=\(data.count) general=\(general): \(error)")
        }
    }

    @Test func zeroWeightsGiveNoNaN() throws {
        // At w = 0 (depth >= 2) the gradient is exactly zero: every perturbation must be 0, not 0/0.
        for optimizer in Optimizer.allCases {
            for general in [false, true] {
                let network = try Fixtures.network(.product, depth: 2, alpha: [0], d: 2)
                let kernel = Fixtures.kernel(network, try .singleExample(mu: [1, 2]), .logistic, optimizer, general: general)
                var scan = GrowthScan(dimension: 2)
                #expect(kernel.step(scan: &scan))
                #expect(kernel.weights == [0, 0, 0, 0])
                #expect(scan.leader == 0)
            }
        }
    }
}

/// Against an independent implementation: bench/python/bench_dynamics.py (NumPy, checked there against JAX to
/// 1e-12) prints w1[:3] after 100 l2-SAM steps of the benchmark problem at d = 6. Its output is copied here.
@Suite struct IndependentImplementationTests {
    @Test func benchmarkProblemMatchesNumPy() throws {
        let numpy = [0.8019162510596252, 0.8798039598260305, 0.9646867283391535]
        for general in [false, true] {
            let network = try Fixtures.network(.product, depth: 2, alpha: [0.5], d: 6)
            let kernel = KernelFactory.make(rule: L2SAM(rho: 0.05), model: network, dataset: try .singleExample(mu: DynamicsBenchmark.mu(dimension: 6)),
                                            loss: .logistic, learningRate: 0.1, forceGeneral: general)
            var scan = GrowthScan(dimension: 6, tracksLeaders: false)
            for _ in 0..<100 { #expect(kernel.step(scan: &scan)) }
            let w1 = Array(kernel.weights.prefix(3))
            #expect(Fixtures.relativeError(w1, numpy) < 1e-13, "general=\(general): \(w1)")
        }
    }
}
