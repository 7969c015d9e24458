import Foundation
import Testing
import SAMCore
@testable import SAMVision

/// `FloatRuleAdapter` applies the core's rules to Float32 gradients; here its eps is checked against formulas
/// written out independently (THEORY.md §1.4), bit for bit.
@Suite struct RuleAdapterTests {
    /// l2-SAM (Foret et al. 2021): rho g / ||g||_2, the squares summed in Double in order; 0 for g = 0.
    static func l2(_ g: [Float], rho: Double) -> [Float] {
        var sum = 0.0
        for x in g { sum += Double(x) * Double(x) }
        let norm = sum.squareRoot()
        guard norm > 0, norm.isFinite else { return [Float](repeating: 0, count: g.count) }
        return g.map { Float(Double($0) * (rho / norm)) }
    }

    /// l_inf-SAM: rho sign(g), sign(0) = 0.
    static func linf(_ g: [Float], rho: Double) -> [Float] {
        g.map { $0 > 0 ? Float(rho) : ($0 < 0 ? -Float(rho) : 0) }
    }

    /// Unnormalized SAM: rho g.
    static func usam(_ g: [Float], rho: Double) -> [Float] {
        g.map { Float(rho * Double($0)) }
    }

    static func reference(_ name: String, _ g: [Float], rho: Double) -> [Float] {
        switch name {
        case L2SAM.name: l2(g, rho: rho)
        case LInfSAM.name: linf(g, rho: rho)
        default: usam(g, rho: rho)
        }
    }

    static func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }

    /// Sizes around multiples of four (1, 3, 5, 7, 4093 are not), random gradients of several scales, a zero gradient.
    @Test(arguments: [L2SAM.name, LInfSAM.name, UnnormalizedSAM.name])
    func matchesIndependentFormula(name: String) throws {
        let optimizer = try #require(VisionOptimizer(rawValue: name))
        let adapter = try optimizer.adapter(rho: 0.07)
        for (k, n) in [1, 3, 4, 5, 7, 8, 4093].enumerated() {
            for scale in [1e-6, 1.0, 1e3] {
                let g = randomFloats(n, seed: UInt64(10 + k), scale: scale)
                let w = randomFloats(n, seed: UInt64(50 + k))
                let eps = try #require(adapter.perturbation(gradient: g, weights: w))
                #expect(Self.bits(eps) == Self.bits(Self.reference(name, g, rho: 0.07)), "n = \(n), scale = \(scale)")
                let moved = try #require(adapter.perturbed(weights: w, gradient: g))
                #expect(Self.bits(moved) == Self.bits(zip(w, eps).map { $0 + $1 }))
            }
            let zero = [Float](repeating: 0, count: n)
            let eps = try #require(adapter.perturbation(gradient: zero, weights: randomFloats(n, seed: 7)))
            #expect(Self.bits(eps) == Self.bits(zero), "zero gradient, n = \(n)")
        }
        // A gradient with a component of size zero among others, and an empty one.
        var g = randomFloats(9, seed: 3)
        g[4] = 0
        #expect(Self.bits(adapter.perturbation(gradient: g, weights: g)!) == Self.bits(Self.reference(name, g, rho: 0.07)))
        #expect(adapter.perturbation(gradient: [], weights: []) == [])
    }

    /// eps = 0, not NaN, where the normalizer overflows (l2: sum of squares of 1e30s is inf in Float but not in
    /// Double; a NaN component makes it NaN).
    @Test func nonFiniteNormalizerGivesZero() throws {
        let adapter = try VisionOptimizer.l2SAM.adapter(rho: 0.1)
        let g: [Float] = [1, .nan, 2, 3, 4]
        #expect(adapter.perturbation(gradient: g, weights: g) == [0, 0, 0, 0, 0])
        let big = [Float](repeating: .greatestFiniteMagnitude, count: 3)
        let eps = adapter.perturbation(gradient: big, weights: big)!
        #expect(eps.allSatisfy { $0.isFinite })
    }

    /// Every name and alias of the core registry is an optimizer; gd and gf are SGD, recorded as "sgd".
    @Test func everyRegisteredRuleIsAnOptimizer() throws {
        for entry in Registry.standard.rules {
            for name in [entry.name] + entry.aliases {
                let optimizer = try #require(VisionOptimizer(rawValue: name), "\(name)")
                #expect(optimizer.rawValue == (entry.name == GradientDescent.name ? "sgd" : entry.name))
            }
        }
        #expect(VisionOptimizer(rawValue: "gd") == .sgd && VisionOptimizer(rawValue: "gf") == .sgd)
        #expect(VisionOptimizer(rawValue: "adam") == nil)
        #expect(VisionOptimizer.allCases.map(\.rawValue) == ["sgd"] + Registry.standard.ruleNames.filter { $0 != GradientDescent.name })
        #expect(Set(["sgd", "l2-sam", "linf-sam", "usam"]).isSubset(of: VisionOptimizer.allCases.map(\.rawValue)))
        #expect(try VisionOptimizer.sgd.adapter(rho: 0.1).perturbation(gradient: [1, 2], weights: [0, 0]) == nil)
        let json = try JSONEncoder().encode(VisionOptimizer.usam)
        #expect(String(decoding: json, as: UTF8.self) == #""usam""#)
        #expect(try JSONDecoder().decode(VisionOptimizer.self, from: Data(#""gf""#.utf8)) == .sgd)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VisionOptimizer.self, from: Data(#""adam""#.utf8)) }
    }

    /// Unnormalized SAM trains: a few steps on a tiny set keep the loss finite and take it down.
    @Test func unnormalizedSAMTrains() throws {
        let tiny = Architecture(inputHeight: 8, inputWidth: 8, convChannels: [4], hidden: 8, classes: 2)
        let train = barImages(count: 32, seed: 1), test = barImages(count: 16, seed: 2)
        var run = try TrainingRun(config: VisionTrainingConfig(architecture: tiny, optimizer: .usam, learningRate: 0.1, rho: 0.5,
                                                               batchSize: 8, epochs: 3, seed: 3))
        let before = try run.makeNetwork().evaluate(train).loss
        try run.train(on: train, test: test)
        let after = try run.makeNetwork().evaluate(train).loss
        #expect(run.status == .completed && run.steps == 12)
        #expect(after.isFinite && run.records.allSatisfy { $0.trainLoss.isFinite && $0.testLoss.isFinite })
        #expect(after < before)
        // The ascent step was taken: the run differs from SGD's.
        var sgd = try TrainingRun(config: VisionTrainingConfig(architecture: tiny, optimizer: .sgd, learningRate: 0.1, rho: 0.5,
                                                               batchSize: 8, epochs: 3, seed: 3))
        try sgd.train(on: train, test: test)
        #expect(sgd.parameters != run.parameters)
    }
}
