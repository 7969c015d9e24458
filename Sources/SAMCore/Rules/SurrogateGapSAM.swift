/// Surrogate-gap guided SAM (GSAM; J. Zhuang, B. Gong, L. Yuan, Y. Cui, H. Adam, N. Dvornek, S. Tatikonda,
/// J. Duncan, T. Liu, "Surrogate Gap Guided Sharpness-Aware Minimization", ICLR 2022, Algorithm 1).
///
/// With g = grad L(w), eps = rho g / ||g||_2 (l2-SAM's, 0 when g = 0) and g_p = grad L(w + eps), the gradient g is
/// split into its part along g_p and the rest,
///
///     g_perp = g - (<g, g_p> / ||g_p||_2^2) g_p   (g_perp = g when g_p = 0),
///
/// and the step direction is g_p - alpha g_perp: descend on the perturbed loss, and ascend, orthogonally to g_p, on
/// the surrogate gap L(w + eps) - L(w) (THEORY.md §4.16). alpha = 0 is l2-SAM; the rule then runs as `L2SAM` itself
/// (`kernelRule`), bit for bit. The elementwise form is l2-SAM's; alpha is the hook `surrogateGapWeight`.
public struct SurrogateGapSAM: Rule {
    /// The name in specifications (`optimizer`) and on the command line: `gsam`.
    public static let name = "gsam"
    /// The formula, for help texts.
    public static let summary = "eps = rho g/||g||_2, step g_p - gsam_alpha g_perp, g_perp = g - (<g,g_p>/||g_p||^2) g_p (Zhuang et al. 2022)"
    /// The name in legends and reports.
    public static let displayName = "GSAM"
    /// `gsam_alpha` (`--gsam-alpha`): alpha, non-negative, 0.1 by default.
    public static let parameters = [
        RuleParameter(key: "gsam_alpha", defaultValue: 0.1, summary: "GSAM's alpha in the step g_p - alpha g_perp, >= 0 (0: l2-SAM)", minimum: 0),
    ]

    /// The radius rho of eps.
    public let rho: Double
    /// alpha >= 0.
    public let alpha: Double
    /// `L2SAM` at alpha = 0, `SurrogateGapForm` otherwise.
    public let kernelRule: any Rule

    /// GSAM with radius rho and weight alpha (a precondition: alpha >= 0).
    public init(rho: Double, alpha: Double) {
        precondition(alpha >= 0, "GSAM's alpha must be non-negative")
        self.rho = rho
        self.alpha = alpha
        kernelRule = alpha == 0 ? L2SAM(rho: rho) : SurrogateGapForm(rho: rho, alpha: alpha)
    }

    /// GSAM with the spec's radius and `gsam_alpha`.
    public init(spec: RuleSpec) {
        self.init(rho: spec.rho, alpha: spec.value(of: Self.parameters[0]))
    }

    /// The kernel rule of alpha > 0.
    public static func visitKernelRuleTypes<V: RuleTypeVisitor>(_ visitor: inout V) {
        visitor.visit(SurrogateGapForm.self)
    }

    /// None: `kernelRule` is always `L2SAM` or `SurrogateGapForm`.
    public static func visitOwnKernelType<V: RuleTypeVisitor>(_ visitor: inout V) {}

    /// alpha.
    public var surrogateGapWeight: Double { alpha }

    /// g (l2-SAM's shape).
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { L2SAM(rho: rho).shape(gradient: g, weight: w) }

    /// g^2 (l2-SAM's).
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { L2SAM(rho: rho).normalizerTerm(gradient: g, weight: w) }

    /// rho / ||ghat||_2, 0 when it is 0 (l2-SAM's).
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        L2SAM(rho: rho).coefficient(logGradientScale: s, normalizer: normalizer)
    }
}

/// GSAM at alpha > 0 (`SurrogateGapSAM.kernelRule`): l2-SAM's elementwise form (`base`) with `surrogateGapWeight`
/// = alpha.
struct SurrogateGapForm: BaseFormRule {
    static var name: String { SurrogateGapSAM.name }
    static var summary: String { SurrogateGapSAM.summary }
    static var parameters: [RuleParameter] { SurrogateGapSAM.parameters }
    /// The perturbation eps = rho g / ||g||_2.
    let base: L2SAM
    let alpha: Double

    init(rho: Double, alpha: Double) {
        base = L2SAM(rho: rho)
        self.alpha = alpha
    }

    init(spec: RuleSpec) { self.init(rho: spec.rho, alpha: spec.value(of: SurrogateGapSAM.parameters[0])) }

    var surrogateGapWeight: Double { alpha }
}
