internal import CLaneMath
import Foundation

/// lp-SAM: the perturbation of radius rho in the l_p norm that maximizes the linearized loss, argmax of <g, eps> over
/// ||eps||_p <= rho (Hölder's equality case; the dual-norm step of Foret et al. 2021, §2, for general p). With
/// 1/p + 1/q = 1,
///
///     eps = rho sign(g) |g|^(q-1) / ||g||_q^(q-1),   eps = 0 when g = 0,
///
/// over all parameters (THEORY.md §1.4, §4.15). In the elementwise form: shape sign(g) |g|^(q-1), normalizer |g|^q,
/// coefficient rho / (sum)^((q-1)/q) = rho / (sum)^(1/p). The scale e^s of the gradient cancels.
///
/// - p = 2 is l2-SAM and p = inf is l_inf-SAM: the rule is then `L2SAM` or `LInfSAM` (`kernelRule`), their
///   arithmetic and their kernels, so both reductions are bit for bit.
/// - p = 1 puts rho sign(g_k) on the largest |g_k| alone, ties going to the first component in parameter order
///   (layer by layer: w_1 .. w_L, or u then v; coordinates in order within a layer): a one-component rule
///   (`selectsOneComponent`). Its flow is refused (the field jumps where the largest |g_k| changes hands).
/// - Otherwise |g|^(q-1) is a square root at p = 3, a square at p = 3/2 and a power elsewhere. Each of these forms
///   is a rule type of its own that the kernels are specialized for (`kernelRule`, `visitKernelRuleTypes`), so no
///   kernel switches over p. Their cost is that of the root or power per weight: at d = 1000 a step takes about 1.5
///   times l2-SAM's at p = 1 and 3/2, about 2 times at p = 3 (a vector square root, `CLaneMath`), about 10 times
///   at other p (a vector power, `CLaneMath`'s `samlab_lanes_pow`; 20 to 30 times with a libm `pow` per lane)
///   (BENCHMARKS.md).
/// - For p near 1, q = p/(p-1) is large and |ghat_k|^q can leave the range of a Double; an overflow ends the run as
///   diverged, like any non-finite normalizer.
public struct LpSAM: Rule {
    /// The name in specifications (`optimizer`) and on the command line: `lp-sam`.
    public static let name = "lp-sam"
    /// The formula, for help texts.
    public static let summary = "eps = rho sign(g)|g|^(q-1)/||g||_q^(q-1), 1/p + 1/q = 1 (p = 1: rho sign(g_k) on the first largest |g_k|)"
    /// The name in legends and reports.
    public static let displayName = "ℓp-SAM"
    /// `p` (`--p`): the norm's exponent, 1 <= p <= inf (`"inf"` in JSON and on the command line), 2 by default.
    public static let parameters = [
        RuleParameter(key: "p", defaultValue: 2, summary: "lp-SAM's p, 1 <= p <= inf (inf: l_inf-SAM, 2: l2-SAM, 1: the largest |g_k| alone)",
                      minimum: 1, maximum: .infinity, maximumIncluded: true),
    ]

    /// The radius rho: ||eps||_p = rho whenever g != 0.
    public let rho: Double
    /// The exponent p of the norm, 1...inf.
    public let p: Double
    /// The rule that computes eps at this p (one of the forms below, `L2SAM` or `LInfSAM`).
    public let kernelRule: any Rule

    /// lp-SAM with radius rho and exponent p (a precondition: 1 <= p <= inf).
    public init(rho: Double, p: Double) {
        precondition(p >= 1, "lp-SAM's p must be at least 1")
        self.rho = rho
        self.p = p
        let exponent = 1 / (p - 1)  // q - 1
        if p == 1 {
            kernelRule = LpSAMOne(rho: rho)
        } else if p == 2 {
            kernelRule = L2SAM(rho: rho)
        } else if p == .infinity {
            kernelRule = LInfSAM(rho: rho)
        } else if exponent == 0.5 {
            kernelRule = LpSAMForm<SquareRootMagnitude>(rho: rho, p: p, exponent: exponent)
        } else if exponent == 2 {
            kernelRule = LpSAMForm<SquareMagnitude>(rho: rho, p: p, exponent: exponent)
        } else {
            kernelRule = LpSAMForm<PowerMagnitude>(rho: rho, p: p, exponent: exponent)
        }
    }

    /// lp-SAM with the spec's radius and `p`.
    public init(spec: RuleSpec) {
        self.init(rho: spec.rho, p: spec.value(of: Self.parameters[0]))
    }

    /// The forms `kernelRule` can be besides the registered l2-SAM and l_inf-SAM: registering lp-SAM builds their
    /// kernels, specialized.
    public static func visitKernelRuleTypes<V: RuleTypeVisitor>(_ visitor: inout V) {
        visitor.visit(LpSAMOne.self)
        visitor.visit(LpSAMForm<SquareRootMagnitude>.self)
        visitor.visit(LpSAMForm<SquareMagnitude>.self)
        visitor.visit(LpSAMForm<PowerMagnitude>.self)
    }

    /// None: `kernelRule` is always one of the forms, `L2SAM` or `LInfSAM`.
    public static func visitOwnKernelType<V: RuleTypeVisitor>(_ visitor: inout V) {}

    /// True at p = 1: eps sits on the first largest |g_k| (`selectionScore`).
    public var selectsOneComponent: Bool { kernelRule.selectsOneComponent }

    /// |g| at p = 1 (the first largest |g_k| gets the whole radius).
    public func selectionScore(gradient g: Lanes, weight w: Lanes) -> Lanes { kernelRule.selectionScore(gradient: g, weight: w) }

    /// sign(g) |g|^(q-1): g itself at p = 2, sign(g) at p = 1 and p = inf (as l_inf-SAM's, sign(0) = 0).
    public func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { kernelRule.shape(gradient: g, weight: w) }

    /// |g|^q = |g| |g|^(q-1): g^2 at p = 2, none at p = 1 and p = inf.
    public func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { kernelRule.normalizerTerm(gradient: g, weight: w) }

    /// rho / ||ghat||_q^(q-1) = rho / (sum |ghat|^q)^(1/p), 0 when the sum is 0; l2-SAM's rho / ||ghat||_2 at p = 2,
    /// and rho at p = 1 and p = inf.
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        kernelRule.coefficient(logGradientScale: s, normalizer: normalizer)
    }
}

/// lp-SAM at p = 1: eps = rho sign(g_k) e_k at the first largest |g_k| (`LpSAM.kernelRule`).
struct LpSAMOne: Rule {
    static var name: String { LpSAM.name }
    static var summary: String { LpSAM.summary }
    static var parameters: [RuleParameter] { LpSAM.parameters }
    let rho: Double

    init(rho: Double) { self.rho = rho }
    init(spec: RuleSpec) { self.init(rho: spec.rho) }

    var selectsOneComponent: Bool { true }
    @inline(__always)
    func selectionScore(gradient g: Lanes, weight w: Lanes) -> Lanes { abs(g) }
    /// sign(g), as l_inf-SAM's; only the selected component's is used.
    @inline(__always)
    func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { LInfSAM(rho: rho).shape(gradient: g, weight: w) }
    @inline(__always)
    func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { .zero }
    @inline(__always)
    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { rho }
}

/// How one form of lp-SAM computes |g|^(q-1) for |g| >= 0 (the kernels are specialized for each).
protocol LpMagnitude: Sendable {
    /// a^exponent, lane by lane, for a >= 0.
    static func magnitude(_ a: Lanes, exponent: Double) -> Lanes
}

/// p = 3, q - 1 = 1/2: a square root.
enum SquareRootMagnitude: LpMagnitude {
    @inline(__always)
    static func magnitude(_ a: Lanes, exponent: Double) -> Lanes { squareRoot(a) }

    /// sqrt(x), lane by lane, correctly rounded (the bits of `squareRoot()`), as one vector instruction
    /// (`CLaneMath`: Swift's own square root is a scalar instruction plus a branch to libm per lane on Linux).
    @inline(__always)
    static func squareRoot(_ x: Lanes) -> Lanes { samlab_lanes_sqrt(x) }
}

/// p = 3/2, q - 1 = 2: a square.
enum SquareMagnitude: LpMagnitude {
    @inline(__always)
    static func magnitude(_ a: Lanes, exponent: Double) -> Lanes { a * a }
}

/// Any other p: a vector power (`CLaneMath`'s `samlab_lanes_pow`), inlined into the kernels.
enum PowerMagnitude: LpMagnitude {
    @inline(__always)
    static func magnitude(_ a: Lanes, exponent r: Double) -> Lanes { power(a, r) }

    /// x^r lane by lane for x >= 0 and one exponent r > 0, within 1 ulp of Foundation.pow (0.52 ulp of the correctly
    /// rounded power as measured), branch-free and with the same bits on every build (`samlab_lanes_pow`: Swift's
    /// `pow` is one libm call per lane). x = 0 gives 0, overflow +inf.
    @inline(__always)
    static func power(_ x: Lanes, _ r: Double) -> Lanes { samlab_lanes_pow(x, r) }
}

/// lp-SAM for 1 < p < inf, p != 2, with |g|^(q-1) computed by M (`LpSAM.kernelRule`): shape sign(g) |g|^(q-1),
/// normalizer |g|^q = |g| |g|^(q-1), coefficient rho / (sum)^(1/p).
struct LpSAMForm<M: LpMagnitude>: Rule {
    static var name: String { LpSAM.name }
    static var summary: String { LpSAM.summary }
    static var parameters: [RuleParameter] { LpSAM.parameters }
    let rho: Double
    let p: Double
    /// q - 1 = 1/(p - 1).
    let exponent: Double

    init(rho: Double, p: Double, exponent: Double) {
        self.rho = rho
        self.p = p
        self.exponent = exponent
    }

    init(spec: RuleSpec) {
        let p = spec.value(of: LpSAM.parameters[0])
        self.init(rho: spec.rho, p: p, exponent: 1 / (p - 1))
    }

    @inline(__always)
    func shape(gradient g: Lanes, weight w: Lanes) -> Lanes {
        let m = M.magnitude(abs(g), exponent: exponent)
        return m.replacing(with: -m, where: g .< 0)
    }

    /// g shape(g) = |g| |g|^(q-1) exactly (the signs cancel), written through `shape` so that the kernels compute
    /// |g|^(q-1) once for both.
    @inline(__always)
    func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes {
        g * shape(gradient: g, weight: w)
    }

    @inline(__always)
    func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
        normalizer > 0 ? rho / Foundation.pow(normalizer, 1 / p) : 0
    }
}
