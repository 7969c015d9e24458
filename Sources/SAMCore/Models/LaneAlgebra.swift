/// The per-coordinate algebra of a diagonal model: beta_j depends only on the weights of coordinate j.
///
/// Coordinate j owns one weight per layer, theta_l, l = 0..<layerCount (layer-major storage). Everything a kernel
/// needs is local to a coordinate: beta_j, d beta_j / d theta_l, the polynomial c -> beta_j(theta + c D) (the
/// perturbed predictor along a direction D), and the exact increment of beta_j. The functions work on a block of
/// four coordinates at once: `theta[l]` holds layer l of the block.
///
/// A model is one type conforming to `Model`; its algebra is a type conforming to this protocol. Kernels are generic
/// over the algebra and the rule; the standard registry specializes them for the algebras listed in
/// `FastAlgebras` (each a concrete type, so that loop bounds are constants and the work stays in registers). An
/// algebra that is not listed runs through the same generic code, correct but slower.
public protocol LaneAlgebra: Sendable {
    /// The per-block working storage: one `Lanes` per layer, or per polynomial coefficient (`degree + 1` of them).
    associatedtype Storage: LaneStorage
    /// Weight vectors of length d (layers of the network; 2 for u and v of the signed parametrization).
    var layerCount: Int { get }
    /// The degree in c of beta(theta + c D): the number of polynomial coefficients is `degree + 1`.
    var degree: Int { get }
    /// beta of the block.
    func beta(_ theta: Storage) -> Lanes
    /// d beta / d theta_l, l = 0..<layerCount (finite at zero weights: no division).
    func betaGradient(_ theta: Storage) -> Storage
    /// Coefficients of the polynomial c -> beta(theta + c D): entry k multiplies c^k, k = 0...degree.
    func perturbedBetaPolynomial(_ theta: Storage, direction: Storage) -> Storage
    /// beta(theta + delta) - beta(theta), accurate also when delta is tiny against theta (no cancellation).
    func betaIncrement(_ theta: Storage, delta: Storage) -> Lanes
    /// Whether beta of a coordinate is held at 0 whatever its other weights do, when the weights of the layers
    /// flagged in `held` are held at 0 (a collapse of the l_inf flow's sliding modes).
    func pinsPredictor(held: [Bool]) -> Bool
    /// The Hessian of beta with respect to the block's weights, d^2 beta / d theta_l d theta_k, as `layerCount`^2
    /// lanes, row-major (entry `l * layerCount + k`); THEORY.md §8.1. The default obtains it from
    /// `perturbedBetaPolynomial` by polarization, so an algebra of one's own has it without writing it.
    func betaHessian(_ theta: Storage) -> [Lanes]
}

extension LaneAlgebra {
    /// d^2 beta / d theta_l d theta_k by polarization of the c^2 coefficient p_2(D) = (1/2) D^T (Hess beta) D of
    /// c -> beta(theta + c D): the diagonal is 2 p_2(e_l), the rest p_2(e_l + e_k) - p_2(e_l) - p_2(e_k). Exact for
    /// a polynomial algebra up to the rounding of those coefficients; zero when beta has degree below 2.
    public func betaHessian(_ theta: Storage) -> [Lanes] {
        let m = layerCount
        var hessian = [Lanes](repeating: .zero, count: m * m)
        guard degree >= 2 else { return hessian }
        func second(_ layers: Int...) -> Lanes {
            var direction = Storage()
            for l in layers { direction[l] = Lanes(repeating: 1) }
            return perturbedBetaPolynomial(theta, direction: direction)[2]
        }
        let diagonal = (0..<m).map { second($0) }
        for l in 0..<m {
            hessian[l * m + l] = 2 * diagonal[l]
            for k in (l + 1)..<m {
                let mixed = second(l, k) - diagonal[l] - diagonal[k]
                hessian[l * m + k] = mixed
                hessian[k * m + l] = mixed
            }
        }
        return hessian
    }

    /// Block b of every layer from layer-major storage with `blocks` blocks per layer.
    @inline(__always)
    public func load(_ weights: UnsafePointer<Lanes>, block b: Int, blocks: Int) -> Storage {
        var theta = Storage()
        for l in 0..<layerCount { theta[l] = weights[l * blocks + b] }
        return theta
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

    /// x^k, lane by lane.
    @inline(__always)
    public static func power(_ x: Lanes, _ k: Int) -> Lanes {
        var result = Lanes(repeating: 1)
        for _ in 0..<k { result *= x }
        return result
    }

    /// (t + e)^k - t^k without cancellation (the increment of a power).
    @inline(__always)
    public static func powerIncrement(_ t: Lanes, _ e: Lanes, _ k: Int) -> Lanes {
        var change = Lanes.zero, moved = Lanes(repeating: 1)
        for _ in 0..<k {
            change = change * t + moved * e
            moved *= t + e
        }
        return change
    }
}
