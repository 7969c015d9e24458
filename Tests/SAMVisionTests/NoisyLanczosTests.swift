import Foundation
import Testing
import SAMCore
@testable import SAMVision

/// `NoisyLanczos` (THEORY.md §8.4): the algebraic largest eigenvalue of a known indefinite matrix, a cluster of
/// outliers that stalls the power iteration, the Ritz vector as a warm start, and noisy products.
@Suite struct NoisyLanczosTests {
    /// The spectrum of a 60-dimensional operator: nine outliers 9.0, 8.9, ..., 8.2 (as the C - 1 outliers of a
    /// 10-class cross-entropy Hessian), a bulk in [-0.5, 0.5] and one negative eigenvalue -9.5 of larger modulus.
    static let clustered: [Double] = {
        let outliers: [Double] = (0..<9).map { (k: Int) -> Double in 9 - 0.1 * Double(k) }
        let bulk: [Double] = (0..<50).map { (k: Int) -> Double in -0.5 + Double(k) / 49 }
        return outliers + bulk + [-9.5]
    }()

    @Test func findsTheLargestAlgebraicEigenvalueWhereThePowerIterationStalls() throws {
        let product = VisionSharpnessTests.matrixProduct(Self.clustered)
        let lanczos = try #require(NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-6, maximumIterations: 60, seed: 1, product: product))
        #expect(abs(lanczos.eigenvalue - 9) < 1e-9 && lanczos.converged, "\(lanczos.eigenvalue) in \(lanczos.iterations)")
        // The power iteration, with the budget the CNN item gives Lanczos, does not get there.
        let power = try #require(PowerIteration.largestEigenvalue(dimension: 60, tolerance: 1e-6, maximumIterations: 30, seed: 1, product: product))
        #expect(!power.converged && lanczos.iterations < 30, "power \(power), Lanczos \(lanczos.iterations) products")
        // The largest-modulus eigenvalue is -9.5: a plain power iteration would tend to it.
        let negative = try #require(NoisyLanczos.largestEigenvalue(dimension: 4, tolerance: 1e-9, maximumIterations: 10, seed: 2,
                                                                   product: VisionSharpnessTests.matrixProduct([-5, -1, 0.5, 3])))
        #expect(abs(negative.eigenvalue - 3) < 1e-9 && negative.iterations <= 4)
        #expect(NoisyLanczos.largestEigenvalue(dimension: 2, tolerance: 1e-6, maximumIterations: 5, seed: 1) { _ in nil } == nil)
    }

    /// The returned vector is the top eigenvector (to the tolerance): started there, Lanczos stops after one or two
    /// products with the same eigenvalue; a start of the wrong length or zero is ignored (the seeded start).
    @Test func warmStartFromTheRitzVector() throws {
        let product = VisionSharpnessTests.matrixProduct(Self.clustered)
        let cold = try #require(NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-8, maximumIterations: 60, seed: 3, product: product))
        #expect(abs(PowerIteration.norm(cold.vector) - 1) < 1e-12)
        let warm = try #require(NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-6, maximumIterations: 60, seed: 3,
                                                               start: cold.vector, product: product))
        #expect(abs(warm.eigenvalue - 9) < 1e-9 && warm.converged && warm.iterations <= 2, "cold \(cold.iterations), warm \(warm.iterations)")
        let seeded = NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-6, maximumIterations: 60, seed: 3, product: product)
        #expect(NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-6, maximumIterations: 60, seed: 3, start: [1], product: product) == seeded)
        #expect(NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-6, maximumIterations: 60, seed: 3,
                                               start: [Double](repeating: 0, count: 60), product: product) == seeded)
    }

    /// Products with relative noise 1e-6 (the size of the finite difference's Float32 error) still give lambda_max to
    /// about 1e-5, and a budget too small to reach the tolerance says so (`converged` false, a lower bound).
    @Test func noisyProductsAndTheBudget() throws {
        let exact = VisionSharpnessTests.matrixProduct(Self.clustered)
        var rng = SplitMix64(seed: 9)
        let noisy: ([Double]) -> (probed: [Double], image: [Double])? = { v in
            guard let (p, hp) = exact(v) else { return nil }
            return (p, hp.map { $0 * (1 + 1e-6 * rng.nextNormal()) })
        }
        let result = try #require(NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-4, maximumIterations: 60, seed: 4, product: noisy))
        #expect(abs(result.eigenvalue - 9) < 1e-4 * 9 && result.converged, "\(result.eigenvalue)")
        let short = try #require(NoisyLanczos.largestEigenvalue(dimension: 60, tolerance: 1e-10, maximumIterations: 3, seed: 4, product: exact))
        #expect(!short.converged && short.iterations == 3 && short.eigenvalue < 9 + 1e-12)
    }
}
