/// The per-coordinate algebra of a diagonal network: beta_j depends only on the weights of coordinate j.
///
/// Coordinate j owns one weight per layer, `theta_l = weights[l * stride + j]`, l = 0..<layerCount. Everything a
/// stepper needs is local to a coordinate: beta_j, d beta_j / d theta_l, the polynomial c -> beta_j(theta + c D)
/// (the perturbed predictor along a direction D), and the exact increment of beta_j. The functions take a pointer
/// to theta_0 and the layer stride so that they read weights in place.
public struct CoordinateAlgebra: Sendable, Equatable {
    public static let maximumDepth = 16

    public let parametrization: Parametrization
    public let depth: Int

    public init(parametrization: Parametrization, depth: Int) {
        self.parametrization = parametrization
        self.depth = depth
    }

    public var layerCount: Int { parametrization.layerCount(depth: depth) }

    @inline(__always)
    static func power(_ x: Double, _ k: Int) -> Double {
        var result = 1.0
        for _ in 0..<k { result *= x }
        return result
    }

    /// beta_j = prod_l theta_l (product) or u^L - v^L (signed).
    @inline(__always)
    public func beta(_ theta: UnsafePointer<Double>, stride: Int) -> Double {
        switch parametrization {
        case .product:
            var p = 1.0
            for l in 0..<depth { p *= theta[l * stride] }
            return p
        case .signed:
            return Self.power(theta[0], depth) - Self.power(theta[stride], depth)
        }
    }

    /// Writes d beta_j / d theta_l into `out[l]` (prefix and suffix products, so a zero weight gives no NaN).
    @inline(__always)
    public func betaGradient(_ theta: UnsafePointer<Double>, stride: Int, into out: UnsafeMutablePointer<Double>) {
        switch parametrization {
        case .product:
            var prefix = 1.0
            for l in 0..<depth {
                out[l] = prefix
                prefix *= theta[l * stride]
            }
            var suffix = 1.0
            var l = depth - 1
            while l >= 0 {
                out[l] *= suffix
                suffix *= theta[l * stride]
                l -= 1
            }
        case .signed:
            let L = Double(depth)
            out[0] = L * Self.power(theta[0], depth - 1)
            out[1] = -L * Self.power(theta[stride], depth - 1)
        }
    }

    /// Coefficients of the polynomial c -> beta_j(theta + c D): `out[k]` multiplies c^k, k = 0...depth.
    /// `direction[l]` is D_l (contiguous, one entry per layer).
    @inline(__always)
    public func perturbedBetaPolynomial(_ theta: UnsafePointer<Double>, stride: Int,
                                        direction: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        switch parametrization {
        case .product:
            out[0] = 1
            for k in 1...depth { out[k] = 0 }
            for l in 0..<depth {
                let w = theta[l * stride], dl = direction[l]
                var k = l + 1
                while k >= 1 {
                    out[k] = out[k] * w + out[k - 1] * dl
                    k -= 1
                }
                out[0] *= w
            }
        case .signed:
            // (u + c Du)^L - (v + c Dv)^L, term by term: C(L, k) (u^(L-k) Du^k - v^(L-k) Dv^k).
            let u = theta[0], v = theta[stride], du = direction[0], dv = direction[1]
            var binomial = 1.0
            for k in 0...depth {
                out[k] = binomial * (Self.power(u, depth - k) * Self.power(du, k) - Self.power(v, depth - k) * Self.power(dv, k))
                binomial = binomial * Double(depth - k) / Double(k + 1)
            }
        }
    }

    /// beta_j(theta + delta) - beta_j(theta) without cancellation: for a product p_k = p_{k-1} (t_k + e_k),
    /// D_k = D_{k-1} t_k + p_{k-1} e_k accumulates the change exactly up to rounding in each term.
    @inline(__always)
    public func betaIncrement(_ theta: UnsafePointer<Double>, stride: Int, delta: UnsafePointer<Double>) -> Double {
        switch parametrization {
        case .product:
            var change = 0.0, moved = 1.0
            for l in 0..<depth {
                let t = theta[l * stride], e = delta[l]
                change = change * t + moved * e
                moved *= t + e
            }
            return change
        case .signed:
            return Self.powerIncrement(theta[0], delta[0], depth) - Self.powerIncrement(theta[stride], delta[1], depth)
        }
    }

    @inline(__always)
    static func powerIncrement(_ t: Double, _ e: Double, _ k: Int) -> Double {
        var change = 0.0, moved = 1.0
        for _ in 0..<k {
            change = change * t + moved * e
            moved *= t + e
        }
        return change
    }
}

extension CoordinateAlgebra {
    /// (beta_j(theta + f u) - beta_j(theta)) / f for f > 0, and its limit sum_l d beta_j/d theta_l u_l as f -> 0
    /// (used when f is too small to scale u without losing bits). `gradient` holds d beta_j / d theta at theta.
    @inline(__always)
    public func scaledIncrement(_ theta: UnsafePointer<Double>, stride: Int, direction u: UnsafePointer<Double>,
                                factor f: Double, gradient: UnsafePointer<Double>,
                                scratch: UnsafeMutablePointer<Double>) -> Double {
        let m = layerCount
        if f > GrowthScan.firstOrderThreshold {
            for l in 0..<m { scratch[l] = f * u[l] }
            return betaIncrement(theta, stride: stride, delta: scratch) / f
        }
        var first = 0.0
        for l in 0..<m { first += gradient[l] * u[l] }
        return first
    }
}
