/// The signed parametrization beta = u^L - v^L (THEORY.md §1.2): two layers (u, v) of d weights whatever the depth.
/// With u = v it starts at beta = 0.
public struct SignedNetwork: Model, Equatable {
    public static let name = "signed"
    public static let summary = "beta = u^L - v^L"
    public static func layerCount(depth: Int) -> Int { 2 }

    public let depth: Int
    public let dimension: Int
    public let initialWeights: [Double]

    public init(spec: ModelSpec, dimension d: Int) throws(SpecError) {
        try Self.checkDepth(spec.depth)
        depth = spec.depth
        dimension = d
        initialWeights = try spec.initialization.weights(layers: 2, dimension: d, expected: "2 (u then v) for the signed parametrization")
    }

    public var laneAlgebra: any LaneAlgebra {
        depth == 2 ? SignedAlgebra2() : SignedAlgebraN(depth: depth)
    }
}
