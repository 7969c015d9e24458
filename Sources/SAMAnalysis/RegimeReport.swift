import SAMCore

/// The depth-2 l2-SAM thresholds of D_mu and the regime of an init: what `samlab regime --json` prints and the
/// explorer's `POST /api/regime` answers, computed in one place so both give the same bytes.
///
/// c_i = rho mu_i / (sqrt2 ||mu||) (coordinate i grows at the start iff alpha > c_i), alpha* = rho (mu_d + mu_(d-1)) /
/// (sqrt2 ||mu||) (the major coordinate leads from the start iff alpha >= alpha*), and alpha_c (below it the flow
/// collapses) by bisection on the balanced flow's criterion, or on discrete runs with a step size (THEORY.md §4.4,
/// §4.5). With an alpha, the rescaled flow from it is also run to `time` and the regime it shows is reported.
public struct RegimeReport: Encodable, Sendable {
    /// The example mu.
    public var mu: [Double]
    /// The radius rho.
    public var rho: Double
    /// The parametrization: product or signed.
    public var param: String
    /// The growth the leader is measured by.
    public var measure: String
    /// The step size of the discrete alpha_c, or nil (the flow's).
    public var lr: Double?
    /// The growth thresholds c_i.
    public var c: [Double]
    /// The collapse threshold alpha_c.
    public var alphaC: Double
    /// alpha*, or nil where the measure leaves it undefined (the signed parametrization's relative growth).
    public var alphaStar: Double?
    /// The init classified, or nil.
    public var alpha: Double?
    /// The predicted regime of alpha: collapse, minor-first or major-first.
    public var regime: String?
    /// The coordinate leading at the start from alpha (1-based).
    public var initialLeader: Int?
    /// The growth rates at the start from alpha.
    public var growthRates: [Double]?
    /// The regime the rescaled flow from alpha shows (the classifier of sweeps, analyze and the catalog).
    public var observedRegime: String?
    /// The leader periods of that flow.
    public var observedLeaders: [LeaderPeriod]?
    /// The relative tolerance alpha_c's bisection used (not written: the CLI's text output prints it).
    public var tolerance: Double

    enum CodingKeys: String, CodingKey {
        case mu, rho, param, measure, lr, c, alphaC = "alpha_c", alphaStar = "alpha_star", alpha, regime
        case initialLeader = "initial_leader", growthRates = "growth_rates"
        case observedRegime = "observed_regime", observedLeaders = "observed_leaders"
    }

    /// alpha_star is null (not absent) where the measure leaves it undefined; the other optional keys appear only
    /// when they apply.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mu, forKey: .mu)
        try c.encode(rho, forKey: .rho)
        try c.encode(param, forKey: .param)
        try c.encode(measure, forKey: .measure)
        try c.encodeIfPresent(lr, forKey: .lr)
        try c.encode(self.c, forKey: .c)
        try c.encode(alphaC, forKey: .alphaC)
        try c.encode(alphaStar, forKey: .alphaStar)
        try c.encodeIfPresent(alpha, forKey: .alpha)
        try c.encodeIfPresent(regime, forKey: .regime)
        try c.encodeIfPresent(initialLeader, forKey: .initialLeader)
        try c.encodeIfPresent(growthRates, forKey: .growthRates)
        try c.encodeIfPresent(observedRegime, forKey: .observedRegime)
        try c.encodeIfPresent(observedLeaders, forKey: .observedLeaders)
    }

    /// The report for mu, rho and optionally alpha. Bad values are `InvalidInput` naming the input through `name`
    /// (`--mu` on the command line, `mu` in the explorer's JSON). `tolerance` nil: 1e-8 for the flow, 1e-6 with `lr`.
    public init(mu: [Double], rho: Double, alpha: Double? = nil, param: String = ProductNetwork.name,
                learningRate: Double? = nil, measure: L2Theory.Measure = .relative, tolerance: Double? = nil,
                time: Double = 20, name: (String) -> String = { $0 }) throws(InvalidInput) {
        guard !mu.isEmpty, mu.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw InvalidInput("\(name("mu")) entries must be positive for the regime analysis")
        }
        guard rho.isFinite, rho > 0 else { throw InvalidInput("\(name("rho")) must be positive (got \(rho))") }
        if let alpha { guard alpha.isFinite, alpha > 0 else { throw InvalidInput("\(name("alpha")) must be positive (got \(alpha))") } }
        guard [ProductNetwork.name, SignedNetwork.name].contains(param) else {
            throw InvalidInput("\(name("param")) must be product or signed for the regime analysis (got '\(param)')")
        }
        if let learningRate {
            guard learningRate.isFinite, learningRate > 0 else { throw InvalidInput("\(name("lr")) must be positive (got \(learningRate))") }
        }
        let tolerance = tolerance ?? (learningRate == nil ? 1e-8 : 1e-6)
        guard tolerance.isFinite, tolerance > 0, tolerance < 0.1 else {
            throw InvalidInput("\(name("tolerance")) must be in (0, 0.1) (got \(tolerance))")
        }
        guard time.isFinite, time > 0 else { throw InvalidInput("\(name("time")) must be positive and finite (got \(time))") }
        let theory = L2Theory(mu: mu, rho: rho, model: param)
        let alphaC: Double
        do {
            alphaC = try learningRate.map { try theory.discreteCriticalAlpha(learningRate: $0, tolerance: tolerance) }
                ?? theory.criticalAlpha(tolerance: tolerance)
        } catch let error as InvalidInput {
            throw error
        } catch {
            throw InvalidInput("\(error)")
        }
        let alphaStar = theory.alphaStar(measure: measure)
        var observed: RunResult?
        if let alpha {
            let spec = RunSpec(data: .singleExample(mu: mu), model: ModelSpec(name: param, depth: 2, alpha: [alpha]),
                               rule: RuleSpec(name: L2SAM.name, rho: rho),
                               dynamics: .flow(FlowSettings(time: time, rescaled: true)), record: .times([]))
            do { observed = try spec.run() } catch { throw InvalidInput("\(error)") }
        }
        self.mu = mu
        self.rho = rho
        self.param = param
        self.measure = measure.rawValue
        self.lr = learningRate
        self.c = theory.growthThresholds
        self.alphaC = alphaC
        self.alphaStar = alphaStar
        self.alpha = alpha
        self.regime = alpha.map { a in
            if a < alphaC { return Regime.collapse.rawValue }
            guard let star = alphaStar else { return "undefined (\(measure.rawValue) growth at beta = 0)" }
            return (a >= star ? Regime.majorFirst : Regime.minorFirst).rawValue
        }
        self.initialLeader = alpha.flatMap { theory.initialLeader(alpha: $0, measure: measure) }
        self.growthRates = alpha.map { a in theory.growthRates(mu.map { _ in a }) }
        self.observedRegime = observed?.regime.rawValue
        self.observedLeaders = observed?.leaders
        self.tolerance = tolerance
    }
}
