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
}
