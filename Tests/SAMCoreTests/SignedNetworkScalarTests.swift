import Testing
@testable import SAMCore

/// The signed network's scalar beta, pullback and pushforward (the general path's fast form) give the algebra's
/// numbers bit for bit, at depth 2 (its own algebra type) and 3.
@Suite struct SignedNetworkScalarTests {
    @Test(arguments: [2, 3])
    func scalarFormsAreTheAlgebras(depth: Int) {
        let d = 7
        var rng = SplitMix64(seed: 11)
        let w = (0..<(2 * d)).map { _ in rng.nextNormal() }, g = (0..<d).map { _ in rng.nextNormal() }
        let v = (0..<(2 * d)).map { _ in rng.nextNormal() }
        let model = SignedNetwork(depth: depth, dimension: d, initialWeights: w)
        let parts = DiagonalHessian.coordinateDerivatives(model.laneAlgebra, weights: w, dimension: d)
        #expect(model.beta(of: w) == parts.beta)
        #expect(model.pullback(weights: w, betaGradient: g) == (0..<(2 * d)).map { g[$0 % d] * parts.gradient[$0] })
        let jv = (0..<d).map { j in (0 + parts.gradient[j] * v[j]) + parts.gradient[d + j] * v[d + j] }
        #expect(model.pushforward(weights: w, velocity: v) == jv)
    }
}
