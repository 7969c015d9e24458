/// l2-SAM (Foret et al. 2021): eps = rho g / ||g||_2, the norm over all parameters (all layers concatenated);
/// eps = 0 when g = 0 (THEORY.md §1.4).
public struct L2SAM: RadiusRule {
    public static let name = "l2-sam"
    public static let summary = "eps = rho g/||g||_2"
    public static let displayName = "ℓ₂-SAM"
    public let rho: Double

    public init(rho: Double) {
        self.rho = rho
    }

    @inline(__always)
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { g }

    @inline(__always)
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { g * g }

    /// rho / ||ghat||_2: the scale e^s cancels, so an underflowing gradient still gives a step of length rho.
    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        normalizer > 0 ? rho / normalizer.squareRoot() : 0
    }
}
