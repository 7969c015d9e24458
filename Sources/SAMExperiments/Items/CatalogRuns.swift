import SAMCore

/// The catalog's shorthand for the specifications its items run.
enum CatalogRuns {
    /// A discrete run of `rule` on `data` (product model).
    static func discrete(_ data: DataSource, depth: Int = 2, alpha: [Double], rule: String, rho: Double = RuleSpec.Defaults.rho,
                         lr: Double, steps: Int, record: RecordingSchedule) -> RunSpec {
        RunSpec(data: data, model: ModelSpec(depth: depth, alpha: alpha), rule: RuleSpec(name: rule, rho: rho),
                dynamics: .discrete(DiscreteSettings(learningRate: lr, steps: steps)), record: record)
    }

    /// A flow of `rule` on `data` (product model); `solver` nil lets the tolerance choose it.
    static func flow(_ data: DataSource, depth: Int = 2, alpha: [Double], rule: String, rho: Double = RuleSpec.Defaults.rho,
                     time: Double, rescaled: Bool = false, logTime: Bool = false, rtol: Double = 1e-10, atol: Double = 1e-12,
                     record: RecordingSchedule, blowupNorm: Double = FlowSettings.Defaults.blowupNorm,
                     solver: String? = nil) -> RunSpec {
        RunSpec(data: data, model: ModelSpec(depth: depth, alpha: alpha), rule: RuleSpec(name: rule, rho: rho),
                dynamics: .flow(FlowSettings(time: time, rescaled: rescaled, logTime: logTime, rtol: rtol, atol: atol,
                                             blowupNorm: blowupNorm, solver: solver)),
                record: record)
    }

    /// Runs a spec on its own data (no checks: the catalog's data are fixed and known to be fine).
    static func run(_ spec: RunSpec) throws -> RunResult {
        try spec.run(on: try spec.data.load())
    }

    /// The rule's name in legends ("ℓ₂-SAM").
    static func displayName(_ rule: String) -> String {
        (try? Registry.standard.rule(named: rule).displayName) ?? rule
    }
}
