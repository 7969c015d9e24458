/// m-sharpness SAM (P. Foret, A. Kleiner, H. Mobahi, B. Neyshabur, "Sharpness-Aware Minimization for Efficiently
/// Improving Generalization", ICLR 2021, §4.1 and eq. 3 with m-sharpness; M. Andriushchenko, N. Flammarion,
/// "Towards Understanding Sharpness-Aware Minimization", ICML 2022, §3 and §4 for diagonal linear networks).
///
/// The n examples, in data order, form consecutive groups of M (the last may be smaller); group b, of n_b examples
/// with mean loss L_b, gets its own perturbation from its own gradient g_b = grad L_b(w),
///
///     eps_b = rho g_b / ||g_b||_2   (msam_norm l2),     eps_b = rho g_b   (msam_norm none),   eps_b = 0 when g_b = 0,
///
/// and the step direction is sum_b (n_b / n) grad L_b(w + eps_b) (THEORY.md §4.16). M >= n is one group: l2-SAM
/// (or, with norm none, unnormalized SAM); M = 1 is "1-SAM", one perturbation per example. `m` = "n" (the default,
/// +inf internally) is always one group. The elementwise form (shape, normalizer, coefficient) is l2-SAM's or
/// usam's; the grouping is the hook `exampleGroupSize`. With one group the rule runs as `L2SAM` or
/// `UnnormalizedSAM` themselves (`kernelRule`), bit for bit.
public struct MSharpnessSAM: Rule {
    /// The name in specifications (`optimizer`) and on the command line: `msam`.
    public static let name = "msam"
    /// The formula, for help texts.
    public static let summary = "eps_b = rho g_b/||g_b||_2 (msam_norm none: rho g_b) per group of m examples, step sum_b (n_b/n) grad L_b(w + eps_b) (Foret et al. 2021; Andriushchenko & Flammarion 2022)"
    /// The name in legends and reports.
    public static let displayName = "m-SAM"
    /// The normalizations `msam_norm` names, in code order: l2 (0) and none (1).
    public static let normNames = ["l2", "none"]
    /// `m` (`--m`): the group size, an integer >= 1 or "n" (all examples, the default); `msam_norm` (`--msam-norm`):
    /// "l2" (default) or "none".
    public static let parameters = [
        RuleParameter(key: "m", defaultValue: .infinity, summary: "m-SAM's group size m, an integer >= 1, or n (all examples: l2-SAM)",
                      minimum: 1, maximum: .infinity, maximumIncluded: true, integral: true,
                      names: [RuleParameter.Name("n", .infinity)]),
        RuleParameter(choices: "msam_norm", normNames, summary: "m-SAM's eps_b: l2 (rho g_b/||g_b||_2) or none (rho g_b)"),
    ]

    /// The radius rho (or, with norm none, the factor of eps_b = rho g_b).
    public let rho: Double
    /// The group size M; nil is one group of all examples ("n").
    public let groupSize: Int?
    /// Whether eps_b is normalized (l2) or not (none).
    public let normalized: Bool
    /// The rule that takes the steps: `L2SAM`/`UnnormalizedSAM` for one group, else `MSharpnessForm` of them.
    public let kernelRule: any Rule

    /// m-SAM with radius rho, groups of `groupSize` examples (nil: all; a precondition: >= 1) and eps_b normalized
    /// or not.
    public init(rho: Double, groupSize: Int?, normalized: Bool = true) {
        precondition(groupSize.map { $0 >= 1 } ?? true, "m-SAM's m must be at least 1")
        self.rho = rho
        self.groupSize = groupSize
        self.normalized = normalized
        switch (groupSize, normalized) {
        case (nil, true): kernelRule = L2SAM(rho: rho)
        case (nil, false): kernelRule = UnnormalizedSAM(rho: rho)
        case (let m?, true): kernelRule = MSharpnessForm(base: L2SAM(rho: rho), groupSize: m)
        case (let m?, false): kernelRule = MSharpnessForm(base: UnnormalizedSAM(rho: rho), groupSize: m)
        }
    }

    /// m-SAM with the spec's radius, `m` and `msam_norm`.
    public init(spec: RuleSpec) {
        let m = spec.value(of: Self.parameters[0])
        self.init(rho: spec.rho, groupSize: m == .infinity ? nil : Int(m), normalized: spec.value(of: Self.parameters[1]) == 0)
    }

    /// The kernel rules of a given group size (`kernelRule`), which only run on more than one example
    /// (`singleExampleKernelRule`).
    public static func visitKernelRuleTypes<V: RuleTypeVisitor>(_ visitor: inout V) {
        visitor.visitManyExampleType(MSharpnessForm<L2SAM>.self)
        visitor.visitManyExampleType(MSharpnessForm<UnnormalizedSAM>.self)
    }

    /// None: `kernelRule` is always `L2SAM`, `UnnormalizedSAM` or one of their grouped forms.
    public static func visitOwnKernelType<V: RuleTypeVisitor>(_ visitor: inout V) {}

    /// `L2SAM` or `UnnormalizedSAM` (by `msam_norm`): one example is one group whatever M.
    public var singleExampleKernelRule: any Rule { normalized ? L2SAM(rho: rho) : UnnormalizedSAM(rho: rho) }

    /// M, or nil for one group.
    public var exampleGroupSize: Int? { groupSize }

    /// g (l2-SAM's and usam's shape).
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { g }

    /// g^2 for norm l2, 0 for none.
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { kernelRule.normalizerTerm(gradient: g, weight: w) }

    /// rho / ||ghat_b||_2 (0 when it is 0) for norm l2, rho e^s for none.
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        kernelRule.coefficient(logGradientScale: s, normalizer: normalizer)
    }
}

/// m-SAM with a group size (`MSharpnessSAM.kernelRule`): the elementwise form of `Base` (l2-SAM or usam), applied
/// to each group's gradient, with `exampleGroupSize` = M.
struct MSharpnessForm<Base: RadiusRule>: BaseFormRule {
    static var name: String { MSharpnessSAM.name }
    static var summary: String { MSharpnessSAM.summary }
    static var parameters: [RuleParameter] { MSharpnessSAM.parameters }
    /// The elementwise form of each group's eps_b.
    let base: Base
    /// M >= 1.
    let groupSize: Int

    init(base: Base, groupSize: Int) {
        self.base = base
        self.groupSize = groupSize
    }

    /// From a spec (as `MSharpnessSAM`; a spec with m = n gives groups larger than any dataset).
    init(spec: RuleSpec) {
        let m = spec.value(of: MSharpnessSAM.parameters[0])
        self.init(base: Base(rho: spec.rho), groupSize: m == .infinity ? Int.max : Int(m))
    }

    var exampleGroupSize: Int? { groupSize }
}

/// A rule whose elementwise form is another rule's (`base`), which it changes by a hook (m-sharpness's groups,
/// GSAM's alpha): shape, normalizer and coefficient are the base's, so the arithmetic is the base's to the bit.
protocol BaseFormRule: Rule {
    associatedtype Base: Rule
    /// The rule whose elementwise form this one uses.
    var base: Base { get }
}

extension BaseFormRule {
    @inline(__always)
    func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { base.shape(gradient: g, weight: w) }

    @inline(__always)
    func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { base.normalizerTerm(gradient: g, weight: w) }

    @inline(__always)
    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        base.coefficient(logGradientScale: s, normalizer: normalizer)
    }
}
