/// The algebra of the product parametrization, beta_j = prod_l theta_l (THEORY.md §1.2): L layers, degree L.
///
/// The math lives in this protocol's extension; the conforming types differ only in how they carry the depth:
/// in the type (`ProductAlgebra1`, `2`, `3`, with small storage) or as a value (`ProductAlgebraN`).
public protocol ProductLaneAlgebra: LaneAlgebra {
    /// The depth L: the number of factors of beta_j.
    var depth: Int { get }
}

extension ProductLaneAlgebra {
    /// L layers, one factor each.
    public var layerCount: Int { depth }
    /// beta(theta + c D) is a product of L linear factors in c, so its degree is L.
    public var degree: Int { depth }

    /// beta = prod_l theta_l.
    @inline(__always)
    public func beta(_ theta: Storage) -> Lanes {
        var p = Lanes(repeating: 1)
        for l in 0..<depth { p *= theta[l] }
        return p
    }

    /// d beta / d theta_l = prod_{k != l} theta_k, by prefix and suffix products (a zero weight gives no NaN).
    @inline(__always)
    public func betaGradient(_ theta: Storage) -> Storage {
        var out = Storage()
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
        return out
    }

    /// prod_l (theta_l + c D_l) multiplied out one layer at a time, starting from the first factor (not from 1 and
    /// 0, whose products the optimizer may not drop: 0 * x is NaN for infinite x).
    @inline(__always)
    public func perturbedBetaPolynomial(_ theta: Storage, direction: Storage) -> Storage {
        var out = Storage()
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
        return out
    }

    /// For p_k = p_{k-1} (t_k + e_k), D_k = D_{k-1} t_k + p_{k-1} e_k accumulates the change exactly up to rounding
    /// in each term.
    @inline(__always)
    public func betaIncrement(_ theta: Storage, delta: Storage) -> Lanes {
        var change = Lanes.zero, moved = Lanes(repeating: 1)
        for l in 0..<depth {
            let t = theta[l], e = delta[l]
            change = change * t + moved * e
            moved *= t + e
        }
        return change
    }

    /// A product is 0 when any of its factors is.
    public func pinsPredictor(held: [Bool]) -> Bool { held.contains(true) }
}

/// The product algebra at depth 1 (the linear model).
public struct ProductAlgebra1: ProductLaneAlgebra {
    /// Room for the one layer and the two polynomial coefficients.
    public typealias Storage = LaneArray<4>
    /// The depth-1 product algebra.
    public init() {}
    /// Always 1.
    public var depth: Int { 1 }
}

/// The product algebra at depth 2.
public struct ProductAlgebra2: ProductLaneAlgebra {
    /// Room for the two layers and the three polynomial coefficients.
    public typealias Storage = LaneArray<4>
    /// The depth-2 product algebra.
    public init() {}
    /// Always 2.
    public var depth: Int { 2 }
}

/// The product algebra at depth 3.
public struct ProductAlgebra3: ProductLaneAlgebra {
    /// Room for the three layers and the four polynomial coefficients.
    public typealias Storage = LaneArray<4>
    /// The depth-3 product algebra.
    public init() {}
    /// Always 3.
    public var depth: Int { 3 }
}

/// The product algebra at any depth up to `maximumDepth`, carried as a value.
public struct ProductAlgebraN: ProductLaneAlgebra {
    /// Room for `maximumDepth + 1` polynomial coefficients.
    public typealias Storage = LaneArray<17>
    /// The largest depth the storage holds (16), and so the largest depth of every built-in model.
    public static let maximumDepth = 16
    /// The depth L, `1...maximumDepth`.
    public let depth: Int

    /// The product algebra at depth L (a precondition: `1...maximumDepth`).
    public init(depth: Int) {
        precondition(depth >= 1 && depth <= Self.maximumDepth)
        self.depth = depth
    }
}
