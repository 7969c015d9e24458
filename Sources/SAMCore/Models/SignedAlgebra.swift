/// The algebra of the signed parametrization, beta_j = u_j^L - v_j^L (THEORY.md §1.2): two layers whatever the
/// depth, degree L.
public protocol SignedLaneAlgebra: LaneAlgebra {
    var depth: Int { get }
}

extension SignedLaneAlgebra {
    public var layerCount: Int { 2 }
    public var degree: Int { depth }

    /// beta = u^L - v^L.
    @inline(__always)
    public func beta(_ theta: Storage) -> Lanes {
        Self.power(theta[0], depth) - Self.power(theta[1], depth)
    }

    /// d beta / du = L u^(L-1), d beta / dv = -L v^(L-1).
    @inline(__always)
    public func betaGradient(_ theta: Storage) -> Storage {
        var out = Storage()
        let L = Lanes(repeating: Double(depth))
        out[0] = L * Self.power(theta[0], depth - 1)
        out[1] = -L * Self.power(theta[1], depth - 1)
        return out
    }

    /// (u + c Du)^L - (v + c Dv)^L, term by term: C(L, k) (u^(L-k) Du^k - v^(L-k) Dv^k).
    @inline(__always)
    public func perturbedBetaPolynomial(_ theta: Storage, direction: Storage) -> Storage {
        var out = Storage()
        let u = theta[0], v = theta[1], du = direction[0], dv = direction[1]
        var binomial = 1.0
        for k in 0...depth {
            out[k] = binomial * (Self.power(u, depth - k) * Self.power(du, k) - Self.power(v, depth - k) * Self.power(dv, k))
            binomial = binomial * Double(depth - k) / Double(k + 1)
        }
        return out
    }

    @inline(__always)
    public func betaIncrement(_ theta: Storage, delta: Storage) -> Lanes {
        Self.powerIncrement(theta[0], delta[0], depth) - Self.powerIncrement(theta[1], delta[1], depth)
    }

    /// u^L - v^L is held at 0 only when both u and v are.
    public func pinsPredictor(held: [Bool]) -> Bool { held.count == 2 && held[0] && held[1] }
}

/// The signed algebra at depth 2.
public struct SignedAlgebra2: SignedLaneAlgebra {
    public typealias Storage = LaneArray<4>
    public init() {}
    public var depth: Int { 2 }
}

/// The signed algebra at any depth up to `ProductAlgebraN.maximumDepth`, carried as a value.
public struct SignedAlgebraN: SignedLaneAlgebra {
    public typealias Storage = LaneArray<17>
    public let depth: Int

    public init(depth: Int) {
        precondition(depth >= 1 && depth <= ProductAlgebraN.maximumDepth)
        self.depth = depth
    }
}
