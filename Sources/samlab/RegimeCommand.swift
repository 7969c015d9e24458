import ArgumentParser
import Foundation
import SAMAnalysis
import SAMCore

/// `samlab regime`: the theory's l2-SAM thresholds (THEORY.md §4.4, §4.5) for D_mu at depth 2, and where a given alpha falls.
extension L2Theory.Measure: ExpressibleByArgument {}

struct RegimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regime",
        abstract: "c_i, alpha_c and alpha* of the depth-2 l2-SAM flow on D_mu, and the regime of --alpha.",
        discussion: """
        c_i = rho mu_i / (sqrt2 ||mu||) (coordinate i grows at the start iff alpha > c_i); alpha* = rho (mu_d + \
        mu_(d-1)) / (sqrt2 ||mu||) (the major coordinate leads from the start iff alpha >= alpha*); alpha_c (below it \
        the flow collapses to 0) by bisection on the theory's criterion for the balanced flow (THEORY.md §4.5), or \
        with --lr on discrete runs. Regimes: collapse (alpha < alpha_c), minor-first (alpha_c <= alpha < alpha*: minor \
        coordinates amplified first, major last), major-first (alpha >= alpha*). --param signed: u = v = alpha, \
        beta = u^2 - v^2; its relative leader is undefined at beta = 0, so alpha* there needs --measure absolute or \
        u-relative.
        """
    )

    @Option(name: .customLong("mu"), parsing: .unconditional, help: "The example mu, e.g. 1,2,3,4,5,6, or @FILE (numbers separated by commas, spaces or newlines).")
    var mu: String

    @Option(name: .customLong("rho"), parsing: .unconditional, help: "Perturbation radius rho > 0.")
    var rho: Double

    @Option(name: .customLong("alpha"), parsing: .unconditional, help: "A scalar init alpha to classify. (default: none)")
    var alpha: Double?

    @Option(name: .customLong("param"), parsing: .unconditional, help: "product (u = v = a, beta = a^2) or signed (u = v = alpha, beta = u^2 - v^2). (default: product)")
    var parametrization: String = ProductNetwork.name

    @Option(name: .customLong("lr"), parsing: .unconditional,
            help: "Step size eta: alpha_c(eta) of the discrete algorithm, by bisection on discrete runs (alpha* does not depend on eta). (default: none, the flow)")
    var learningRate: Double?

    @Option(name: .customLong("measure"), parsing: .unconditional,
            help: "The growth the leader (and alpha*) is measured by: relative (d log|beta_j|), absolute (d |beta_j|) or u-relative (d log u_j). (default: relative)")
    var measure: L2Theory.Measure = .relative

    @Option(name: .customLong("tolerance"), parsing: .unconditional, help: "Relative tolerance of the alpha_c bisection. (default: 1e-8, with --lr 1e-6)")
    var tolerance: Double?

    @Option(name: .customLong("time"), parsing: .unconditional,
            help: "With --alpha: also run the rescaled flow to this time and classify the regime it shows.")
    var time: Double = 20

    @Flag(name: .customLong("json"), help: "Print the result as JSON on stdout and nothing else.")
    var json = false

    func run() throws {
        let mu = try ValueParsing.numbers(self.mu, flag: "--mu")
        let report = try RegimeReport(mu: mu, rho: rho, alpha: alpha, param: parametrization, learningRate: learningRate,
                                      measure: measure, tolerance: tolerance, time: time) { "--" + $0 }
        let (alphaC, alphaStar) = (report.alphaC, report.alphaStar)
        let tolerance = report.tolerance
        if json {
            FileHandle.standardOutput.write(try JSONOutput.encode(report))
            return
        }
        print("mu = \(mu.count > 12 ? "(\(mu.count) values)" : "\(mu)"), rho = \(rho), param \(parametrization)")
        for (i, c) in report.c.enumerated() where mu.count <= 12 || i == 0 || i == mu.count - 1 { print("c_\(i + 1) = \(c)") }
        if let learningRate {
            print("alpha_c(eta = \(learningRate)) = \(alphaC) (bisection on discrete runs, relative tolerance \(tolerance))")
        } else {
            print("alpha_c = \(alphaC) (bisection on the theory's criterion for the flow, relative tolerance \(tolerance))")
        }
        print("alpha*  = \(alphaStar.map { "\($0)" } ?? "not defined") (\(measure.rawValue) growth)")
        if let alpha, let regime = report.regime {
            print("alpha = \(alpha): \(regime); leader at the start: \(report.initialLeader.map { "\($0)" } ?? "not defined")")
            if let observed = report.observedRegime {
                let leaders = (report.observedLeaders ?? []).map { "\($0.coordinate)@\($0.start)" }.joined(separator: " -> ")
                print("rescaled flow to s = \(time): \(observed); leaders \(leaders)")
            }
        }
    }
}
