/// l_inf-SAM: eps = rho sign(g), componentwise; a zero component gives no perturbation (sign 0 = 0)
/// (THEORY.md §1.4).
public struct LInfSAM: RadiusRule {
    /// The name in specifications (`optimizer`) and on the command line: `linf-sam`.
    public static let name = "linf-sam"
    /// The formula, for help texts.
    public static let summary = "eps = rho sign g"
    /// The name in legends and reports.
    public static let displayName = "ℓ∞-SAM"
    /// The radius rho: every nonzero component of eps is +-rho.
    public let rho: Double

    /// l_inf-SAM with radius rho.
    public init(rho: Double) {
        self.rho = rho
    }

    /// sign(g) componentwise, with sign(0) = 0 (THEORY.md §1.4).
    @inline(__always)
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes {
        Lanes.zero.replacing(with: 1, where: g .> 0).replacing(with: -1, where: g .< 0)
    }

    /// Zero: sign(g) needs no normalizer.
    @inline(__always)
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }

    /// rho, whatever the gradient's scale.
    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { rho }
}
