import Foundation

/// Unnormalized SAM (beyond the paper, for ablation): eps = rho g (THEORY.md §4.13). It removes exactly the
/// normalization that the paper blames for minor-first amplification, so it needs the true size of g: the
/// coefficient is rho e^s.
public struct UnnormalizedSAM: RadiusRule {
    /// The name in specifications (`optimizer`) and on the command line: `usam`.
    public static let name = "usam"
    /// The formula, for help texts.
    public static let summary = "eps = rho g (unnormalized)"
    /// The name in legends and reports.
    public static let displayName = "unnormalized SAM"
    /// The factor rho in eps = rho g (not a radius: the length of eps is rho ||g||).
    public let rho: Double

    /// Unnormalized SAM with factor rho.
    public init(rho: Double) {
        self.rho = rho
    }

    /// The direction of eps is g itself.
    @inline(__always)
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { g }

    /// Zero: no normalization.
    @inline(__always)
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }

    /// rho e^s: with g = e^s ghat this makes eps = rho g, so it depends on the true size of g.
    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        rho * Foundation.exp(s)
    }
}
