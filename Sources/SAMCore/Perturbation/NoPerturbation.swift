/// Plain gradient descent: eps = 0.
public struct NoPerturbation: Perturbation {
    public init() {}
    public var isZero: Bool { true }
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { 0 }
}
