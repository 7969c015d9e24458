/// The algebra of the signed parametrization, beta_j = u_j^L - v_j^L (THEORY.md §1.2): two layers whatever the
/// depth, degree L.
public protocol SignedLaneAlgebra: LaneAlgebra {
    /// The depth L: the exponent of u and v.
    var depth: Int { get }
}

extension SignedLaneAlgebra {
    /// Two layers, u and v, whatever the depth.
    public var layerCount: Int { 2 }
    /// (u + c Du)^L - (v + c Dv)^L has degree L in c.
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

    /// (u + du)^L - u^L - ((v + dv)^L - v^L), each power's increment without cancellation.
    @inline(__always)
    public func betaIncrement(_ theta: Storage, delta: Storage) -> Lanes {
        Self.powerIncrement(theta[0], delta[0], depth) - Self.powerIncrement(theta[1], delta[1], depth)
    }

    /// d^2 beta / du^2 = L (L-1) u^(L-2), d^2 beta / dv^2 = -L (L-1) v^(L-2), and no mixed term: exact, where
    /// polarization would leave the rounding of u^(L-2) - v^(L-2) off the diagonal.
    public func betaHessian(_ theta: Storage) -> [Lanes] {
        guard depth >= 2 else { return [Lanes](repeating: .zero, count: 4) }
        let c = Lanes(repeating: Double(depth * (depth - 1)))
        return [c * Self.power(theta[0], depth - 2), .zero, .zero, -c * Self.power(theta[1], depth - 2)]
    }

    /// u^L - v^L is held at 0 only when both u and v are.
    public func pinsPredictor(held: [Bool]) -> Bool { held.count == 2 && held[0] && held[1] }
}

/// The signed algebra at depth 2.
public struct SignedAlgebra2: SignedLaneAlgebra {
    /// Room for the two layers and the three polynomial coefficients.
    public typealias Storage = LaneArray<4>
    /// The depth-2 signed algebra.
    public init() {}
    /// Always 2.
    public var depth: Int { 2 }
}

/// The signed algebra at any depth up to `ProductAlgebraN.maximumDepth`, carried as a value.
public struct SignedAlgebraN: SignedLaneAlgebra {
    /// Room for `ProductAlgebraN.maximumDepth + 1` polynomial coefficients.
    public typealias Storage = LaneArray<17>
    /// The depth L, `1...ProductAlgebraN.maximumDepth`.
    public let depth: Int

    /// The signed algebra at depth L (a precondition: `1...ProductAlgebraN.maximumDepth`).
    public init(depth: Int) {
        precondition(depth >= 1 && depth <= ProductAlgebraN.maximumDepth)
        self.depth = depth
    }
}
