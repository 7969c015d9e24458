/// The signed parametrization beta = u^L - v^L (THEORY.md §1.2): two layers (u, v) of d weights whatever the depth.
/// With u = v it starts at beta = 0.
public struct SignedNetwork: LayeredDiagonalNetwork, Equatable {
    /// The name in specifications (`param`) and on the command line: `signed`.
    public static let name = "signed"
    /// The formula, for help texts.
    public static let summary = "beta = u^L - v^L"
    /// Two weight vectors, u and v, at every depth.
    public static func layerCount(depth: Int) -> Int { 2 }
    /// What `layer_init` must hold, for messages.
    public static func layerDescription(depth: Int) -> String { "2 (u then v) for the signed parametrization" }

    /// The depth L (the exponent of u and v).
    public let depth: Int
    /// The data dimension d.
    public let dimension: Int
    /// Layer-major initial weights: u then v, `2 * d` of them.
    public let initialWeights: [Double]

    /// The network with the given depth, dimension and initial weights (u then v).
    public init(depth: Int, dimension: Int, initialWeights: [Double]) {
        self.depth = depth
        self.dimension = dimension
        self.initialWeights = initialWeights
    }

    /// Depth 2 has an algebra with the depth in the type; other depths carry it as a value.
    public var laneAlgebra: any LaneAlgebra {
        depth == 2 ? SignedAlgebra2() : SignedAlgebraN(depth: depth)
    }

    /// x^k by repeated multiplication from 1, as the algebra's `LaneAlgebra.power` (so the same bits).
    static func power(_ x: Double, _ k: Int) -> Double {
        var result = 1.0
        for _ in 0..<k { result *= x }
        return result
    }

    /// beta_j = u_j^L - v_j^L in scalar code. The general path (`ParameterKernel`) calls beta, the pullback and the
    /// pushforward once per example group and step (m-SAM: once per example), where the existential algebra's
    /// generic dispatch costs more than the arithmetic; these give the algebra's numbers without it.
    public func beta(of weights: [Double]) -> [Double] {
        let d = dimension
        return (0..<d).map { j in Self.power(weights[j], depth) - Self.power(weights[d + j], depth) }
    }

    /// (J^T g)_j = g_j L u_j^(L-1) for u, -g_j L v_j^(L-1) for v.
    public func pullback(weights: [Double], betaGradient g: [Double]) -> [Double] {
        let d = dimension, L = Double(depth)
        var out = [Double](repeating: 0, count: 2 * d)
        for j in 0..<d {
            out[j] = g[j] * (L * Self.power(weights[j], depth - 1))
            out[d + j] = g[j] * (-L * Self.power(weights[d + j], depth - 1))
        }
        return out
    }

    /// (J v)_j = L u_j^(L-1) v_(u, j) - L v_j^(L-1) v_(v, j).
    public func pushforward(weights: [Double], velocity v: [Double]) -> [Double] {
        let d = dimension, L = Double(depth)
        return (0..<d).map { j in
            L * Self.power(weights[j], depth - 1) * v[j] + -L * Self.power(weights[d + j], depth - 1) * v[d + j]
        }
    }
}
