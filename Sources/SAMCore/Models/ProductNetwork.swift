/// The L-layer linear diagonal network of the paper, beta = w^(1) * ... * w^(L) elementwise (THEORY.md §1.2):
/// L layers of d weights. L = 1 is the linear model.
public struct ProductNetwork: LayeredDiagonalNetwork, Equatable {
    /// The name in specifications (`param`) and on the command line: `product`.
    public static let name = "product"
    /// The formula, for help texts.
    public static let summary = "beta = w1*...*wL"
    /// One weight vector per layer: L of them.
    public static func layerCount(depth: Int) -> Int { depth }
    /// What `layer_init` must hold at depth L, for messages.
    public static func layerDescription(depth: Int) -> String { "one per layer (depth \(depth))" }

    /// The depth L (number of layers).
    public let depth: Int
    /// The data dimension d.
    public let dimension: Int
    /// Layer-major initial weights, `L * d` of them (`alpha` in every layer for a balanced init, THEORY.md §1.2).
    public let initialWeights: [Double]

    /// The network with the given depth, dimension and layer-major initial weights.
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
