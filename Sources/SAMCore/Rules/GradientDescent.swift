/// Plain gradient descent (and gradient flow): eps = 0, so w <- w - eta grad L(w) (THEORY.md §1.4).
public struct GradientDescent: Rule {
    /// The name in specifications (`optimizer`) and on the command line: `gd`.
    public static let name = "gd"
    /// `gf` (gradient flow) names the same rule.
    public static let aliases = ["gf"]
    /// The formula, for help texts.
    public static let summary = "eps = 0 (gradient descent; gf, gradient flow, is the same rule)"
    /// The name in legends and reports.
    public static let displayName = "GD"
    /// GD has no radius.
    public static var usesRadius: Bool { false }

    /// Gradient descent (it has no parameters).
    public init() {}
    /// Gradient descent; the spec's radius is ignored.
    public init(spec: RuleSpec) {}

    /// Always true: eps = 0, one gradient per step.
    public var isZero: Bool { true }
    /// Zero: GD does not perturb.
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    /// Zero: nothing to normalize.
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    /// Zero: eps = 0.
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { 0 }
}
