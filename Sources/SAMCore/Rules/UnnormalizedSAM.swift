import Foundation

/// Unnormalized SAM (beyond the paper, for ablation): eps = rho g (THEORY.md §4.13). It removes exactly the
/// normalization that the paper blames for minor-first amplification, so it needs the true size of g: the
/// coefficient is rho e^s.
public struct UnnormalizedSAM: RadiusRule {
    public static let name = "usam"
    public static let summary = "eps = rho g (unnormalized)"
    public static let displayName = "unnormalized SAM"
    public let rho: Double

    public init(rho: Double) {
        self.rho = rho
    }

    @inline(__always)
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { g }

    @inline(__always)
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }

    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        rho * Foundation.exp(s)
    }
}
