/// The signed parametrization beta = u^L - v^L (THEORY.md §1.2): two layers (u, v) of d weights whatever the depth.
/// With u = v it starts at beta = 0.
public struct SignedNetwork: LayeredDiagonalNetwork, Equatable {
    public static let name = "signed"
    public static let summary = "beta = u^L - v^L"
    public static func layerCount(depth: Int) -> Int { 2 }
    public static func layerDescription(depth: Int) -> String { "2 (u then v) for the signed parametrization" }

    public let depth: Int
    public let dimension: Int
    public let initialWeights: [Double]

    public init(depth: Int, dimension: Int, initialWeights: [Double]) {
        self.depth = depth
        self.dimension = dimension
        self.initialWeights = initialWeights
    }

    public var laneAlgebra: any LaneAlgebra {
        depth == 2 ? SignedAlgebra2() : SignedAlgebraN(depth: depth)
    }
}
