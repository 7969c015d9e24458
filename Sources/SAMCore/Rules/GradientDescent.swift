/// Plain gradient descent (and gradient flow): eps = 0, so w <- w - eta grad L(w) (THEORY.md §1.4).
public struct GradientDescent: Rule {
    public static let name = "gd"
    public static let aliases = ["gf"]
    public static let summary = "eps = 0 (gradient descent; gf, gradient flow, is the same rule)"
    public static let displayName = "GD"
    public static var usesRadius: Bool { false }

    public init() {}
    public init(spec: RuleSpec) {}

    public var isZero: Bool { true }
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { 0 }
}
