import Foundation
import Testing
@testable import SAMAnalysis
import SAMCore

@Suite struct TheoryTests {
    /// alpha* in closed form, c_i, and alpha_c from the bisection, for the two settings of the paper's figures.
    @Test func regimeNumbers() throws {
        for (mu, rho) in [([1.0, 2, 3, 4, 5, 6], 0.1), ([4.0, 5, 6, 7, 8], 1.0)] {
            let theory = L2Theory(mu: mu, rho: rho)
            let norm = mu.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(theory.alphaStar - rho * (mu[mu.count - 1] + mu[mu.count - 2]) / (2.0.squareRoot() * norm)) < 1e-15)
            for (c, m) in zip(theory.growthThresholds, mu) { #expect(abs(c - rho * m / (2.0.squareRoot() * norm)) < 1e-15) }
            let alphaC = try theory.criticalAlpha(tolerance: 1e-8)
            // Below every threshold nothing grows at first; alpha_c sits between c_1 and alpha*.
            #expect(alphaC > theory.growthThresholds[0] && alphaC < theory.alphaStar)
            // Stable under tighter solver tolerances.
            let tighter = try theory.criticalAlpha(tolerance: 1e-8, rtol: 1e-12)
            #expect(abs(tighter - alphaC) < 1e-6 * alphaC)
            // And it separates collapse from growth.
            #expect(try theory.collapses(alpha: alphaC * (1 - 1e-4)))
            #expect(try !theory.collapses(alpha: alphaC * (1 + 1e-4)))
        }
    }

    /// Only alpha / rho matters (the flow is invariant under (a, rho) -> (c a, c rho)).
    @Test func scaleInvariance() throws {
        let mu = [1.0, 2, 3, 4, 5, 6]
        let a = try L2Theory(mu: mu, rho: 1).criticalAlpha(tolerance: 1e-8)
        let b = try L2Theory(mu: mu, rho: 0.1).criticalAlpha(tolerance: 1e-8)
        #expect(abs(b / a - 0.1) < 1e-7)
    }

    /// The documented discrepancy (THEORY.md §5): at the Fig 4 caption's alpha = 0.35, rho = 0.1 the major coordinate leads
    /// from the start (alpha / rho = 3.5 > alpha* / rho = 0.82); at rho = 1 the leader starts at coordinate 2.
    @Test func figureFourDiscrepancy() throws {
        let caption = L2Theory(mu: [1, 2, 3, 4, 5, 6], rho: 0.1)
        #expect(caption.initialLeader(alpha: 0.35) == 6)
        #expect(caption.regime(alpha: 0.35, alphaC: try caption.criticalAlpha(tolerance: 1e-3)) == .majorFirst)
        let rhoOne = L2Theory(mu: [1, 2, 3, 4, 5, 6], rho: 1)
        #expect(rhoOne.initialLeader(alpha: 0.35) == 2)
        #expect(rhoOne.regime(alpha: 0.35, alphaC: try rhoOne.criticalAlpha(tolerance: 1e-3)) == .minorFirst)
    }

    @Test func linfFatesAndLimit() {
        #expect(LInfTheory.fate(mu: 1, alpha: 0.5, rho: 1, depth: 2) == .vanishes(zeroTime: log(2)))
        #expect(LInfTheory.fate(mu: 2, alpha: 1.5, rho: 1, depth: 2) == .grows(blowUpTime: nil))
        #expect(LInfTheory.fate(mu: 2, alpha: 1.5, rho: 1, depth: 3) == .grows(blowUpTime: 1))
        #expect(LInfTheory.fate(mu: 2, alpha: 0.5, rho: 1, depth: 3) == .approachesRho)
        #expect(LInfTheory.fate(mu: 2, alpha: 1, rho: 1, depth: 3) == .constant)
        #expect(LInfTheory.blowUpTime(mu: 2, alpha: 0.5, depth: 3) == 1)
        #expect(LInfTheory.limitCoordinate(mu: [2, 1, 3], alpha: [1.2, 1.6, 0.8], rho: 1, depth: 3) == 2)
        #expect(LInfTheory.limitCoordinate(mu: [2, 1, 3], alpha: [1.2, 1.6, 0.8], rho: 1, depth: 2) == 1)
        #expect(LInfTheory.limitCoordinate(mu: [1, 2], alpha: [0.5, 0.5], rho: 1, depth: 2) == 0)
        #expect(LInfTheory.limitCoordinate(mu: [1, 2, 3], alpha: [0.5, 0.5, 0.5], rho: 0, depth: 2) == 3)
    }

    /// The theory's criterion (balanced flow, O(d) a step) and the full two-layer flow with its events agree on
    /// either side of alpha_c, for both parametrizations (issue 12, item 4).
    @Test(arguments: [ProductNetwork.name, SignedNetwork.name])
    func theoryCriterionAgreesWithTheFullFlow(_ model: String) throws {
        let theory = L2Theory(mu: [1, 2, 3, 4, 5, 6], rho: 1, model: model)
        let alphaC = try theory.criticalAlpha(tolerance: 1e-8)
        #expect(try theory.collapses(alpha: alphaC * (1 - 1e-4)))
        #expect(try !theory.collapses(alpha: alphaC * (1 + 1e-4)))
        #expect(alphaC > theory.growthThresholds[0])
        // The signed network collapses for larger alpha: v shrinks, and with it N_b, from the start.
        if model == SignedNetwork.name {
            #expect(alphaC > (try L2Theory(mu: [1, 2, 3, 4, 5, 6], rho: 1).criticalAlpha(tolerance: 1e-8)))
        }
    }

    /// alpha* by measure: the product parametrization has one alpha* for every measure; the signed one has none by
    /// relative growth (beta(0) = 0), 0 by absolute growth (d beta_j/ds = 8 mu_j alpha^2: the major leads), and the
    /// product's by u-relative growth.
    @Test func alphaStarByMeasure() {
        let mu = [1.0, 2, 3, 4, 5, 6]
        let product = L2Theory(mu: mu, rho: 1), signed = L2Theory(mu: mu, rho: 1, model: SignedNetwork.name)
        for measure in L2Theory.Measure.allCases { #expect(product.alphaStar(measure: measure) == product.alphaStar) }
        #expect(signed.alphaStar(measure: .relative) == nil)
        #expect(signed.alphaStar(measure: .absolute) == 0)
        #expect(signed.alphaStar(measure: .uRelative) == product.alphaStar)
        #expect(signed.initialLeader(alpha: 0.35, measure: .absolute) == 6)
        #expect(signed.initialLeader(alpha: 0.35, measure: .uRelative) == 2)
    }

    /// alpha_c(eta) of the discrete algorithm tends to the flow's alpha_c as eta shrinks (first order in eta).
    @Test func discreteCriticalAlphaTendsToTheFlows() throws {
        let theory = L2Theory(mu: [1, 2], rho: 1)
        let flow = try theory.criticalAlpha(tolerance: 1e-8)
        let coarse = try theory.discreteCriticalAlpha(learningRate: 0.2, maximumSteps: 20_000, tolerance: 1e-4)
        let fine = try theory.discreteCriticalAlpha(learningRate: 0.05, maximumSteps: 40_000, tolerance: 1e-4)
        #expect(abs(fine - flow) < abs(coarse - flow), "flow \(flow), eta 0.2: \(coarse), eta 0.05: \(fine)")
        #expect(abs(fine - flow) < 0.02 * flow)
    }

    /// The criterion costs O(d) a step: d = 2,000 (a debug build) decides alpha_c quickly, between c_1 and alpha*.
    @Test func largeDimension() throws {
        let d = 2000
        let theory = L2Theory(mu: (0..<d).map { 1 + Double($0) / Double(d - 1) }, rho: 1)
        let alphaC = try theory.criticalAlpha(tolerance: 1e-6)
        #expect(alphaC > theory.growthThresholds[0] && alphaC < theory.alphaStar)
    }
}
