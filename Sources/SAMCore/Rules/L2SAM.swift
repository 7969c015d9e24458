/// l2-SAM (Foret et al. 2021): eps = rho g / ||g||_2, the norm over all parameters (all layers concatenated);
/// eps = 0 when g = 0 (THEORY.md §1.4).
public struct L2SAM: RadiusRule {
    /// The name in specifications (`optimizer`) and on the command line: `l2-sam`.
    public static let name = "l2-sam"
    /// The formula, for help texts.
    public static let summary = "eps = rho g/||g||_2"
    /// The name in legends and reports.
    public static let displayName = "ℓ₂-SAM"
    /// The radius rho: eps has length exactly rho whenever g != 0.
    public let rho: Double

    /// l2-SAM with radius rho.
    public init(rho: Double) {
        self.rho = rho
    }

    /// The direction of eps is g itself.
    @inline(__always)
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { g }

    /// g_i^2: summed over all parameters it gives ||ghat||_2^2.
    @inline(__always)
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { g * g }

    /// rho / ||ghat||_2: the scale e^s cancels, so an underflowing gradient still gives a step of length rho.
    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        normalizer > 0 ? rho / normalizer.squareRoot() : 0
    }
}
