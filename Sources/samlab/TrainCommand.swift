import ArgumentParser
import Foundation
import SAMAnalysis
import SAMCore

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Run discrete GD or SAM on an L-layer linear diagonal network.",
        discussion: """
        Writes trajectory.csv and summary.json to --out (atomically), or prints the summary with --json. The \
        leader lists of the summary are decided from every step, beta(k+1) against beta(k), whatever --record is. \
        With --out, Ctrl-C or SIGTERM (Slurm, systemd, timeout) saves a checkpoint with summary.json (status \
        interrupted) and the trajectory so far, and exits 130 (Ctrl-C) or 143 (SIGTERM); the folder is also saved \
        every --checkpoint-seconds. The same command with --resume continues it to the same bytes as an \
        uninterrupted run. An --out that already holds a run is refused unless --resume or --force is given.
        """
    )

    @OptionGroup var model: ModelOptions

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Step size eta > 0. (default: \(DiscreteSettings.Defaults.learningRate))")
    var learningRate: Double?

    @Option(name: .customLong("steps"), parsing: .unconditional, help: "Number of steps. (default: \(DiscreteSettings.Defaults.steps))")
    var steps: Int?

    @Option(name: .customLong("record"), parsing: .unconditional,
            help: "Recorded steps: every=K or log=N (about N log-spaced steps); step 0 and the last are always kept. (default: \(RecordingSchedule.standard.text(clock: .step)))")
    var record: String?

    @Option(name: .customLong("record-beta"), parsing: .unconditional,
            help: "Whether trajectory.csv has beta_1..beta_d columns: auto (only when d <= 1000), all or none.")
    var recordBeta: BetaColumns = .auto

    @OptionGroup var files: RunFileOptions

    @Flag(name: .customLong("sharpness"), help: ArgumentHelp(SharpnessFlag.help))
    var sharpness = false

    @Flag(name: .customLong("resume"), help: "Continue from --out's checkpoint.json when there is one (same configuration required).")
    var resume = false

    @Option(name: .customLong("checkpoint-seconds"), parsing: .unconditional,
            help: "With --out, save checkpoint.json (with the summary and trajectory so far) this often during long runs (and at least nine times as long as a save takes); 0 = only on Ctrl-C or SIGTERM.")
    var checkpointSeconds: Double = 60

    @Flag(name: .customLong("quiet"), help: "No progress or notes on stderr (errors and warnings still appear).")
    var quiet = false

    enum BetaColumns: String, ExpressibleByArgument, CaseIterable {
        case auto, all, none
    }

    func run() throws {
        let (out, json) = (files.out, files.json)
        guard checkpointSeconds.isFinite, checkpointSeconds >= 0 else {
            throw InvalidInput("--checkpoint-seconds must be non-negative (got \(checkpointSeconds))")
        }
        if resume && out == nil { throw InvalidInput("--resume needs --out (the directory holding checkpoint.json)") }
        if resume && files.force { throw InvalidInput("give only one of --resume (continue the run in --out) and --force (replace it)") }
        Interrupt.install()
        // Large vectors (d = 10^6) mapped and unmapped, so that the peak RSS is the peak of what the run holds.
        LargeAllocations.returnFreedBlocksToTheSystem()
        try files.checkOut(resumable: true, resume: resume)
        let (prepared, names) = try files.prepare(clock: .step, model: model, record: record, quiet: quiet) { spec, names in
            var settings = spec.discrete ?? DiscreteSettings()
            if let learningRate { settings.learningRate = learningRate; names.fromFlags.insert("lr") }
            if let steps { settings.steps = steps; names.fromFlags.insert("steps") }
            spec.dynamics = .discrete(settings)
            SharpnessFlag.apply(sharpness, to: &spec, names: &names)
        }
        let spec = prepared.spec, dataset = prepared.dataset
        if let rule = try? Registry.standard.rule(named: spec.rule.name), !rule.usesRadius, model.rho != nil, !quiet {
            Terminal.warn("--rho is ignored by --optimizer \(rule.name)")
        }
        let recordsBeta: Bool? = switch recordBeta {
        case .auto: nil
        case .all: true
        case .none: false
        }
        if recordsBeta == true {
            try names.checking { try PreparedRun.checkRecordingSize(spec, dimension: dataset.dimension, recordsBeta: true) }
        }
        // The runner (its kernel, the model's initial weights) is gone once `runToEnd` returns: the folder is written
        // with only the result alive (at d = 10^6 the kernel alone holds 24 MB).
        let result = try runToEnd(spec: spec, dataset: dataset, recordsBeta: recordsBeta, names: names)
        SharpnessFlag.warn(result)
        // --json prints the summary as written: with --out and d > 1000, the small one naming the NPY files in --out
        // (README, "Outputs"); without --out, every vector inline, as at any d. The summary is made only where it is
        // printed, after the folder is written (at d = 10^6 its copies of the weights are tens of MB).
        var written: Data?
        if let out {
            written = try Phase.run("writing \(out)", quiet: quiet) { try RunFolder.write(result, to: out, version: SAMLabCommand.version) }
        }
        if json {
            FileHandle.standardOutput.write(try written ?? Phase.run("writing the summary", quiet: quiet) {
                try JSONOutput.encode(RunSummary(result, version: SAMLabCommand.version))
            })
        } else if out == nil || !quiet {
            print(Self.describe(RunSummary(result, version: SAMLabCommand.version)))
        }
    }

    /// Sets up the runner, resumes it from --out's checkpoint when asked, and runs it to the end, saving checkpoints
    /// on the way; the finished run's result. Ctrl-C or SIGTERM throws the exit code after the checkpoint is saved.
    func runToEnd(spec: RunSpec, dataset: Dataset, recordsBeta: Bool?, names: FlagNames) throws -> RunResult {
        let out = files.out, settings = spec.discrete!
        let runner = try Phase.run("setting up the run (d = \(dataset.dimension))", quiet: quiet) {
            try names.checking { try DiscreteRunner(spec: spec, dataset: dataset, recordsBeta: recordsBeta) }
        }
        if recordBeta == .auto && !runner.recordsBeta && !quiet {
            Terminal.note("d = \(dataset.dimension) > 1000: trajectory.csv leaves out beta (use --record-beta all to keep it)")
        }

        if resume, let out {
            if let saved = try Phase.run("reading the checkpoint", quiet: quiet, { try RunFolder.loadCheckpoint(in: out) }) {
                guard saved.config == spec else {
                    throw InvalidInput("\((out as NSString).appendingPathComponent(RunFolder.checkpointName)) was written by a run with a different configuration; repeat its flags or remove it")
                }
                try names.checking { try runner.restore(saved.state) }
                if !quiet { Terminal.note("resuming from step \(saved.state.step)") }
            } else if !quiet, FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(RunFolder.summaryName)) {
                Terminal.note("\(out) has no checkpoint (its run is finished); running again from step 0")
            }
        }
        if Interrupt.requested {
            Terminal.note("\(Interrupt.name) before the first step; nothing written")
            throw ExitCode(Interrupt.exitCode)
        }

        let progress = ProgressLine(total: settings.steps, label: "train")
        // Periodic saves come every --checkpoint-seconds, but at least nine times as long as the last save took apart
        // (at d = 10^6 a save takes seconds), so that saving costs at most a tenth of the run.
        var lastCheckpoint = Date(), interval = checkpointSeconds
        while true {
            let state = runner.run(progress: { if !quiet { progress.update($0) } }, shouldStop: {
                Interrupt.requested
                    || (out != nil && checkpointSeconds > 0 && Date().timeIntervalSince(lastCheckpoint) >= interval)
            })
            guard state.status == .interrupted else { break }
            if let out {
                // The checkpoint, the summary (status interrupted) and the trajectory so far, in one rename.
                let checkpoint = RunCheckpoint(config: spec, state: state), saving = Date()
                try Phase.run("saving the checkpoint to \(out)", quiet: quiet) {
                    try RunFolder.write(runner.result, to: out, version: SAMLabCommand.version, checkpoint: checkpoint)
                }
                lastCheckpoint = Date()
                interval = max(checkpointSeconds, 9 * lastCheckpoint.timeIntervalSince(saving))
            }
            if Interrupt.requested {
                progress.finish()
                let how = out.map { "checkpoint and summary (status interrupted) saved in \($0); rerun the same command with --resume to continue" }
                    ?? "nothing saved (use --out to keep a checkpoint)"
                Terminal.note("\(Interrupt.name): stopped at step \(state.step); \(how)")
                throw ExitCode(Interrupt.exitCode)
            }
        }
        progress.finish()

        return runner.result
    }

    /// A few readable lines for a terminal.
    static func describe(_ s: RunSummary) -> String {
        func list(_ periods: [LeaderPeriod]) -> String {
            let shown = periods.prefix(12).map { "\($0.coordinate == 0 ? "none" : "\($0.coordinate)")@\($0.startStep)" }
            return shown.joined(separator: " -> ") + (periods.count > 12 ? " -> ... (\(periods.count) periods in all)" : "")
        }
        var lines = ["status: \(s.status.rawValue)\(s.reason.map { " (\($0))" } ?? "")",
                     "steps: \(Int(s.endClock))",
                     "beta: \(s.beta.prefix(8).map { "\($0)" }.joined(separator: ", "))\(s.beta.count > 8 ? ", ..." : "")",
                     "loss: \(s.loss.map { "\($0)" } ?? "overflow") (log \(s.logLoss)), "
                        + (s.mse.map { "mse: \($0)" } ?? "margin: \(s.margin)"),
                     "leaders (relative): \(list(s.leaders))",
                     "leaders (absolute): \(list(s.leadersAbsolute))"]
        if let sharpness = SharpnessFlag.line(s) { lines.append(sharpness) }
        if let direction = s.direction {
            lines.insert("direction: \(direction.prefix(8).map { "\($0)" }.joined(separator: ", "))", at: 3)
        }
        return lines.joined(separator: "\n")
    }
}
