/// Four coordinates' values of one layer, processed together (vector lanes).
public typealias Lanes = SIMD4<Double>

/// A small fixed-capacity array of lanes, held by value: one entry per layer, or per polynomial coefficient.
///
/// Kernels keep their per-block work in local variables of this kind; with a fixed algebra every index is a
/// constant and the optimizer keeps them in registers.
public protocol LaneStorage {
    init()
    subscript(_ i: Int) -> Lanes { get set }
}

/// `count` lanes in line (no heap, no reference counting).
public struct LaneArray<let count: Int>: LaneStorage {
    var values: InlineArray<count, Lanes>

    @inline(__always)
    public init() { values = InlineArray(repeating: .zero) }

    @inline(__always)
    public subscript(_ i: Int) -> Lanes {
        get { values[i] }
        set { values[i] = newValue }
    }
}

/// The per-coordinate algebra of a diagonal network: beta_j depends only on the weights of coordinate j.
///
/// Coordinate j owns one weight per layer, theta_l, l = 0..<layerCount. Everything a stepper needs is local to a
/// coordinate: beta_j, d beta_j / d theta_l, the polynomial c -> beta_j(theta + c D) (the perturbed predictor along
/// a direction D), and the exact increment of beta_j. The functions work on a block of coordinates at once:
/// `theta[l]` holds layer l of the block.
///
/// The math lives in this protocol's extension. `CoordinateAlgebra` carries the depth as a value; the types of
/// `FixedAlgebra` carry it in the type (and use small storage), so that a kernel specialized for them has constant
/// loop bounds, unrolled loops and its work in registers.
public protocol LocalAlgebra: Sendable {
    associatedtype Storage: LaneStorage
    var parametrization: Parametrization { get }
    var depth: Int { get }
}

/// The algebra of any depth and parametrization, chosen at run time.
public struct CoordinateAlgebra: LocalAlgebra, Equatable {
    public typealias Storage = LaneArray<17>
    public static let maximumDepth = 16

    public let parametrization: Parametrization
    public let depth: Int

    public init(parametrization: Parametrization, depth: Int) {
        self.parametrization = parametrization
        self.depth = depth
    }
}

/// Algebras whose depth is part of the type (the common cases of the kernels' fast paths).
public enum FixedAlgebra {
    public typealias Small = LaneArray<4>
    public struct Product1: LocalAlgebra {
        public typealias Storage = Small
        public var parametrization: Parametrization { .product }
        public var depth: Int { 1 }
    }
    public struct Product2: LocalAlgebra {
        public typealias Storage = Small
        public var parametrization: Parametrization { .product }
        public var depth: Int { 2 }
    }
    public struct Product3: LocalAlgebra {
        public typealias Storage = Small
        public var parametrization: Parametrization { .product }
        public var depth: Int { 3 }
    }
    public struct Signed2: LocalAlgebra {
        public typealias Storage = Small
        public var parametrization: Parametrization { .signed }
        public var depth: Int { 2 }
    }
}

extension LocalAlgebra {
    public var layerCount: Int { parametrization.layerCount(depth: depth) }

    @inline(__always)
    static func power(_ x: Lanes, _ k: Int) -> Lanes {
        var result = Lanes(repeating: 1)
        for _ in 0..<k { result *= x }
        return result
    }

    /// Block b of every layer from layer-major storage with `blocks` blocks per layer.
    @inline(__always)
    public func load(_ weights: UnsafePointer<Lanes>, block b: Int, blocks: Int) -> Storage {
        var theta = Storage()
        for l in 0..<layerCount { theta[l] = weights[l * blocks + b] }
        return theta
    }

    /// beta = prod_l theta_l (product) or u^L - v^L (signed).
    @inline(__always)
    public func beta(_ theta: Storage) -> Lanes {
        switch parametrization {
        case .product:
            var p = Lanes(repeating: 1)
            for l in 0..<depth { p *= theta[l] }
            return p
        case .signed:
            return Self.power(theta[0], depth) - Self.power(theta[1], depth)
        }
    }

    /// d beta / d theta_l (prefix and suffix products, so a zero weight gives no NaN).
    @inline(__always)
    public func betaGradient(_ theta: Storage) -> Storage {
        var out = Storage()
        switch parametrization {
        case .product:
            var prefix = Lanes(repeating: 1)
            for l in 0..<depth {
                out[l] = prefix
                prefix *= theta[l]
            }
            var suffix = Lanes(repeating: 1)
            var l = depth - 1
            while l >= 0 {
                out[l] *= suffix
                suffix *= theta[l]
                l -= 1
            }
        case .signed:
            let L = Lanes(repeating: Double(depth))
            out[0] = L * Self.power(theta[0], depth - 1)
            out[1] = -L * Self.power(theta[1], depth - 1)
        }
        return out
    }

    /// Coefficients of the polynomial c -> beta(theta + c D): entry k multiplies c^k, k = 0...depth.
    @inline(__always)
    public func perturbedBetaPolynomial(_ theta: Storage, direction: Storage) -> Storage {
        var out = Storage()
        switch parametrization {
        case .product:
            // Multiply out prod_l (theta_l + c D_l) one layer at a time, starting from the first factor (not from
            // 1 and 0, whose products the optimizer may not drop: 0 * x is NaN for infinite x).
            out[0] = theta[0]
            out[1] = direction[0]
            for l in 1..<depth {
                let w = theta[l], dl = direction[l]
                out[l + 1] = out[l] * dl
                var k = l
                while k >= 1 {
                    out[k] = out[k] * w + out[k - 1] * dl
                    k -= 1
                }
                out[0] *= w
            }
        case .signed:
            // (u + c Du)^L - (v + c Dv)^L, term by term: C(L, k) (u^(L-k) Du^k - v^(L-k) Dv^k).
            let u = theta[0], v = theta[1], du = direction[0], dv = direction[1]
            var binomial = 1.0
            for k in 0...depth {
                out[k] = binomial * (Self.power(u, depth - k) * Self.power(du, k) - Self.power(v, depth - k) * Self.power(dv, k))
                binomial = binomial * Double(depth - k) / Double(k + 1)
            }
        }
        return out
    }

    /// beta(theta + delta) - beta(theta) without cancellation: for a product p_k = p_{k-1} (t_k + e_k),
    /// D_k = D_{k-1} t_k + p_{k-1} e_k accumulates the change exactly up to rounding in each term.
    @inline(__always)
    public func betaIncrement(_ theta: Storage, delta: Storage) -> Lanes {
        switch parametrization {
        case .product:
            var change = Lanes.zero, moved = Lanes(repeating: 1)
            for l in 0..<depth {
                let t = theta[l], e = delta[l]
                change = change * t + moved * e
                moved *= t + e
            }
            return change
        case .signed:
            return Self.powerIncrement(theta[0], delta[0], depth) - Self.powerIncrement(theta[1], delta[1], depth)
        }
    }

    @inline(__always)
    static func powerIncrement(_ t: Lanes, _ e: Lanes, _ k: Int) -> Lanes {
        var change = Lanes.zero, moved = Lanes(repeating: 1)
        for _ in 0..<k {
            change = change * t + moved * e
            moved *= t + e
        }
        return change
    }

    /// (beta(theta + f u) - beta(theta)) / f for f > 0, and its limit sum_l d beta/d theta_l u_l as f -> 0 (used
    /// when f is too small to scale u without losing bits). `gradient` holds d beta / d theta at theta.
    @inline(__always)
    public func scaledIncrement(_ theta: Storage, direction u: Storage, factor f: Double, gradient: Storage) -> Lanes {
        let m = layerCount
        if f > GrowthScan.firstOrderThreshold {
            var delta = Storage()
            for l in 0..<m { delta[l] = f * u[l] }
            return betaIncrement(theta, delta: delta) / f
        }
        var first = Lanes.zero
        for l in 0..<m { first += gradient[l] * u[l] }
        return first
    }
}

/// Weights stored for the lane kernels: layer-major, each layer padded with zeros to a multiple of four.
/// A padded coordinate has all weights 0 and feature 0, so it contributes nothing and never moves.
struct PaddedLayers {
    let dimension: Int
    let layers: Int
    var blocks: Int { (dimension + Lanes.scalarCount - 1) / Lanes.scalarCount }
    var storage: [Lanes]

    init(weights: [Double], dimension d: Int, layers: Int) {
        dimension = d
        self.layers = layers
        let blocks = (d + Lanes.scalarCount - 1) / Lanes.scalarCount
        storage = Array(repeating: .zero, count: layers * blocks)
        for l in 0..<layers {
            for j in 0..<d { storage[l * blocks + j / Lanes.scalarCount][j % Lanes.scalarCount] = weights[l * d + j] }
        }
    }

    /// One padded vector (a single layer) from d values.
    static func lanes(_ values: [Double]) -> [Lanes] {
        PaddedLayers(weights: values, dimension: values.count, layers: 1).storage
    }

    var weights: [Double] {
        var w = [Double]()
        w.reserveCapacity(layers * dimension)
        for l in 0..<layers {
            for j in 0..<dimension { w.append(storage[l * blocks + j / Lanes.scalarCount][j % Lanes.scalarCount]) }
        }
        return w
    }
}
