/// A model of the linear predictor f(x) = <beta(w), x>: how the weights w make beta, and where they start.
///
/// A model is seen by the runners through beta and its first and second derivatives in the weights, all over one
/// flat vector of weights (the layers' entries in storage order, `layerShapes`):
///
///     beta(w)                                  beta(of:)
///     J(w)^T g = sum_j g_j grad beta_j(w)      pullback      (the gradient over the weights from one over beta)
///     J(w) v                                    pushforward   (d beta / dt along a velocity of the weights)
///     sum_j g_j (Hess beta_j(w)) v              pullbackDerivative  (the Hessian's second-order term)
///
/// A diagonal model (`DiagonalModel`: beta_j depends only on coordinate j's weights) has all four from its lane
/// algebra and runs on the fast lane kernels; any other model (`DenseNetwork`) writes them itself and runs on
/// `ParameterKernel`. A new model is one type conforming to one of the two protocols plus one registration line
/// (`Registry.registering(model:)`).
public protocol Model: Sendable {
    /// The model's name in specifications (the key `param`) and on the command line.
    static var name: String { get }
    /// One line for help texts.
    static var summary: String { get }
    /// How many layers (weight vectors or matrices) the model has at depth L.
    static func layerCount(depth: Int) -> Int
    /// The largest depth the model supports.
    static var maximumDepth: Int { get }

    /// The model for data of dimension d, with the initial weights the spec asks for.
    init(spec: ModelSpec, dimension: Int) throws(SpecError)

    /// The depth L of the network.
    var depth: Int { get }
    /// The data dimension d: the number of coordinates of beta.
    var dimension: Int { get }
    /// The initial weights, the layers' entries in storage order.
    var initialWeights: [Double] { get }
    /// The shape of each layer, in storage order (a diagonal model's layers are vectors of length d).
    var layerShapes: [LayerShape] { get }

    /// beta(w).
    func beta(of weights: [Double]) -> [Double]
    /// J(w)^T g: the gradient over the weights of <beta(w), g> for a fixed g in R^d.
    func pullback(weights: [Double], betaGradient g: [Double]) -> [Double]
    /// beta(w) written into `out` (d entries): the numbers of `beta(of:)`, for loops that must not allocate
    /// (`ParameterKernel`'s example groups). The default calls `beta(of:)`.
    func beta(of weights: [Double], into out: inout [Double])
    /// J(w)^T g written into `out` (one entry per weight): the numbers of `pullback(weights:betaGradient:)`, for
    /// loops that must not allocate. The default calls it.
    func pullback(weights: [Double], betaGradient g: [Double], into out: inout [Double])
    /// J(w) v: the rate of change of beta along a velocity v of the weights.
    func pushforward(weights: [Double], velocity v: [Double]) -> [Double]
    /// sum_j g_j (Hess_w beta_j(w)) v: the derivative of `pullback` along v with g held fixed.
    func pullbackDerivative(weights: [Double], betaGradient g: [Double], direction v: [Double]) -> [Double]
    /// sum_j g_j tr(Hess_w beta_j(w)): the trace of the Hessian's second-order term. The default sums
    /// `pullbackDerivative` along each unit vector (one call per weight); models with a closed form override it.
    func secondOrderTrace(weights: [Double], betaGradient g: [Double]) -> Double
    /// The coordinate j whose beta_j weight i alone feeds (diagonal models: i mod d), or nil when the weight feeds
    /// several coordinates (dense layers). Zero crossings, sliding modes and collapse are tracked per coordinate
    /// only where this is set.
    func coordinate(ofWeight i: Int) -> Int?
}

/// The shape of one layer of weights: a vector of d entries (a diagonal model's layer) or a matrix of rows x columns
/// stored row-major (a dense layer, out x in).
public enum LayerShape: Sendable, Equatable {
    /// A vector of this many entries.
    case vector(Int)
    /// A matrix stored row-major.
    case matrix(rows: Int, columns: Int)

    /// The number of weights in the layer.
    public var count: Int {
        switch self {
        case .vector(let n): n
        case .matrix(let r, let c): r * c
        }
    }
}

/// A diagonal model: beta_j depends only on the weights of coordinate j, one weight per layer, stored layer-major
/// (`weights[l * d + j]`), and `laneAlgebra` gives the per-coordinate math that the lane kernels run on. Every
/// requirement of `Model` beyond the algebra has its default here.
public protocol DiagonalModel: Model {
    /// The per-coordinate algebra the kernels step with.
    var laneAlgebra: any LaneAlgebra { get }
}

extension DiagonalModel {
    /// `layerCount` vectors of length d.
    public var layerShapes: [LayerShape] { Array(repeating: .vector(dimension), count: layerCount) }

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

    /// (J^T g)_(l d + j) = g_j d beta_j / d theta_l.
    public func pullback(weights: [Double], betaGradient g: [Double]) -> [Double] {
        let d = dimension, m = layerCount
        let parts = DiagonalHessian.coordinateDerivatives(laneAlgebra, weights: weights, dimension: d, secondOrder: false)
        var out = [Double](repeating: 0, count: m * d)
        for l in 0..<m { for j in 0..<d { out[l * d + j] = g[j] * parts.gradient[l * d + j] } }
        return out
    }

    /// (J v)_j = sum_l (d beta_j / d theta_l) v_(l d + j).
    public func pushforward(weights: [Double], velocity v: [Double]) -> [Double] {
        let d = dimension, m = layerCount
        let parts = DiagonalHessian.coordinateDerivatives(laneAlgebra, weights: weights, dimension: d, secondOrder: false)
        var out = [Double](repeating: 0, count: d)
        for l in 0..<m { for j in 0..<d { out[j] += parts.gradient[l * d + j] * v[l * d + j] } }
        return out
    }

    /// g_j sum_k (d^2 beta_j / d theta_l d theta_k) v_(k d + j), from the algebra's `betaHessian`.
    public func pullbackDerivative(weights: [Double], betaGradient g: [Double], direction v: [Double]) -> [Double] {
        let d = dimension, m = layerCount
        let parts = DiagonalHessian.coordinateDerivatives(laneAlgebra, weights: weights, dimension: d)
        var out = [Double](repeating: 0, count: m * d)
        for l in 0..<m {
            for j in 0..<d {
                var sum = 0.0
                for k in 0..<m { sum += parts.hessian[(l * m + k) * d + j] * v[k * d + j] }
                out[l * d + j] = g[j] * sum
            }
        }
        return out
    }

    /// sum_j g_j sum_l d^2 beta_j / d theta_l^2, from the algebra's `betaHessian`.
    public func secondOrderTrace(weights: [Double], betaGradient g: [Double]) -> Double {
        let d = dimension, m = layerCount
        let parts = DiagonalHessian.coordinateDerivatives(laneAlgebra, weights: weights, dimension: d)
        var sum = 0.0
        for l in 0..<m { for j in 0..<d { sum += g[j] * parts.hessian[(l * m + l) * d + j] } }
        return sum
    }

    /// Weight i = l d + j feeds coordinate j.
    public func coordinate(ofWeight i: Int) -> Int? { i % dimension }

    /// The weights as one list per layer.
    public func layers(of weights: [Double]) -> [[Double]] {
        (0..<layerCount).map { Array(weights[$0 * dimension..<($0 + 1) * dimension]) }
    }
}

extension Model {
    /// The largest depth of the built-in algebras (`ProductAlgebraN.maximumDepth`).
    public static var maximumDepth: Int { ProductAlgebraN.maximumDepth }

    /// The number of layers at the model's depth.
    public var layerCount: Int { Self.layerCount(depth: depth) }

    /// The number of weights (all layers).
    public var parameterCount: Int { layerShapes.reduce(0) { $0 + $1.count } }

    /// `beta(of:)`, copied into `out`.
    public func beta(of weights: [Double], into out: inout [Double]) { out = beta(of: weights) }

    /// `pullback(weights:betaGradient:)`, copied into `out`.
    public func pullback(weights: [Double], betaGradient g: [Double], into out: inout [Double]) {
        out = pullback(weights: weights, betaGradient: g)
    }

    /// sum_i e_i^T (pullbackDerivative along e_i): one call per weight.
    public func secondOrderTrace(weights: [Double], betaGradient g: [Double]) -> Double {
        var unit = [Double](repeating: 0, count: weights.count), sum = 0.0
        for i in 0..<weights.count {
            unit[i] = 1
            sum += pullbackDerivative(weights: weights, betaGradient: g, direction: unit)[i]
            unit[i] = 0
        }
        return sum
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
public protocol LayeredDiagonalNetwork: DiagonalModel {
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
