import ArgumentParser
import Foundation
import SAMCore
import SAMFlow

typealias FlowDefaults = FlowConfiguration.Defaults

struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Integrate a gradient flow or SAM flow (optionally rescaled) with an adaptive Runge-Kutta method.",
        discussion: """
        dw/dt = -grad L(w + eps(w)), with eps from --optimizer (gd or gf: gradient flow). --rescaled divides the \
        field by the mean |l'| at the perturbed point (same path, simpler time). Events: blow-up (--blowup-norm), \
        loss below --loss-tol, weights reaching 0 (held there when the field points into 0 from both sides, the \
        l_inf flow's sliding mode), collapse. Writes trajectory.csv (with a time column) and summary.json to --out, \
        or prints the summary with --json.
        """
    )

    @OptionGroup var model: ModelOptions

    @Option(name: .customLong("time"), parsing: .unconditional, help: "End time (rescaled time with --rescaled). (default: \(FlowDefaults.time))")
    var time: Double?

    @Flag(name: .customLong("rescaled"), help: "Integrate the rescaled flow (divide by the mean |l'| at the perturbed point).")
    var rescaled = false

    @Flag(name: .customLong("log-time"), help: "Integrate in tau = log(1 + t) (for unrescaled flows; --time stays in t).")
    var logTime = false

    @Option(name: .customLong("rtol"), parsing: .unconditional, help: "Relative tolerance. (default: \(FlowDefaults.rtol))")
    var rtol: Double?

    @Option(name: .customLong("atol"), parsing: .unconditional, help: "Absolute tolerance. (default: \(FlowDefaults.atol))")
    var atol: Double?

    @Option(name: .customLong("record"), parsing: .unconditional,
            help: "Recorded times: every=DT, log=N or times=T1,T2,...; t = 0 and the end are always kept. (default: \(FlowDefaults.record.text))")
    var record: String?

    @Option(name: .customLong("blowup-norm"), parsing: .unconditional,
            help: "Stop with status blow-up when ||w||_2 reaches this. (default: \(FlowDefaults.blowupNorm))")
    var blowupNorm: Double?

    @Option(name: .customLong("loss-tol"), parsing: .unconditional, help: "Stop with status converged when the loss falls below this. (default: none)")
    var lossTolerance: Double?

    @Option(name: .customLong("config"), parsing: .unconditional,
            help: ArgumentHelp("Start from the configuration in a flow summary.json (its 'config') or a configuration file; flags given as well override it.", valueName: "file.json"))
    var configFile: String?

    @Option(name: .customLong("out"), parsing: .unconditional, help: ArgumentHelp("Directory for trajectory.csv and summary.json.", valueName: "dir"))
    var out: String?

    @Flag(name: .customLong("json"), help: "Print the summary as JSON on stdout and nothing else.")
    var json = false

    func run() throws {
        var c = FlowConfiguration()
        if let configFile {
            let data = try InputFile.read(configFile)
            if let wrapped = try? JSONDecoder().decode(FlowConfigHolder.self, from: data) { c = wrapped.config } else {
                c = try JSONOutput.decode(FlowConfiguration.self, from: data, source: configFile)
            }
        }
        var modelPart = try model.configuration(base: c.model)
        let dataset = try DataLoading.load(&modelPart)
        c = FlowConfiguration(model: modelPart, time: time ?? c.time, rescaled: rescaled || c.rescaled, logTime: logTime || c.logTime,
                              rtol: rtol ?? c.rtol, atol: atol ?? c.atol, record: try record.map { try TimeGrid(parsing: $0) } ?? c.record,
                              blowupNorm: blowupNorm ?? c.blowupNorm, lossTolerance: lossTolerance ?? c.lossTolerance)
        let runner = try FlowRunner(configuration: c, dataset: dataset)
        let outcome = runner.run()
        let summary = FlowSummary(outcome: outcome, runner: runner, version: SAMLabCommand.version)
        let summaryJSON = try JSONOutput.encode(summary)
        if let out {
            try AtomicFile.makeDirectory(out)
            let rows = outcome.rows.map {
                TrajectoryCSV.Row(clock: "\($0.time)", logLoss: $0.observation.logLoss, margin: $0.observation.margin,
                                  norm: $0.observation.norm, beta: dataset.dimension <= 1000 ? $0.observation.beta : nil,
                                  leader: $0.leader, leaderAbsolute: $0.leaderAbsolute)
            }
            try AtomicFile.write(TrajectoryCSV.render(rows, dimension: dataset.dimension, clockColumn: "time"),
                                 to: (out as NSString).appendingPathComponent("trajectory.csv"))
            try AtomicFile.write(summaryJSON, to: (out as NSString).appendingPathComponent("summary.json"))
        }
        if json {
            FileHandle.standardOutput.write(summaryJSON)
        } else {
            let leaders = summary.leaders.prefix(12).map { "\($0.coordinate == 0 ? "none" : "\($0.coordinate)")@\($0.start)" }
            print("""
            status: \(summary.status.rawValue)\(summary.reason.map { " (\($0))" } ?? "")
            time: \(summary.time)\(summary.eventTime.map { ", event at t = \($0)" } ?? "")
            beta: \(summary.beta.prefix(8).map { "\($0)" }.joined(separator: ", "))
            leaders (relative): \(leaders.joined(separator: " -> "))
            solver: \(summary.solver.acceptedSteps) steps accepted, \(summary.solver.rejectedSteps) rejected, \(summary.solver.functionEvaluations) evaluations
            """)
        }
    }
}

struct FlowConfigHolder: Decodable {
    var config: FlowConfiguration
}
