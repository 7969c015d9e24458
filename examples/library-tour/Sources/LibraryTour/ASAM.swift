import SAMLab

/// Adaptive SAM (Kwon et al. 2021, "ASAM: Adaptive Sharpness-Aware Minimization"), defined outside the library:
///
///     eps = rho T_w^2 g / ||T_w g||_2,   T_w = diag(|w| + eta),
///
/// in SAMLab's elementwise form: shape (|w| + eta)^2 g, normalizer ((|w| + eta) g)^2, coefficient rho / sqrt(sum).
/// eta is the rule's own parameter, the key `my_asam_eta` of a run specification. SAMLab has ASAM built in
/// (`asam`, `asam_eta`); this one-file copy shows how a rule of one's own is made, and the tour checks that it takes
/// the built-in rule's steps.
struct ASAM: Rule {
    static let name = "my-asam"
    static let summary = "eps = rho (|w|+eta)^2 g / ||(|w|+eta) g||_2"
    static let displayName = "ASAM (defined here)"
    static let parameters = [
        RuleParameter(key: "my_asam_eta", defaultValue: 0.01, summary: "the offset eta of T_w = diag(|w| + eta)",
                      minimum: 0, minimumIncluded: true),
    ]

    let rho: Double
    let eta: Double

    init(spec: RuleSpec) {
        rho = spec.rho
        eta = spec.value(of: Self.parameters[0])
    }

    /// The diagonal of T_w, |w| + eta, four components at a time.
    func scale(_ w: Lanes) -> Lanes { pointwiseMax(w, -w) + Lanes(repeating: eta) }

    func shape(gradient g: Lanes, weight w: Lanes) -> Lanes {
        let t = scale(w)
        return t * t * g
    }

    func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes {
        let tg = scale(w) * g
        return tg * tg
    }

    /// rho / ||T_w ghat||_2: like l2-SAM, the gradient's scale e^s cancels; 0 when the gradient is 0.
    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        normalizer > 0 ? rho / normalizer.squareRoot() : 0
    }
}
