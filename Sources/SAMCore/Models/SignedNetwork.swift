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
        var out = [Double](repeating: 0, count: dimension)
        beta(of: weights, into: &out)
        return out
    }

    /// beta_j = u_j^L - v_j^L into `out`, which must have d entries (no allocation).
    public func beta(of weights: [Double], into out: inout [Double]) {
        let d = dimension
        precondition(out.count == d && weights.count == 2 * d)
        let L = depth
        weights.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                for j in 0..<d { o[j] = Self.power(w[j], L) - Self.power(w[d + j], L) }
            }
        }
    }

    /// (J^T g)_j = g_j L u_j^(L-1) for u, -g_j L v_j^(L-1) for v.
    public func pullback(weights: [Double], betaGradient g: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: 2 * dimension)
        pullback(weights: weights, betaGradient: g, into: &out)
        return out
    }

    /// The pullback into `out`, which must have 2d entries (no allocation).
    public func pullback(weights: [Double], betaGradient g: [Double], into out: inout [Double]) {
        let d = dimension, L = Double(depth)
        precondition(out.count == 2 * d && weights.count == 2 * d && g.count == d)
        let k = depth - 1
        weights.withUnsafeBufferPointer { w in
            g.withUnsafeBufferPointer { gb in
                out.withUnsafeMutableBufferPointer { o in
                    for j in 0..<d {
                        o[j] = gb[j] * (L * Self.power(w[j], k))
                        o[d + j] = gb[j] * (-L * Self.power(w[d + j], k))
                    }
                }
            }
        }
    }

    /// (J v)_j = L u_j^(L-1) v_(u, j) - L v_j^(L-1) v_(v, j).
    public func pushforward(weights: [Double], velocity v: [Double]) -> [Double] {
        let d = dimension, L = Double(depth)
        return (0..<d).map { j in
            L * Self.power(weights[j], depth - 1) * v[j] + -L * Self.power(weights[d + j], depth - 1) * v[d + j]
        }
    }
}
