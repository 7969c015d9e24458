/// Adaptive SAM (ASAM; J. Kwon, J. Kim, H. Park, I. K. Choi, "ASAM: Adaptive Sharpness-Aware Minimization for
/// Scale-Invariant Learning of Deep Neural Networks", ICML 2021, eq. 7 with T_w = diag(|w| + eta)):
///
///     eps = rho T^2 g / ||T g||_2,   T = diag(|w| + eta),   eps = 0 when T g = 0,
///
/// over all parameters (THEORY.md §1.4, §4.15). In the elementwise form: shape (|w| + eta)^2 g, normalizer
/// ((|w| + eta) g)^2, coefficient rho / sqrt(sum); like l2-SAM the gradient's scale e^s cancels. eta = 0 is the
/// form of the widely used PyTorch SAM's `adaptive=True` (T = diag(|w|)). ||eps||_2 = rho only where T = I.
public struct AdaptiveSAM: Rule {
    /// The name in specifications (`optimizer`) and on the command line: `asam`.
    public static let name = "asam"
    /// The formula, for help texts.
    public static let summary = "eps = rho T^2 g/||T g||_2, T = diag(|w| + asam_eta) (Kwon et al. 2021)"
    /// The name in legends and reports.
    public static let displayName = "ASAM"
    /// `asam_eta` (`--asam-eta`): the offset eta of T = diag(|w| + eta), non-negative, 0.01 by default.
    public static let parameters = [
        RuleParameter(key: "asam_eta", defaultValue: 0.01, summary: "ASAM's eta in T = diag(|w| + eta), >= 0", minimum: 0),
    ]

    /// The radius rho (the length of T^-1 eps).
    public let rho: Double
    /// The offset eta of T = diag(|w| + eta).
    public let eta: Double

    /// ASAM with radius rho and offset eta (a precondition: eta >= 0).
    public init(rho: Double, eta: Double) {
        precondition(eta >= 0, "ASAM's eta must be non-negative")
        self.rho = rho
        self.eta = eta
    }

    /// ASAM with the spec's radius and `asam_eta`.
    public init(spec: RuleSpec) {
        self.init(rho: spec.rho, eta: spec.value(of: Self.parameters[0]))
    }

    /// The diagonal of T, |w| + eta, lane by lane.
    @inline(__always)
    func scale(_ w: Lanes) -> Lanes { abs(w) + Lanes(repeating: eta) }

    /// (|w| + eta)^2 g: the direction T^2 g.
    @inline(__always)
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes {
        let t = scale(w)
        return t * t * g
    }

    /// ((|w| + eta) g)^2: summed over all parameters it gives ||T ghat||_2^2.
    @inline(__always)
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes {
        let tg = scale(w) * g
        return tg * tg
    }

    /// rho / ||T ghat||_2, and 0 when T ghat = 0 (a zero gradient, or eta = 0 at w = 0).
    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        normalizer > 0 ? rho / normalizer.squareRoot() : 0
    }
}
