/// The model part of a run specification: which registered model (`param`), its depth and its initial weights.
///
/// JSON keys (flat in the run specification): `param` (the model's registered name: `product`, `signed`, ...),
/// `depth`, `alpha` (the same vector in every layer; a scalar means alpha * 1), `layer_init` (one vector per layer,
/// overriding `alpha`); the dense model (`param` `dense`) adds `width` (its hidden width H) and `seed` (of its Gaussian
/// init, whose standard deviation is the scalar `alpha`).
public struct ModelSpec: Sendable, Equatable {
    /// The registered name of the model (the key `param`).
    public var name: String
    /// The depth L (key `depth`).
    public var depth: Int
    /// The balanced init alpha (key `alpha`): one value for alpha * 1, or one per coordinate.
    public var alpha: [Double]
    /// One vector per layer; when present it overrides `alpha`.
    public var layerInit: [[Double]]?
    /// The hidden width H of the dense model (key `width`); nil for the diagonal models.
    public var width: Int?
    /// The seed of the dense model's Gaussian init (key `seed`); nil means `Defaults.seed`.
    public var seed: UInt64?

    /// The values a spec takes when it leaves a model key out.
    public enum Defaults {
        /// The product parametrization.
        public static let name = "product"
        /// Depth 2.
        public static let depth = 2
        /// alpha = 0.5 in every coordinate.
        public static let alpha: [Double] = [0.5]
        /// Seed 1 for the dense model's init.
        public static let seed: UInt64 = 1
    }

    /// The model part with the given name, depth and initial weights.
    public init(name: String = Defaults.name, depth: Int = Defaults.depth, alpha: [Double] = Defaults.alpha,
                layerInit: [[Double]]? = nil, width: Int? = nil, seed: UInt64? = nil) {
        self.name = name
        self.depth = depth
        self.alpha = alpha
        self.layerInit = layerInit
        self.width = width
        self.seed = seed
    }

    /// The initialization this spec asks for.
    public var initialization: Initialization {
        if let layers = layerInit { return .layers(layers) }
        return .alpha(alpha)
    }

    /// Checks what can be checked without the data.
    public func validate() throws(SpecError) {
        guard depth >= 1 else { throw .outOfRange(field: "depth", value: "\(depth)", requirement: "must be at least 1") }
        guard alpha.allSatisfy(\.isFinite) else { throw .inconsistent(field: "alpha", detail: "has a non-finite entry") }
        guard !alpha.isEmpty else { throw .inconsistent(field: "alpha", detail: "needs at least one value") }
        if let width, width < 1 { throw .outOfRange(field: "width", value: "\(width)", requirement: "must be at least 1") }
        if name == DenseNetwork.name {
            guard width != nil else { throw .missingKey(path: "", key: "width (the dense model's hidden width)") }
        } else {
            if width != nil { throw .inapplicable(field: "width", reason: "is a setting of the dense model (param dense), not of \(name)") }
            if seed != nil { throw .inapplicable(field: "seed", reason: "is a setting of the dense model's init (param dense), not of \(name)") }
        }
    }
}

/// Initial weights: the same vector alpha in every layer (a scalar means alpha * 1), or one vector per layer.
public enum Initialization: Sendable, Equatable {
    /// The balanced init: the same vector in every layer (THEORY.md §1.2).
    case alpha([Double])
    /// One vector per layer (unbalanced inits, THEORY.md §4.8).
    case layers([[Double]])

    /// Layer-major weights for `layers` vectors of length d; `expected` says what `layers` counts, for messages
    /// ("one per layer (depth 2)").
    public func weights(layers: Int, dimension d: Int, expected: String) throws(SpecError) -> [Double] {
        var w = [Double]()
        w.reserveCapacity(layers * d)
        switch self {
        case .alpha(let alpha):
            guard alpha.allSatisfy(\.isFinite) else { throw .inconsistent(field: "alpha", detail: "has a non-finite entry") }
            let perCoordinate: [Double]
            if alpha.count == 1 {
                perCoordinate = Array(repeating: alpha[0], count: d)
            } else if alpha.count == d {
                perCoordinate = alpha
            } else {
                throw .inconsistent(field: "alpha", detail: "has \(alpha.count) entries but the data has d = \(d) (give 1 or \(d))")
            }
            for _ in 0..<layers { w += perCoordinate }
        case .layers(let given):
            guard given.count == layers else {
                throw .inconsistent(field: "layer_init", detail: "given \(given.count) times, expected \(expected)")
            }
            for (l, layer) in given.enumerated() {
                guard layer.allSatisfy(\.isFinite) else {
                    throw .inconsistent(field: SpecField("layer_init", index: l), detail: "has a non-finite entry")
                }
                guard layer.count == d else {
                    throw .inconsistent(field: SpecField("layer_init", index: l), detail: "has \(layer.count) entries but the data has d = \(d)")
                }
                w += layer
            }
        }
        return w
    }
}
