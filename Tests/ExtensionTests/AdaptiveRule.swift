import Foundation
import SAMCore

/// A rule defined outside the library: adaptive SAM (ASAM, Kwon et al., ICML 2021), eps = rho T^2 g / ||T g||_2 with
/// T = diag(|w| + eta). One file; `Extensions.registry` adds it with one line.
struct TestAdaptiveSAM: Rule {
    static let name = "test-asam"
    static let summary = "eps = rho T^2 g/||T g||_2, T = diag(|w| + eta)"
    static let parameters = [RuleParameter(key: "test_eta", defaultValue: 0.01, summary: "eta of T = diag(|w| + eta)", minimum: 0)]

    let rho: Double
    let eta: Double

    init(spec: RuleSpec) {
        rho = spec.rho
        eta = spec.value(of: Self.parameters[0])
    }

    /// T = |w| + eta, lane by lane.
    func scale(_ w: Lanes) -> Lanes { w.replacing(with: -w, where: w .< 0) + Lanes(repeating: eta) }

    func shape(gradient g: Lanes, weight w: Lanes) -> Lanes {
        let t = scale(w)
        return t * t * g
    }

    func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes {
        let tg = scale(w) * g
        return tg * tg
    }

    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        normalizer > 0 ? rho / normalizer.squareRoot() : 0
    }
}
