import SAMCore

/// A model defined outside the library: the weight-tied diagonal network beta_j = w_j^L (every layer shares one
/// weight vector), one layer of d weights. One file (model and its algebra); one registration line.
struct TestTiedNetwork: DiagonalModel {
    static let name = "test-tied"
    static let summary = "beta = w^L (tied layers)"
    static func layerCount(depth: Int) -> Int { 1 }

    let depth: Int
    let dimension: Int
    let initialWeights: [Double]

    init(spec: ModelSpec, dimension d: Int) throws(SpecError) {
        try Self.checkDepth(spec.depth)
        depth = spec.depth
        dimension = d
        initialWeights = try spec.initialization.weights(layers: 1, dimension: d, expected: "1 (one tied layer)")
    }

    var laneAlgebra: any LaneAlgebra { TiedAlgebra(depth: depth) }
}

/// beta = w^L for one block of four coordinates.
struct TiedAlgebra: LaneAlgebra {
    typealias Storage = LaneArray<17>
    let depth: Int
    var layerCount: Int { 1 }
    var degree: Int { depth }

    func beta(_ theta: Storage) -> Lanes { Self.power(theta[0], depth) }

    func betaGradient(_ theta: Storage) -> Storage {
        var out = Storage()
        out[0] = Double(depth) * Self.power(theta[0], depth - 1)
        return out
    }

    /// (w + c D)^L = sum_k C(L, k) w^(L-k) D^k c^k.
    func perturbedBetaPolynomial(_ theta: Storage, direction: Storage) -> Storage {
        var out = Storage()
        var binomial = 1.0
        for k in 0...depth {
            out[k] = binomial * Self.power(theta[0], depth - k) * Self.power(direction[0], k)
            binomial = binomial * Double(depth - k) / Double(k + 1)
        }
        return out
    }

    func betaIncrement(_ theta: Storage, delta: Storage) -> Lanes { Self.powerIncrement(theta[0], delta[0], depth) }

    func pinsPredictor(held: [Bool]) -> Bool { held.first == true }
}
