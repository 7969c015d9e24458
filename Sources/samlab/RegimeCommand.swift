import ArgumentParser
import Foundation
import SAMAnalysis
import SAMCore

/// `samlab regime`: the theory's l2-SAM thresholds (THEORY.md §4.4, §4.5) for D_mu at depth 2, and where a given alpha falls.
struct RegimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regime",
        abstract: "c_i, alpha_c and alpha* of the depth-2 l2-SAM flow on D_mu, and the regime of --alpha.",
        discussion: """
        c_i = rho mu_i / (sqrt2 ||mu||) (coordinate i grows at the start iff alpha > c_i); alpha* = rho (mu_d + \
        mu_(d-1)) / (sqrt2 ||mu||) (the major coordinate leads from the start iff alpha >= alpha*); alpha_c (below it \
        the flow collapses to 0) by bisection on the rescaled flow. Regimes: collapse (alpha < alpha_c), minor-first \
        (alpha_c <= alpha < alpha*: minor coordinates amplified first, major last), major-first (alpha >= alpha*).
        """
    )

    @Option(name: .customLong("mu"), parsing: .unconditional, help: "The example mu, e.g. 1,2,3,4,5,6.")
    var mu: String

    @Option(name: .customLong("rho"), parsing: .unconditional, help: "Perturbation radius rho > 0.")
    var rho: Double

    @Option(name: .customLong("alpha"), parsing: .unconditional, help: "A scalar init alpha to classify. (default: none)")
    var alpha: Double?

    @Option(name: .customLong("tolerance"), parsing: .unconditional, help: "Relative tolerance of the alpha_c bisection.")
    var tolerance: Double = 1e-8

    @Option(name: .customLong("time"), parsing: .unconditional,
            help: "With --alpha: also run the rescaled flow to this time and classify the regime it shows.")
    var time: Double = 20

    @Flag(name: .customLong("json"), help: "Print the result as JSON on stdout and nothing else.")
    var json = false

    struct Report: Encodable {
        var mu: [Double]
        var rho: Double
        var c: [Double]
        var alphaC: Double
        var alphaStar: Double
        var alpha: Double?
        var regime: String?
        var initialLeader: Int?
        var growthRates: [Double]?
        /// The regime the rescaled flow from alpha shows (the classifier of sweeps, analyze and the catalog).
        var observedRegime: String?
        var observedLeaders: [LeaderPeriod]?

        enum CodingKeys: String, CodingKey {
            case mu, rho, c, alphaC = "alpha_c", alphaStar = "alpha_star", alpha, regime
            case initialLeader = "initial_leader", growthRates = "growth_rates"
            case observedRegime = "observed_regime", observedLeaders = "observed_leaders"
        }
    }

    func run() throws {
        let mu = try ValueParsing.numbers(self.mu, flag: "--mu")
        guard mu.allSatisfy({ $0 > 0 }) else { throw InvalidInput("--mu entries must be positive for the regime analysis") }
        guard rho.isFinite, rho > 0 else { throw InvalidInput("--rho must be positive (got \(rho))") }
        if let alpha { guard alpha.isFinite, alpha > 0 else { throw InvalidInput("--alpha must be positive (got \(alpha))") } }
        guard tolerance.isFinite, tolerance > 0, tolerance < 0.1 else { throw InvalidInput("--tolerance must be in (0, 0.1) (got \(tolerance))") }
        guard time.isFinite, time > 0 else { throw InvalidInput("--time must be positive and finite (got \(time))") }
        let theory = L2Theory(mu: mu, rho: rho)
        let alphaC = try theory.criticalAlpha(tolerance: tolerance)
        var observed: RunResult?
        if let alpha {
            let spec = RunSpec(data: .singleExample(mu: mu), model: ModelSpec(depth: 2, alpha: [alpha]), rule: RuleSpec(name: L2SAM.name, rho: rho),
                               dynamics: .flow(FlowSettings(time: time, rescaled: true)), record: .times([]))
            observed = try FlagNames().checking { try spec.run() }
        }
        let report = Report(mu: mu, rho: rho, c: theory.growthThresholds, alphaC: alphaC, alphaStar: theory.alphaStar, alpha: alpha,
                            regime: alpha.map { theory.regime(alpha: $0, alphaC: alphaC).rawValue },
                            initialLeader: alpha.map { theory.initialLeader(alpha: $0) },
                            growthRates: alpha.map { a in theory.growthRates(mu.map { _ in a }) },
                            observedRegime: observed?.regime.rawValue, observedLeaders: observed?.leaders)
        if json {
            FileHandle.standardOutput.write(try JSONOutput.encode(report))
            return
        }
        print("mu = \(mu), rho = \(rho)")
        for (i, c) in report.c.enumerated() { print("c_\(i + 1) = \(c)") }
        print("alpha_c = \(alphaC) (bisection on the flow, relative tolerance \(tolerance))")
        print("alpha*  = \(report.alphaStar)")
        if let alpha, let regime = report.regime {
            print("alpha = \(alpha): \(regime); leader at the start: \(report.initialLeader ?? 0)")
            if let observed = report.observedRegime {
                let leaders = (report.observedLeaders ?? []).map { "\($0.coordinate)@\($0.start)" }.joined(separator: " -> ")
                print("rescaled flow to s = \(time): \(observed); leaders \(leaders)")
            }
        }
    }
}
