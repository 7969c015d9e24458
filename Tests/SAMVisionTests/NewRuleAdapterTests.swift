import Foundation
import Testing
import SAMCore
@testable import SAMVision

/// ASAM and lp-SAM through `FloatRuleAdapter`, against their formulas written out in Double (THEORY.md §4.15), and
/// lp-SAM at p = 1's choice of one component over the whole parameter vector.
@Suite struct NewRuleAdapterTests {
    /// ASAM (Kwon et al. 2021): rho T^2 g / ||T g||_2 with T = |w| + eta.
    static func asam(_ g: [Float], _ w: [Float], rho: Double, eta: Double) -> [Double] {
        let t = w.map { abs(Double($0)) + eta }
        let norm = zip(t, g).reduce(0.0) { $0 + ($1.0 * Double($1.1)) * ($1.0 * Double($1.1)) }.squareRoot()
        return zip(t, g).map { norm > 0 ? rho * $0 * $0 * Double($1) / norm : 0 }
    }

    /// lp-SAM: rho sign(g) (|g| / ||g||_q)^(q-1).
    static func lp(_ g: [Float], rho: Double, p: Double) -> [Double] {
        let q = p / (p - 1)
        let norm = pow(g.reduce(0.0) { $0 + pow(abs(Double($1)), q) }, 1 / q)
        return g.map { x in norm > 0 ? rho * (x < 0 ? -1 : 1) * pow(abs(Double(x)) / norm, q - 1) : 0 }
    }

    static func close(_ a: [Float], _ b: [Double]) -> Bool {
        let scale = b.map(abs).max() ?? 0
        return zip(a, b).allSatisfy { abs(Double($0) - $1) <= 1e-6 * max(scale, 1e-30) }
    }

    @Test func asamAndLpMatchTheirFormulas() throws {
        let asam = try #require(VisionOptimizer(rawValue: "asam")).adapter(rho: 0.07, parameters: ["asam_eta": 0.02])
        let lp3 = try #require(VisionOptimizer(rawValue: "lp-sam")).adapter(rho: 0.07, parameters: ["p": 3])
        let lp7 = try #require(VisionOptimizer(rawValue: "lp-sam")).adapter(rho: 0.07, parameters: ["p": 7])
        for n in [1, 5, 4093] {
            let g = randomFloats(n, seed: 3, scale: 1e-2), w = randomFloats(n, seed: 4)
            #expect(Self.close(try #require(asam.perturbation(gradient: g, weights: w)), Self.asam(g, w, rho: 0.07, eta: 0.02)), "n = \(n)")
            #expect(Self.close(try #require(lp3.perturbation(gradient: g, weights: w)), Self.lp(g, rho: 0.07, p: 3)), "n = \(n)")
            #expect(Self.close(try #require(lp7.perturbation(gradient: g, weights: w)), Self.lp(g, rho: 0.07, p: 7)), "n = \(n)")
        }
        // eta = 0 at w = 0: T g = 0, so eps = 0 (PyTorch SAM's adaptive=True leaves zero weights alone).
        let bare = try #require(VisionOptimizer(rawValue: "asam")).adapter(rho: 1, parameters: ["asam_eta": 0])
        #expect(bare.perturbation(gradient: [1, 2, 3], weights: [0, 0, 0]) == [0, 0, 0])
    }

    /// p = 1: Float(rho) sign(g_k) at the first largest |g_k| of the whole vector (here past the first chunk of
    /// four, and tied with a later component), 0 elsewhere; w + eps moves that weight only.
    @Test func lpOnePerturbsTheFirstLargestParameter() throws {
        let adapter = try #require(VisionOptimizer(rawValue: "lp-sam")).adapter(rho: 0.5, parameters: ["p": 1])
        let g: [Float] = [0.1, -0.2, 0.3, 0, -0.9, 0.4, 0.9, -0.1, 0.2]
        let w: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        #expect(adapter.perturbation(gradient: g, weights: w) == [0, 0, 0, 0, -0.5, 0, 0, 0, 0])
        #expect(adapter.perturbed(weights: w, gradient: g) == [1, 2, 3, 4, 4.5, 6, 7, 8, 9])
        #expect(adapter.perturbation(gradient: [0, 0, 0], weights: [1, 2, 3]) == [0, 0, 0])
        // p = inf and p = 2 are l_inf-SAM and l2-SAM, bit for bit.
        for (p, other) in [(Double.infinity, VisionOptimizer.linfSAM), (2, .l2SAM)] {
            let lp = try #require(VisionOptimizer(rawValue: "lp-sam")).adapter(rho: 0.5, parameters: ["p": p])
            let g = randomFloats(101, seed: 8)
            #expect(lp.perturbation(gradient: g, weights: g) == (try other.adapter(rho: 0.5)).perturbation(gradient: g, weights: g))
        }
        // Parameters outside the rule or its domain are errors.
        #expect(throws: SpecError.self) { try VisionOptimizer.l2SAM.adapter(rho: 0.1, parameters: ["p": 3]) }
        #expect(throws: SpecError.self) { try #require(VisionOptimizer(rawValue: "lp-sam")).adapter(rho: 0.1, parameters: ["p": 0.5]) }
    }
}
