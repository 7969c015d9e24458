import Foundation
import Testing
@testable import SAMCore

@Suite struct PerturbationTests {
    let weights = [0.5, -1.2, 2.0, 0.1, 0.0]
    let direction = [0.3, -0.4, 0.0, 1.2, -0.05]

    @Test func l2HasLengthRhoAlongTheGradient() throws {
        let eps = try #require(L2SAM(rho: 0.7).epsilon(weights: weights, gradientDirection: direction, logScale: -4800))
        let norm = eps.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 0.7) < 1e-15)
        let gNorm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for (e, g) in zip(eps, direction) { #expect(abs(e - 0.7 * g / gNorm) < 1e-15) }
    }

    @Test func linfIsRhoTimesSign() throws {
        let eps = try #require(LInfSAM(rho: 0.3).epsilon(weights: weights, gradientDirection: direction, logScale: 2))
        #expect(eps == [0.3, -0.3, 0, 0.3, -0.3])
        #expect(eps.map(abs).max() == 0.3)
    }

    @Test func unnormalizedUsesTheTrueScale() throws {
        let eps = try #require(UnnormalizedSAM(rho: 0.5).epsilon(weights: weights, gradientDirection: direction, logScale: log(4)))
        for (e, g) in zip(eps, direction) { #expect(abs(e - 0.5 * 4 * g) < 1e-14) }
        // An underflowing gradient gives no perturbation, not NaN.
        let tiny = try #require(UnnormalizedSAM(rho: 0.5).epsilon(weights: weights, gradientDirection: direction, logScale: -4800))
        #expect(tiny.allSatisfy { $0 == 0 })
    }

    @Test func zeroGradientGivesZeroPerturbation() throws {
        let zero = Array(repeating: 0.0, count: weights.count)
        for rule in [L2SAM(rho: 1) as any Rule, LInfSAM(rho: 1), UnnormalizedSAM(rho: 1), GradientDescent()] {
            let eps = try #require(rule.epsilon(weights: weights, gradientDirection: zero, logScale: 0))
            #expect(eps == zero)
        }
    }

    @Test func gdIsGradientDescent() throws {
        let eps = try #require(GradientDescent().epsilon(weights: weights, gradientDirection: direction, logScale: 0))
        #expect(eps.allSatisfy { $0 == 0 })
    }
}
