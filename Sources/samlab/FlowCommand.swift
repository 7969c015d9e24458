import ArgumentParser
import Foundation
import SAMCore
import SAMFlow

typealias FlowDefaults = FlowSettings.Defaults

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
            help: "Recorded times: every=DT, log=N or times=T1,T2,...; t = 0 and the end are always kept. (default: \(RecordingSchedule.standard.text(clock: .time)))")
    var record: String?

    @Option(name: .customLong("blowup-norm"), parsing: .unconditional,
            help: "Stop with status blow-up when ||w||_2 reaches this. (default: \(FlowDefaults.blowupNorm))")
    var blowupNorm: Double?

    @Option(name: .customLong("loss-tol"), parsing: .unconditional, help: "Stop with status converged when the loss falls below this. (default: none)")
    var lossTolerance: Double?

    @OptionGroup var files: RunFileOptions

    func run() throws {
        let (out, json) = (files.out, files.json)
        let (prepared, names) = try files.prepare(clock: .time, model: model, record: record) { spec, names in
            var c = spec.flow ?? FlowSettings()
            if let time { c.time = time; names.fromFlags.insert("time") }
            if rescaled { c.rescaled = true; names.fromFlags.insert("rescaled") }
            if logTime { c.logTime = true; names.fromFlags.insert("log_time") }
            if let rtol { c.rtol = rtol; names.fromFlags.insert("rtol") }
            if let atol { c.atol = atol; names.fromFlags.insert("atol") }
            if let blowupNorm { c.blowupNorm = blowupNorm; names.fromFlags.insert("blowup_norm") }
            if let lossTolerance { c.lossTolerance = lossTolerance; names.fromFlags.insert("loss_tolerance") }
            spec.dynamics = .flow(c)
        }
        let runner = try names.checking { try FlowRunner(spec: prepared.spec, dataset: prepared.dataset) }
        let result = runner.run()
        let summary = RunSummary(result, version: SAMLabCommand.version)
        if let out { try RunFolder.write(result, to: out, version: SAMLabCommand.version) }
        if json {
            FileHandle.standardOutput.write(try JSONOutput.encode(summary))
        } else {
            let leaders = summary.leaders.prefix(12).map { "\($0.coordinate == 0 ? "none" : "\($0.coordinate)")@\($0.start)" }
            let solver = summary.solver ?? SolverReport()
            print("""
            status: \(summary.status.rawValue)\(summary.reason.map { " (\($0))" } ?? "")
            time: \(summary.endClock)\(summary.eventClock.map { ", event at t = \($0)" } ?? "")
            beta: \(summary.beta.prefix(8).map { "\($0)" }.joined(separator: ", "))
            leaders (relative): \(leaders.joined(separator: " -> "))
            solver: \(solver.acceptedSteps) steps accepted, \(solver.rejectedSteps) rejected, \(solver.functionEvaluations) evaluations
            """)
        }
    }
}
