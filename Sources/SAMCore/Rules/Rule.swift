/// A SAM-family rule: an ascent step composed with an outer update (as in optax's SAM).
///
/// The ascent step is the perturbation eps(w) at which the update's gradient is taken; the outer update here is
/// gradient descent on the perturbed point, so a discrete step is w <- w - eta grad L(w + eps(w)) and the flow is
/// dw/dt = -grad L(w + eps(w)) (THEORY.md §1.4, §1.5). GD is the rule with eps = 0.
///
/// Every rule has the elementwise form "a common coefficient times an elementwise shape":
///
///     eps_i = coefficient(s, sum_k normalizerTerm(ghat_k, w_k)) * shape(ghat_i, w_i),
///
/// where the gradient over all parameters is g = e^s * ghat: the kernels hand over its direction `ghat` (moderate in
/// size) and its log-scale `s` separately, because e^s underflows for large margins while the normalized rules (l2,
/// l_inf) do not depend on it at all. l2-SAM is shape g, normalizer g^2, coefficient rho / sqrt(sum); l_inf-SAM is
/// shape sign(g), coefficient rho; ASAM (`AdaptiveSAM`) is shape (|w| + eta)^2 g with normalizer ((|w| + eta) g)^2. The
/// elementwise parts act on four components at once (`Lanes`), so that the kernels run them as vector code.
///
/// One form is not elementwise: a rule may put eps on a single component, picked by a score over all parameters
/// (`selectsOneComponent`; lp-SAM at p = 1). Every other rule leaves that hook at its default, and its kernels are
/// the elementwise ones.
///
/// A new rule is one type conforming to this protocol plus one registration line (`Registry.registering(rule:)`).
public protocol Rule: Sendable {
    /// The rule's name in specifications (the key `optimizer`) and on the command line.
    static var name: String { get }
    /// Other names accepted for the rule (`gf` for `gd`).
    static var aliases: [String] { get }
    /// One line for help texts: the formula of eps.
    static var summary: String { get }
    /// The name in figure legends and reports ("ℓ₂-SAM").
    static var displayName: String { get }
    /// Whether the rule uses the radius rho (false only for plain gradient descent).
    static var usesRadius: Bool { get }
    /// The rule's parameters beyond rho.
    static var parameters: [RuleParameter] { get }

    /// The rule with the radius and parameters of `spec` (already validated against `parameters`).
    init(spec: RuleSpec) throws(SpecError)

    /// True for plain gradient descent (eps = 0): the kernels then take one gradient per step.
    var isZero: Bool { get }

    /// The elementwise shape of the ascent direction for gradient components `g` of weights `w`.
    func shape(gradient g: Lanes, weight w: Lanes) -> Lanes

    /// The components' contributions to the sum that the coefficient normalizes by.
    func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes

    /// The common coefficient, from the gradient's log-scale and the normalizer sum. Must be finite and must be 0
    /// (not NaN) when the gradient is zero.
    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double

    /// Whether eps lives on one component only: the first component k, in parameter order (layer by layer: w_1
    /// before w_2, or u before v; coordinates in order within a layer), whose `selectionScore` is largest and
    /// positive gets eps_k = coefficient * shape(ghat_k, w_k), every other component 0, and eps = 0 when no score is
    /// positive. This is the one whole-vector form besides the elementwise one (l1-SAM: the maximizer of <g, eps>
    /// over ||eps||_1 <= rho is rho sign(g_k) e_k at the largest |g_k|). False by default: the rule is elementwise,
    /// and the kernels never look at the score.
    var selectsOneComponent: Bool { get }

    /// The score whose first largest positive value picks the component of a one-component rule (|g| for l1-SAM);
    /// not used by elementwise rules.
    func selectionScore(gradient g: Lanes, weight w: Lanes) -> Lanes

    /// The rule whose kernels take this rule's steps: the rule itself by default. A rule whose arithmetic depends on
    /// a parameter in a way the kernels should not branch on returns the rule of that case: another registered rule
    /// (lp-SAM at p = 2 is `L2SAM`, at p = inf `LInfSAM`, bit for bit), or a type it lists in
    /// `visitKernelRuleTypes`. Either way the kernels run specialized for that type.
    var kernelRule: any Rule { get }

    /// Shows `visitor` every unregistered type that `kernelRule` can return (none by default), so that registering
    /// the rule builds their kernels too, specialized (as `FastAlgebras` lists the algebras).
    static func visitKernelRuleTypes<V: RuleTypeVisitor>(_ visitor: inout V)

    /// Shows `visitor` the rule's own type if `kernelRule` can be the rule itself (the default). A rule whose
    /// `kernelRule` is always another type (m-SAM, lp-SAM, GSAM dispatch on their parameters) shows nothing, so that
    /// registering it compiles no kernels of its own type: they would never run, and each rule type's kernels cost
    /// several seconds of the release build (BENCHMARKS.md, "The build").
    static func visitOwnKernelType<V: RuleTypeVisitor>(_ visitor: inout V)

    /// The rule whose kernel takes this rule's steps on a single example: `kernelRule` by default. m-SAM returns
    /// l2-SAM or usam there, since one example is one group whatever M (bit for bit the same steps), so that its
    /// grouped forms need no one-example kernel (`RuleTypeVisitor.visitManyExampleType`).
    var singleExampleKernelRule: any Rule { get }

    /// m-sharpness (Foret et al. 2021; Andriushchenko & Flammarion, ICML 2022): when set to M, the examples, in
    /// data order, form consecutive groups of M (the last may be smaller); group b gets its own eps_b, the rule's
    /// elementwise form applied to the gradient g_b of the group's mean loss, and the step direction is
    /// sum_b (n_b / n) grad L_b(w + eps_b). Nil by default (one group of all n examples); M >= n is the same as nil.
    var exampleGroupSize: Int? { get }

    /// GSAM's alpha (Zhuang et al., ICLR 2022): with g the gradient at w and g_p the gradient at w + eps, the step
    /// direction is g_p - alpha g_perp, g_perp = g - (<g, g_p> / ||g_p||^2) g_p (g_perp = g when g_p = 0). 0 by
    /// default: the direction is g_p.
    var surrogateGapWeight: Double { get }
}

/// Something that wants to see rule types as concrete types (`Rule.visitKernelRuleTypes`).
public protocol RuleTypeVisitor {
    /// Called once with each type.
    mutating func visit<R: Rule>(_ type: R.Type)

    /// Called instead of `visit` with a type that only ever runs on more than one example (a rule's
    /// `singleExampleKernelRule` is another type): its one-example kernel need not be compiled. `visit` by default.
    mutating func visitManyExampleType<R: Rule>(_ type: R.Type)
}

extension RuleTypeVisitor {
    /// `visit` by default.
    public mutating func visitManyExampleType<R: Rule>(_ type: R.Type) { visit(type) }
}

extension Rule {
    /// No aliases by default.
    public static var aliases: [String] { [] }
    /// The registered name by default.
    public static var displayName: String { name }
    /// Rules use rho by default.
    public static var usesRadius: Bool { true }
    /// No parameters beyond rho by default.
    public static var parameters: [RuleParameter] { [] }
    /// False by default: a rule perturbs.
    public var isZero: Bool { false }
    /// False by default: the rule is elementwise.
    public var selectsOneComponent: Bool { false }
    /// Zero by default (only one-component rules have a score).
    public func selectionScore(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    /// The rule itself by default.
    public var kernelRule: any Rule { self }
    /// None by default: `kernelRule` is the rule itself.
    public static func visitKernelRuleTypes<V: RuleTypeVisitor>(_ visitor: inout V) {}
    /// The rule's own type by default: `kernelRule` is the rule itself.
    public static func visitOwnKernelType<V: RuleTypeVisitor>(_ visitor: inout V) { visitor.visit(Self.self) }
    /// `kernelRule` by default.
    public var singleExampleKernelRule: any Rule { kernelRule }
    /// Nil by default: one perturbation from the gradient over all examples.
    public var exampleGroupSize: Int? { nil }
    /// 0 by default: the step direction is the perturbed gradient itself.
    public var surrogateGapWeight: Double { 0 }

    /// eps(w) for the gradient g = e^s ghat over all parameters (`weights` and `ghat` of equal length), or nil
    /// when the coefficient is not finite (the normalizer overflowed).
    public func epsilon(weights: [Double], gradientDirection ghat: [Double], logScale s: Double) -> [Double]? {
        var eps = [Double](repeating: 0, count: weights.count)
        return epsilon(weights: weights, gradientDirection: ghat, logScale: s, into: &eps) ? eps : nil
    }

    /// eps(w) written into `eps` (as many entries as `weights`), without allocating: the weights and ghat are read
    /// four at a time as one padded layer (zeros after the last), the normalizer summed over those lanes in order,
    /// so the numbers are those of the lane kernels. False (and `eps` unspecified) when the coefficient is not finite.
    public func epsilon(weights: [Double], gradientDirection ghat: [Double], logScale s: Double, into eps: inout [Double]) -> Bool {
        precondition(weights.count == ghat.count && eps.count == weights.count)
        let width = Lanes.scalarCount, blocks = (weights.count + width - 1) / width
        func lanes(_ v: [Double], _ block: Int) -> Lanes {
            var out = Lanes.zero
            for k in 0..<width where block * width + k < v.count { out[k] = v[block * width + k] }
            return out
        }
        var normalizer = Lanes.zero
        for i in 0..<blocks { normalizer += normalizerTerm(gradient: lanes(ghat, i), weight: lanes(weights, i)) }
        let total = normalizer.sum()
        let c = isZero ? 0 : coefficient(logGradientScale: s, normalizer: total)
        guard c.isFinite, total.isFinite else { return false }
        if selectsOneComponent {
            for k in eps.indices { eps[k] = 0 }
            var selection = ComponentSelection()
            for i in 0..<blocks {
                selection.observe(selectionScore(gradient: lanes(ghat, i), weight: lanes(weights, i)), firstPosition: i * width)
            }
            if let k = selection.winner() { eps[k] = c * shape(gradient: lanes(ghat, k / width), weight: lanes(weights, k / width))[k % width] }
            return true
        }
        for i in 0..<blocks {
            let value = c * shape(gradient: lanes(ghat, i), weight: lanes(weights, i))
            for k in 0..<width where i * width + k < eps.count { eps[i * width + k] = value[k] }
        }
        return true
    }
}

/// A rule whose only parameter is the radius rho (l2-SAM, l_inf-SAM, unnormalized SAM): built from a spec by its
/// radius alone.
public protocol RadiusRule: Rule {
    /// The radius rho of the perturbation.
    var rho: Double { get }
    /// The rule with radius rho.
    init(rho: Double)
}

extension RadiusRule {
    /// The rule with the spec's radius.
    public init(spec: RuleSpec) { self.init(rho: spec.rho) }
}
