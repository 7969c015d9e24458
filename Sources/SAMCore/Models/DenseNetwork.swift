/// The dense deep linear network f(x) = W_L ... W_1 x (THEORY.md §4.18): W_1 in R^(H x d), W_l in R^(H x H) for
/// 1 < l < L, W_L in R^(1 x H), so beta = (W_L ... W_1)^T in R^d and every beta-based output applies unchanged.
///
/// Weights are the layers' entries in order, each layer row-major (out x in). The initialization is i.i.d.
/// Gaussian with standard deviation `alpha` (a scalar) from `SplitMix64(seed)`, drawn in storage order, so `train`
/// and `flow` start from the same weights for the same seed. Gradient descent on separable data turns its beta toward
/// the l2 max-margin direction (Ji & Telgarsky, "Gradient descent aligns the layers of deep linear networks", ICLR
/// 2019), unlike the diagonal network's l1 direction at L = 2.
///
/// With u_L = 1, u_(l-1) = W_l^T u_l (so beta = u_0) and, for a vector g in R^d, v_0 = g, v_l = W_l v_(l-1):
///
///     <beta, g> = v_L,   d <beta, g> / d W_l = u_l v_(l-1)^T,
///
/// and along a direction V the derivatives du_(l-1) = V_l^T u_l + W_l^T du_l (du_L = 0) and
/// dv_l = V_l v_(l-1) + W_l dv_(l-1) (dv_0 = 0) give J V = du_0 and the derivative of the pullback,
/// du_l v_(l-1)^T + u_l dv_(l-1)^T, each in O(L H^2 + H d).
public struct DenseNetwork: Model, Equatable {
    /// The name in specifications (`param`) and on the command line (`--model dense`): `dense`.
    public static let name = "dense"
    /// The formula, for help texts.
    public static let summary = "f(x) = W_L...W_1 x, hidden width --width, Gaussian init (sd --alpha, --seed)"
    /// L layers (matrices).
    public static func layerCount(depth: Int) -> Int { depth }

    /// The depth L >= 2.
    public let depth: Int
    /// The data dimension d.
    public let dimension: Int
    /// The hidden width H.
    public let width: Int
    /// The initial weights, layer by layer, each row-major.
    public let initialWeights: [Double]

    /// The network of depth L and width H for dimension d with the given weights (a precondition: the right count).
    public init(depth: Int, width: Int, dimension: Int, initialWeights: [Double]) {
        precondition(depth >= 2 && width >= 1)
        self.depth = depth
        self.width = width
        self.dimension = dimension
        self.initialWeights = initialWeights
        precondition(initialWeights.count == parameterCount)
    }

    /// The network the spec describes: depth >= 2, a width, a scalar alpha (the standard deviation), the seed.
    public init(spec: ModelSpec, dimension d: Int) throws(SpecError) {
        try Self.checkDepth(spec.depth)
        guard spec.depth >= 2 else {
            throw .outOfRange(field: "depth", value: "\(spec.depth)", requirement: "must be at least 2 for the dense model (depth 1 is the linear model: use --param product)")
        }
        guard let width = spec.width else { throw .missingKey(path: "", key: "width (the dense model's hidden width)") }
        guard width >= 1 else { throw .outOfRange(field: "width", value: "\(width)", requirement: "must be at least 1") }
        guard spec.layerInit == nil else { throw .inapplicable(field: "layer_init", reason: "is a setting of the diagonal models; the dense model draws its weights from alpha and seed") }
        guard spec.alpha.count == 1 else {
            throw .inconsistent(field: "alpha", detail: "has \(spec.alpha.count) entries; the dense model takes one number, the standard deviation of its Gaussian init")
        }
        guard spec.alpha[0] >= 0 else { throw .outOfRange(field: "alpha", value: "\(spec.alpha[0])", requirement: "must be non-negative for the dense model (a standard deviation)") }
        let shapes = Self.shapes(depth: spec.depth, width: width, dimension: d)
        let count = shapes.reduce(0) { $0 + $1.count }
        guard count <= Self.maximumParameters else {
            throw .inconsistent(field: "width", detail: "(\(width)) gives \(count) weights at depth \(spec.depth) and d = \(d), more than \(Self.maximumParameters)")
        }
        var generator = SplitMix64(seed: spec.seed ?? ModelSpec.Defaults.seed)
        let sd = spec.alpha[0]
        let weights = (0..<count).map { _ in sd * generator.nextNormal() }
        self.init(depth: spec.depth, width: width, dimension: d, initialWeights: weights)
    }

    /// The most weights a dense network may have: 10^7.
    public static let maximumParameters = 10_000_000

    /// W_1: H x d, W_l: H x H, W_L: 1 x H.
    static func shapes(depth: Int, width: Int, dimension d: Int) -> [LayerShape] {
        (0..<depth).map { l in
            .matrix(rows: l == depth - 1 ? 1 : width, columns: l == 0 ? d : width)
        }
    }

    /// The layers' shapes (out x in).
    public var layerShapes: [LayerShape] { Self.shapes(depth: depth, width: width, dimension: dimension) }

    /// (rows, columns, offset) of layer l (0-based).
    func layout() -> [(rows: Int, columns: Int, offset: Int)] {
        var offset = 0
        return layerShapes.map { shape in
            guard case .matrix(let r, let c) = shape else { fatalError("dense layers are matrices") }
            defer { offset += r * c }
            return (r, c, offset)
        }
    }

    /// W x for layer l (stored in w at `offset`).
    static func multiply(_ w: [Double], _ layer: (rows: Int, columns: Int, offset: Int), _ x: [Double]) -> [Double] {
        (0..<layer.rows).map { i in
            var s = 0.0
            let row = layer.offset + i * layer.columns
            for k in 0..<layer.columns { s += w[row + k] * x[k] }
            return s
        }
    }

    /// W^T y for layer l.
    static func multiplyTransposed(_ w: [Double], _ layer: (rows: Int, columns: Int, offset: Int), _ y: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: layer.columns)
        for i in 0..<layer.rows where y[i] != 0 {
            let row = layer.offset + i * layer.columns
            for k in 0..<layer.columns { out[k] += w[row + k] * y[i] }
        }
        return out
    }

    /// u_l for l = L..0 (index l): u_L = 1, u_(l-1) = W_l^T u_l.
    func backward(_ w: [Double]) -> [[Double]] {
        let layers = layout()
        var u = [[Double]](repeating: [], count: depth + 1)
        u[depth] = [1]
        for l in stride(from: depth, to: 0, by: -1) { u[l - 1] = Self.multiplyTransposed(w, layers[l - 1], u[l]) }
        return u
    }

    /// beta = u_0 = (W_L ... W_1)^T.
    public func beta(of weights: [Double]) -> [Double] { backward(weights)[0] }

    /// d <beta, g> / d W_l = u_l v_(l-1)^T, v_0 = g, v_l = W_l v_(l-1).
    public func pullback(weights: [Double], betaGradient g: [Double]) -> [Double] {
        let layers = layout(), u = backward(weights)
        var out = [Double](repeating: 0, count: weights.count)
        var v = g
        for l in 1...depth {
            let layer = layers[l - 1]
            for i in 0..<layer.rows {
                for k in 0..<layer.columns { out[layer.offset + i * layer.columns + k] = u[l][i] * v[k] }
            }
            v = Self.multiply(weights, layer, v)
        }
        return out
    }

    /// du_l for l = L..0 along `direction`: du_L = 0, du_(l-1) = V_l^T u_l + W_l^T du_l.
    func backwardDerivative(_ w: [Double], _ direction: [Double], _ u: [[Double]]) -> [[Double]] {
        let layers = layout()
        var du = [[Double]](repeating: [], count: depth + 1)
        du[depth] = [0]
        for l in stride(from: depth, to: 0, by: -1) {
            let a = Self.multiplyTransposed(direction, layers[l - 1], u[l]), b = Self.multiplyTransposed(w, layers[l - 1], du[l])
            du[l - 1] = zip(a, b).map { $0 + $1 }
        }
        return du
    }

    /// J V = du_0.
    public func pushforward(weights: [Double], velocity v: [Double]) -> [Double] {
        backwardDerivative(weights, v, backward(weights))[0]
    }

    /// du_l v_(l-1)^T + u_l dv_(l-1)^T, with dv_0 = 0 and dv_l = V_l v_(l-1) + W_l dv_(l-1).
    public func pullbackDerivative(weights: [Double], betaGradient g: [Double], direction: [Double]) -> [Double] {
        let layers = layout(), u = backward(weights)
        let du = backwardDerivative(weights, direction, u)
        var out = [Double](repeating: 0, count: weights.count)
        var v = g, dv = [Double](repeating: 0, count: g.count)
        for l in 1...depth {
            let layer = layers[l - 1]
            for i in 0..<layer.rows {
                for k in 0..<layer.columns { out[layer.offset + i * layer.columns + k] = du[l][i] * v[k] + u[l][i] * dv[k] }
            }
            let nextDv = zip(Self.multiply(direction, layer, v), Self.multiply(weights, layer, dv)).map { $0 + $1 }
            v = Self.multiply(weights, layer, v)
            dv = nextDv
        }
        return out
    }

    /// 0: each beta_j is a sum of products with one entry of every layer, so no weight appears squared and the
    /// Hessian of beta_j has a zero diagonal.
    public func secondOrderTrace(weights: [Double], betaGradient g: [Double]) -> Double { 0 }

    /// None: every weight feeds several coordinates.
    public func coordinate(ofWeight i: Int) -> Int? { nil }
}
