import SAMCore

/// A core SAM-family `Rule` applied to the CNN's Float32 parameters: the one place where SAMVision meets the rules,
/// so the CNN trains with every rule the core has and no formula is written twice.
///
/// For the gradient g over ALL parameters (every layer concatenated) at weights w, a rule's ascent step is
/// (THEORY.md §1.4; l2-SAM is Foret et al. 2021, "Sharpness-Aware Minimization for Efficiently Improving
/// Generalization", ICLR)
///
///     eps_i = c * shape(g_i, w_i),   c = coefficient(logGradientScale: 0, normalizer: sum_k normalizerTerm(g_k, w_k)),
///
/// that is the core's elementwise form with ghat = g, the true gradient, and log-scale s = 0. The adapter only moves
/// numbers: it widens g and w to Double four at a time (`Lanes`), calls the rule's own `normalizerTerm`, `coefficient`
/// and `shape`, and rounds eps back to Float32 (eps_i = Float(c * shape_i)). Thus l2-SAM gives
/// Float(Double(g_i) * rho / ||g||_2) and l_inf-SAM gives Float(rho) sign(g_i), bit for bit what SAMVision computed
/// before the rules were shared, and UnnormalizedSAM gives Float(rho Double(g_i)).
///
/// - The normalizer is summed in Double, one component after the other in parameter order (not four partial sums),
///   so that 400k squares lose no digits and the sum, hence every bit of eps, is the same as a plain loop's.
/// - The last chunk of four is padded with zeros; the padded components are neither summed nor written, so the
///   padding cannot change any result.
/// - eps = 0 (never NaN) when the gradient is zero, or when the normalizer sum or the coefficient is not finite.
/// - A rule with `isZero` (gradient descent) has no ascent step: `perturbation` returns nil and the trainer takes a
///   single gradient per step (plain SGD).
public struct FloatRuleAdapter: Sendable {
    /// The core rule being applied.
    public let rule: any Rule

    /// An adapter applying `rule`.
    public init(_ rule: any Rule) {
        self.rule = rule
    }

    /// True for gradient descent: no ascent step, one gradient per training step.
    public var isZero: Bool { rule.isZero }

    /// eps(w) for the Float32 gradient `gradient` at `weights` (of equal length), by the formula above; nil when the
    /// rule is gradient descent.
    public func perturbation(gradient: [Float], weights: [Float]) -> [Float]? {
        precondition(gradient.count == weights.count, "gradient and weights differ in length")
        guard !rule.isZero else { return nil }
        return Self.epsilon(rule, gradient: gradient, weights: weights)
    }

    /// The weights moved by the ascent step, w + eps(w) (each sum rounded to Float32), in one pass and one
    /// allocation; nil for gradient descent.
    public func perturbed(weights: [Float], gradient: [Float]) -> [Float]? {
        precondition(gradient.count == weights.count, "gradient and weights differ in length")
        guard !rule.isZero else { return nil }
        return Self.epsilon(rule, gradient: gradient, weights: weights, addingTo: true)
    }

    /// The step's gradient from the gradient g at w and g_p at w + eps: g_p itself, or for GSAM (Zhuang et al.,
    /// ICLR 2022; `Rule.surrogateGapWeight` alpha > 0) g_p - alpha g_perp, g_perp = g - (<g, g_p> / ||g_p||^2) g_p
    /// (g_perp = g when g_p = 0), with the sums in Double in parameter order and each component rounded to Float32.
    public func direction(gradient g: [Float], perturbedGradient gp: [Float]) -> [Float] {
        precondition(g.count == gp.count, "gradients differ in length")
        let alpha = rule.surrogateGapWeight
        guard alpha != 0 else { return gp }
        var dot = 0.0, norm = 0.0
        for i in g.indices {
            dot += Double(g[i]) * Double(gp[i])
            norm += Double(gp[i]) * Double(gp[i])
        }
        let k = norm > 0 ? dot / norm : 0
        return g.indices.map { i in
            let perp = Double(g[i]) - k * Double(gp[i])
            return Float(Double(gp[i]) - alpha * perp)
        }
    }

    /// The work, generic over the rule's type so that the existential is opened once per call, not per component.
    /// With `addingTo`, the result is w + eps instead of eps.
    static func epsilon<R: Rule>(_ rule: R, gradient: [Float], weights: [Float], addingTo: Bool = false) -> [Float] {
        let n = gradient.count
        let width = Lanes.scalarCount
        let full = n / width, rest = n % width
        return gradient.withUnsafeBufferPointer { g in
            weights.withUnsafeBufferPointer { w in
                // Pass 1: the normalizer, summed in parameter order; whether the gradient is zero.
                var total = 0.0
                var nonzero = false
                for b in 0..<full {
                    let i = b * width
                    let gl = Lanes(Double(g[i]), Double(g[i + 1]), Double(g[i + 2]), Double(g[i + 3]))
                    let wl = Lanes(Double(w[i]), Double(w[i + 1]), Double(w[i + 2]), Double(w[i + 3]))
                    let t = rule.normalizerTerm(gradient: gl, weight: wl)
                    total += t[0]
                    total += t[1]
                    total += t[2]
                    total += t[3]
                    nonzero = nonzero || any(gl .!= .zero)
                }
                var gTail = Lanes.zero, wTail = Lanes.zero
                if rest > 0 {
                    for j in 0..<rest {
                        gTail[j] = Double(g[full * width + j])
                        wTail[j] = Double(w[full * width + j])
                    }
                    let t = rule.normalizerTerm(gradient: gTail, weight: wTail)
                    for j in 0..<rest { total += t[j] }
                    nonzero = nonzero || any(gTail .!= .zero)
                }
                let c = rule.coefficient(logGradientScale: 0, normalizer: total)
                guard nonzero, total.isFinite, c.isFinite else {
                    // eps = 0; w + 0 (not w itself) so that a weight -0 becomes +0 exactly as w + eps would.
                    return addingTo ? weights.map { $0 + 0 } : [Float](repeating: 0, count: n)
                }
                if rule.selectsOneComponent { return oneComponent(rule, c, g, w, addingTo: addingTo) }
                // Pass 2: eps = Float(c * shape), or w + eps.
                return [Float](unsafeUninitializedCapacity: n) { out, count in
                    for b in 0..<full {
                        let i = b * width
                        let gl = Lanes(Double(g[i]), Double(g[i + 1]), Double(g[i + 2]), Double(g[i + 3]))
                        let wl = Lanes(Double(w[i]), Double(w[i + 1]), Double(w[i + 2]), Double(w[i + 3]))
                        let e = c * rule.shape(gradient: gl, weight: wl)
                        for j in 0..<width {
                            out[i + j] = addingTo ? w[i + j] + Float(e[j]) : Float(e[j])
                        }
                    }
                    if rest > 0 {
                        let e = c * rule.shape(gradient: gTail, weight: wTail)
                        for j in 0..<rest {
                            let i = full * width + j
                            out[i] = addingTo ? w[i] + Float(e[j]) : Float(e[j])
                        }
                    }
                    count = n
                }
            }
        }
    }
}

extension FloatRuleAdapter {
    /// A one-component rule's eps (lp-SAM at p = 1, `Rule.selectsOneComponent`): Float(c * shape_k) at the first k,
    /// in parameter order, of largest positive `selectionScore`, and 0 elsewhere (0 everywhere when no score is
    /// positive); with `addingTo`, w + eps.
    static func oneComponent<R: Rule>(_ rule: R, _ c: Double, _ g: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>,
                                      addingTo: Bool) -> [Float] {
        let n = g.count, width = Lanes.scalarCount
        var best = 0.0, at = -1, value = 0.0
        for start in stride(from: 0, to: n, by: width) {
            let count = min(width, n - start)
            var gl = Lanes.zero, wl = Lanes.zero
            for j in 0..<count {
                gl[j] = Double(g[start + j])
                wl[j] = Double(w[start + j])
            }
            let score = rule.selectionScore(gradient: gl, weight: wl)
            for j in 0..<count where score[j] > best {
                (best, at) = (score[j], start + j)
                value = c * rule.shape(gradient: gl, weight: wl)[j]
            }
        }
        var out = addingTo ? w.map { $0 + 0 } : [Float](repeating: 0, count: n)
        if at >= 0 { out[at] = addingTo ? w[at] + Float(value) : Float(value) }
        return out
    }
}

/// The optimizer a SAMVision run trains with: plain SGD, or SAM with any rule of the core's `Registry.standard`
/// (today l2-SAM, l_inf-SAM, unnormalized SAM, ASAM, lp-SAM, m-SAM and GSAM), applied through `FloatRuleAdapter`;
/// m-SAM's groups are groups of M images of the batch (`TrainingRun.train`), GSAM's step is
/// `FloatRuleAdapter.direction(gradient:perturbedGradient:)`.
///
/// It is the rule's name, and is saved as that string (`"optimizer": "l2-sam"`). The core's gradient descent ("gd",
/// alias "gf") is SGD on mini-batches, and is named "sgd" here, as runs have always recorded it; "gd" and "gf" are
/// accepted for it. Aliases of the other rules are accepted and stored under the rule's name. A rule's parameters
/// beyond rho are `VisionTrainingConfig.ruleParameters` (their defaults when left out). The formulas are the rules'
/// own (THEORY.md §1.4; SAM: Foret et al. 2021; ASAM: Kwon et al. 2021; m-SAM: Andriushchenko & Flammarion 2022;
/// GSAM: Zhuang et al. 2022).
public struct VisionOptimizer: RawRepresentable, Hashable, Codable, CaseIterable, Sendable, CustomStringConvertible {
    /// The name runs record: "sgd", or the registered rule's name.
    public let rawValue: String

    /// The optimizer called `rawValue`: "sgd", or any name or alias in `Registry.standard`; nil for anything else.
    public init?(rawValue: String) {
        if rawValue == Self.sgdName {
            self.rawValue = Self.sgdName
            return
        }
        guard let entry = try? Registry.standard.rule(named: rawValue) else { return nil }
        self.rawValue = entry.name == GradientDescent.name ? Self.sgdName : entry.name
    }

    static let sgdName = "sgd"

    /// Plain (mini-batch) SGD: the core's gradient descent, one gradient per step.
    public static let sgd = VisionOptimizer(rawValue: sgdName)!
    /// l2-SAM (Foret et al. 2021): eps = rho g / ||g||_2 over all parameters.
    public static let l2SAM = VisionOptimizer(rawValue: L2SAM.name)!
    /// l_inf-SAM: eps = rho sign(g).
    public static let linfSAM = VisionOptimizer(rawValue: LInfSAM.name)!
    /// Unnormalized SAM: eps = rho g.
    public static let usam = VisionOptimizer(rawValue: UnnormalizedSAM.name)!

    /// SGD and every other rule of `Registry.standard`, in registration order.
    public static var allCases: [VisionOptimizer] {
        [.sgd] + Registry.standard.ruleNames.filter { $0 != GradientDescent.name }.compactMap { VisionOptimizer(rawValue: $0) }
    }

    /// Every accepted name: "sgd", then each registered rule's name and aliases.
    public static var acceptedNames: [String] {
        [sgdName] + Registry.standard.rules.flatMap { [$0.name] + $0.aliases }
    }

    /// The name in figure titles and legends: "SGD", or the rule's display name ("ℓ₂-SAM").
    public var displayName: String { rawValue == Self.sgdName ? "SGD" : entry.displayName }

    /// The core rule's registered name ("gd" for SGD).
    public var ruleName: String { rawValue == Self.sgdName ? GradientDescent.name : rawValue }

    /// The registry's entry for the rule (its display name, whether it uses rho, its aliases).
    public var entry: Registry.RuleEntry {
        // The name was checked against the registry when this value was made.
        try! Registry.standard.rule(named: ruleName)
    }

    /// The core rule at radius `rho` with `parameters` (`asam_eta`, `p`), the others at their defaults; a key that
    /// is not one of the rule's parameters, or a value outside its domain, is an error.
    public func rule(rho: Double, parameters: [String: Double] = [:]) throws(SpecError) -> any Rule {
        for key in parameters.keys.sorted() where !entry.parameters.contains(where: { $0.key == key }) {
            throw .inapplicable(field: SpecField(key), reason: "is not a parameter of \(rawValue)")
        }
        return try entry.rule(RuleSpec(name: ruleName, rho: rho, parameters: parameters))
    }

    /// The adapter that applies the rule at radius `rho` (with `parameters`) to Float32 parameters.
    public func adapter(rho: Double, parameters: [String: Double] = [:]) throws(SpecError) -> FloatRuleAdapter {
        FloatRuleAdapter(try rule(rho: rho, parameters: parameters))
    }

    /// SAM's ascent step eps for gradient `g` at radius `rho` (see `FloatRuleAdapter`); nil for SGD (no second
    /// pass). `weights` defaults to zeros, which is exact for rules whose eps does not read the weights (l2-SAM
    /// eps = rho g / ||g||_2, l_inf-SAM eps = rho sign(g), unnormalized SAM eps = rho g, lp-SAM; not ASAM, whose T
    /// is diag(|w| + eta)). The rule's parameters take their defaults.
    /// A rule whose default parameters fail its own validation is a programming error here.
    public func perturbation(gradient g: [Float], rho: Double, weights: [Float]? = nil) -> [Float]? {
        let adapter: FloatRuleAdapter
        do { adapter = try self.adapter(rho: rho) } catch { preconditionFailure("\(rawValue): \(error)") }
        return adapter.perturbation(gradient: g, weights: weights ?? [Float](repeating: 0, count: g.count))
    }

    /// The recorded name (`rawValue`).
    public var description: String { rawValue }
}
