/// Plain gradient descent: eps = 0.
public struct NoPerturbation: Perturbation {
    public init() {}
    public var isZero: Bool { true }
    public func shape(gradient g: Double, weight w: Double) -> Double { 0 }
    public func normalizerTerm(gradient g: Double, weight w: Double) -> Double { 0 }
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { 0 }
}
