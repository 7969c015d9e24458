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
/// A new rule is one new type conforming to this protocol. The elementwise parts act on four components at once
/// (`Lanes`), so that the steppers run them as vector code.
public protocol Perturbation: Sendable {
    /// True for plain gradient descent (eps = 0): the stepper then takes one gradient per step.
    var isZero: Bool { get }

    /// The elementwise shape of the ascent direction for gradient components `g` of weights `w`.
    func shape(gradient g: Lanes, weight w: Lanes) -> Lanes

    /// The components' contributions to the sum that the coefficient normalizes by.
    func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes

    /// The common coefficient, from the gradient's log-scale and the normalizer sum. Must be finite and must
    /// be 0 (not NaN) when the gradient is zero.
    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double
}

extension Perturbation {
    public var isZero: Bool { false }

    /// eps(w) for the gradient g = e^s ghat over all parameters (`weights` and `ghat` of equal length), or nil
    /// when the coefficient is not finite (the normalizer overflowed).
    public func epsilon(weights: [Double], gradientDirection ghat: [Double], logScale s: Double) -> [Double]? {
        precondition(weights.count == ghat.count)
        let w = PaddedLayers.lanes(weights), g = PaddedLayers.lanes(ghat)
        var normalizer = Lanes.zero
        for i in 0..<w.count { normalizer += normalizerTerm(gradient: g[i], weight: w[i]) }
        let total = normalizer.sum()
        let c = isZero ? 0 : coefficient(logGradientScale: s, normalizer: total)
        guard c.isFinite, total.isFinite else { return nil }
        let eps = (0..<w.count).map { c * shape(gradient: g[$0], weight: w[$0]) }
        return (0..<weights.count).map { eps[$0 / Lanes.scalarCount][$0 % Lanes.scalarCount] }
    }
}
