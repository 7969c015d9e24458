/// The L-layer linear diagonal network of the paper, beta = w^(1) * ... * w^(L) elementwise (THEORY.md §1.2):
/// L layers of d weights. L = 1 is the linear model.
public struct ProductNetwork: LayeredDiagonalNetwork, Equatable {
    public static let name = "product"
    public static let summary = "beta = w1*...*wL"
    public static func layerCount(depth: Int) -> Int { depth }
    public static func layerDescription(depth: Int) -> String { "one per layer (depth \(depth))" }

    public let depth: Int
    public let dimension: Int
    public let initialWeights: [Double]

    public init(depth: Int, dimension: Int, initialWeights: [Double]) {
        self.depth = depth
        self.dimension = dimension
        self.initialWeights = initialWeights
    }

    /// Depths 1 to 3 have algebras with the depth in the type (the kernels' fastest paths).
    public var laneAlgebra: any LaneAlgebra {
        switch depth {
        case 1: ProductAlgebra1()
        case 2: ProductAlgebra2()
        case 3: ProductAlgebra3()
        default: ProductAlgebraN(depth: depth)
        }
    }
}
