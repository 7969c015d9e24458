/// A model of the linear predictor f(x) = <beta(w), x>: how the weights w make beta, and where they start.
///
/// A new model is one type conforming to this protocol plus one registration line (`Registry.registering(model:)`).
/// Models are diagonal: beta_j depends only on the weights of coordinate j, one weight per layer, stored
/// layer-major (`weights[l * d + j]`), and `laneAlgebra` gives the per-coordinate math that the kernels run on.
public protocol Model: Sendable {
    /// The model's name in specifications (the key `param`) and on the command line.
    static var name: String { get }
    /// One line for help texts.
    static var summary: String { get }
    /// How many weight vectors of length d the model has at depth L.
    static func layerCount(depth: Int) -> Int
    /// The largest depth the model supports.
    static var maximumDepth: Int { get }

    /// The model for data of dimension d, with the initial weights the spec asks for.
    init(spec: ModelSpec, dimension: Int) throws(SpecError)

    /// The depth L of the network (the exponent of the product or of the signed powers).
    var depth: Int { get }
    /// The data dimension d: the number of coordinates of beta.
    var dimension: Int { get }
    /// Layer-major initial weights, `layerCount * dimension` of them.
    var initialWeights: [Double] { get }
    /// The per-coordinate algebra the kernels step with.
    var laneAlgebra: any LaneAlgebra { get }
}

extension Model {
    /// The largest depth of the built-in algebras (`ProductAlgebraN.maximumDepth`).
    public static var maximumDepth: Int { ProductAlgebraN.maximumDepth }

    /// Weight vectors of length d.
    public var layerCount: Int { Self.layerCount(depth: depth) }

    /// beta for the given layer-major weights.
    public func beta(of weights: [Double]) -> [Double] {
        Self.beta(laneAlgebra, weights: weights, dimension: dimension)
    }

    static func beta<A: LaneAlgebra>(_ algebra: A, weights: [Double], dimension: Int) -> [Double] {
        let padded = PaddedLayers(weights: weights, dimension: dimension, layers: algebra.layerCount)
        let blocks = padded.blocks
        var beta = [Double]()
        padded.storage.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let value = algebra.beta(algebra.load(w.baseAddress!, block: b, blocks: blocks))
                for lane in 0..<Lanes.scalarCount where Lanes.scalarCount * b + lane < dimension { beta.append(value[lane]) }
            }
        }
        return beta
    }

    /// The weights as one list per layer.
    public func layers(of weights: [Double]) -> [[Double]] {
        (0..<layerCount).map { Array(weights[$0 * dimension..<($0 + 1) * dimension]) }
    }

    /// Checks the depth against the model's limits (for `init(spec:dimension:)`).
    public static func checkDepth(_ depth: Int) throws(SpecError) {
        guard depth >= 1 else { throw .outOfRange(field: "depth", value: "\(depth)", requirement: "must be at least 1") }
        guard depth <= maximumDepth else {
            throw .outOfRange(field: "depth", value: "\(depth)", requirement: "must be at most \(maximumDepth)")
        }
    }
}

/// A diagonal network whose weights are `layerCount(depth:)` vectors of length d, initialized from `alpha` or
/// `layer_init` (`ProductNetwork`, `SignedNetwork`): the spec's checks and the initial weights are shared.
public protocol LayeredDiagonalNetwork: Model {
    /// What `layer_init` must hold, for messages ("one per layer (depth 2)").
    static func layerDescription(depth: Int) -> String
    /// The network of depth L for dimension d with the given layer-major initial weights (`layerCount(depth:) * d`).
    init(depth: Int, dimension: Int, initialWeights: [Double])
}

extension LayeredDiagonalNetwork {
    /// The network the spec describes: checks the depth, then builds the weights from `alpha` or `layer_init`.
    public init(spec: ModelSpec, dimension d: Int) throws(SpecError) {
        try Self.checkDepth(spec.depth)
        let weights = try spec.initialization.weights(layers: Self.layerCount(depth: spec.depth), dimension: d,
                                                      expected: Self.layerDescription(depth: spec.depth))
        self.init(depth: spec.depth, dimension: d, initialWeights: weights)
    }
}
