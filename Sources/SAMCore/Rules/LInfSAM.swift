/// l_inf-SAM: eps = rho sign(g), componentwise; a zero component gives no perturbation (sign 0 = 0)
/// (THEORY.md §1.4).
public struct LInfSAM: RadiusRule {
    public static let name = "linf-sam"
    public static let summary = "eps = rho sign g"
    public static let displayName = "ℓ∞-SAM"
    public let rho: Double

    public init(rho: Double) {
        self.rho = rho
    }

    @inline(__always)
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes {
        Lanes.zero.replacing(with: 1, where: g .> 0).replacing(with: -1, where: g .< 0)
    }

    @inline(__always)
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }

    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { rho }
}
