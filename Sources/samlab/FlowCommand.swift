import ArgumentParser
import Foundation
import SAMAnalysis
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
        or prints the summary with --json. Ctrl-C or SIGTERM stops the flow: --out then holds summary.json with \
        status interrupted and the state at t = 0 (a flow keeps no checkpoint), and the exit status is 130 (Ctrl-C) \
        or 143 (SIGTERM). An --out that already holds a run is refused unless --force is given.
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

    @Option(name: .customLong("solver"), parsing: .unconditional,
            help: ArgumentHelp("Runge-Kutta pair: dopri5 (Dormand-Prince 5(4)) or dop853 (Dormand-Prince 8(5,3)). (default: dop853 when rtol < \(Solver.tightTolerance), else dopri5)",
                               valueName: "name"))
    var solver: String?

    @Option(name: .customLong("record"), parsing: .unconditional,
            help: "Recorded times: every=DT, log=N or times=T1,T2,...; t = 0 and the end are always kept. (default: \(RecordingSchedule.standard.text(clock: .time)))")
    var record: String?

    @Option(name: .customLong("blowup-norm"), parsing: .unconditional,
            help: "Stop with status blow-up when ||w||_2 reaches this. (default: \(FlowDefaults.blowupNorm))")
    var blowupNorm: Double?

    @Option(name: .customLong("loss-tol"), parsing: .unconditional, help: "Stop with status converged when the loss falls below this. (default: none)")
    var lossTolerance: Double?

    @OptionGroup var files: RunFileOptions

    @Flag(name: .customLong("sharpness"), help: ArgumentHelp(SharpnessFlag.help))
    var sharpness = false

    func run() throws {
        let (out, json) = (files.out, files.json)
        Interrupt.install()
        try files.checkOut(resumable: false)
        let (prepared, names) = try files.prepare(clock: .time, model: model, record: record) { spec, names in
            var c = spec.flow ?? FlowSettings()
            if let time { c.time = time; names.fromFlags.insert("time") }
            if rescaled { c.rescaled = true; names.fromFlags.insert("rescaled") }
            if logTime { c.logTime = true; names.fromFlags.insert("log_time") }
            if let rtol { c.rtol = rtol; names.fromFlags.insert("rtol") }
            if let atol { c.atol = atol; names.fromFlags.insert("atol") }
            if let solver { c.solver = solver; names.fromFlags.insert("solver") }
            if let blowupNorm { c.blowupNorm = blowupNorm; names.fromFlags.insert("blowup_norm") }
            if let lossTolerance { c.lossTolerance = lossTolerance; names.fromFlags.insert("loss_tolerance") }
            spec.dynamics = .flow(c)
            SharpnessFlag.apply(sharpness, to: &spec, names: &names)
        }
        let runner = try Phase.run("setting up the flow (d = \(prepared.dataset.dimension))") {
            try names.checking { try FlowRunner(spec: prepared.spec, dataset: prepared.dataset) }
        }
        if Interrupt.requested {
            Terminal.note("\(Interrupt.name) before the flow started; nothing written")
            throw ExitCode(Interrupt.exitCode)
        }
        // The integrator has no stopping point of its own: a watcher writes the interrupted folder and exits, unless
        // the finished run has already claimed the output.
        let output = OutputClaim()
        let watcher = Thread {
            while !Interrupt.requested { Thread.sleep(forTimeInterval: 0.05) }
            guard output.claim() else { return }
            Self.stop(prepared: prepared, out: out)
        }
        watcher.start()
        let result = Phase.run("integrating the flow to t = \(prepared.spec.flow!.time)", untilInterrupted: true) { runner.run() }
        guard output.claim() else {
            // The watcher is writing the interrupted folder; it ends the process.
            while true { Thread.sleep(forTimeInterval: 1) }
        }
        SharpnessFlag.warn(result)
        // --json prints the summary as written: with --out and d > 1000, the small one naming the NPY files in --out.
        var written: Data?
        if let out { written = try Phase.run("writing \(out)") { try RunFolder.write(result, to: out, version: SAMLabCommand.version) } }
        // Made after the folder is written, so that its copies of the weights and the folder's are not held together.
        let summary = RunSummary(result, version: SAMLabCommand.version)
        if json {
            FileHandle.standardOutput.write(try written ?? Phase.run("writing the summary") { try JSONOutput.encode(summary) })
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
            if let sharpness = SharpnessFlag.line(summary) { print(sharpness) }
        }
    }

    /// After Ctrl-C or SIGTERM: `--out` gets summary.json with status `interrupted` and trajectory.csv, both of the
    /// state at t = 0 (the integrator returns its states only at the end, so nothing later is kept), then the process
    /// exits 130 or 143.
    static func stop(prepared: PreparedRun, out: String?) -> Never {
        var saved = "nothing saved"
        if let out {
            do {
                try RunFolder.write(try initialState(of: prepared), to: out, version: SAMLabCommand.version)
                saved = "\(out) holds summary.json with status interrupted and the state at t = 0; rerun with --force to start again"
            } catch let error as InvalidInput {
                Terminal.warn(error.message)
            } catch {
                Terminal.warn("\(out): \(error)")
            }
        }
        Terminal.note("\(Interrupt.name): the flow was stopped before its end; \(saved)")
        endProcess(Interrupt.exitCode)
    }

    /// The flow's result at t = 0, as an interrupted run: its first row, from a solve over a sliver of time (the
    /// same field, so the row and its leaders are what the full run records at t = 0).
    static func initialState(of prepared: PreparedRun) throws -> RunResult {
        var sliver = prepared.spec
        var settings = sliver.flow!
        settings.time = min(settings.time, 1e-9)
        settings.lossTolerance = nil
        sliver.dynamics = .flow(settings)
        sliver.record = .times([])
        let runner = try FlowRunner(spec: sliver, dataset: prepared.dataset)
        let start = runner.run()
        guard let row = start.rows.first else { throw InvalidInput("the flow has no state at t = 0") }
        let first = { (periods: [LeaderPeriod]) in Array(periods.prefix { $0.start == 0 }) }
        return RunResult(spec: prepared.spec, status: .interrupted,
                         reason: "stopped by \(Interrupt.name) before the end; a flow keeps no checkpoint, so this is the state at t = 0",
                         eventClock: nil, endClock: 0, rows: [row], leaders: first(start.leaders),
                         leadersAbsolute: first(start.leadersAbsolute),
                         final: StateObservation(logLoss: row.logLoss, margin: row.margin, norm: row.norm, beta: row.beta ?? [], mse: row.mse),
                         finalWeights: runner.model.initialWeights,
                         layerCount: start.layerCount, examples: start.examples, dimension: start.dimension, mu: prepared.dataset.singleExampleMu,
                         layerShapes: start.layerShapes)
    }
}

/// Who writes the output of a run that may be interrupted from another thread: the first to claim it.
final class OutputClaim: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    /// True for the first caller only.
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}

/// exit(3), named apart from `ParsableCommand.exit`.
private func endProcess(_ code: Int32) -> Never { exit(code) }
