/// A SAM perturbation rule: where to evaluate the gradient, eps(w), given the gradient g at w.
///
/// Every rule SAMLab knows is "a common coefficient times an elementwise shape":
///
///     eps_i = coefficient(log s, sum_k normalizerTerm(ghat_k, w_k)) * shape(ghat_i, w_i),
///
/// where the gradient over all parameters is g = e^s * ghat: the stepper hands over its direction `ghat`
/// (moderate in size) and its log-scale `s` separately, because e^s underflows for large margins while the
/// normalized rules (l2, l_inf) do not depend on it at all. l2-SAM is shape g, normalizer g^2, coefficient
/// rho / sqrt(sum); l_inf-SAM is shape sign(g), coefficient rho; ASAM would be shape w^2 g with normalizer (w g)^2.
/// A new rule is one new type conforming to this protocol.
public protocol Perturbation: Sendable {
    /// True for plain gradient descent (eps = 0): the stepper then takes one gradient per step.
    var isZero: Bool { get }

    /// The elementwise shape of the ascent direction for gradient component `g` of weight `w`.
    func shape(gradient g: Double, weight w: Double) -> Double

    /// One component's contribution to the sum that the coefficient normalizes by.
    func normalizerTerm(gradient g: Double, weight w: Double) -> Double

    /// The common coefficient, from the gradient's log-scale and the normalizer sum. Must be finite and must
    /// be 0 (not NaN) when the gradient is zero.
    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double
}

extension Perturbation {
    public var isZero: Bool { false }
}

extension Perturbation {
    /// eps(w) for the gradient g = e^s ghat over all parameters (`weights` and `ghat` of equal length), or nil
    /// when the coefficient is not finite (the normalizer overflowed).
    public func epsilon(weights: [Double], gradientDirection ghat: [Double], logScale s: Double) -> [Double]? {
        precondition(weights.count == ghat.count)
        if isZero { return Array(repeating: 0, count: weights.count) }
        var normalizer = 0.0
        for i in 0..<weights.count { normalizer += normalizerTerm(gradient: ghat[i], weight: weights[i]) }
        let c = coefficient(logGradientScale: s, normalizer: normalizer)
        guard c.isFinite, normalizer.isFinite else { return nil }
        return (0..<weights.count).map { c * shape(gradient: ghat[$0], weight: weights[$0]) }
    }
}
