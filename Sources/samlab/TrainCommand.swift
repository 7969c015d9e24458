import ArgumentParser
import Foundation
import SAMCore
import Synchronization

/// Set by SIGINT; the run stops at the next check, saves a checkpoint and exits 130.
let interruptRequested = Atomic<Bool>(false)

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Run discrete GD or SAM on an L-layer linear diagonal network.",
        discussion: """
        Writes trajectory.csv and summary.json to --out (atomically), or prints the summary with --json. The \
        leader lists of the summary are decided from every step, beta(k+1) against beta(k), whatever --record is. \
        With --out, Ctrl-C saves a checkpoint (also saved every --checkpoint-seconds) and the same command with \
        --resume continues it to the same bytes as an uninterrupted run.
        """
    )

    @OptionGroup var model: ModelOptions

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Step size eta > 0. (default: \(Defaults.learningRate))")
    var learningRate: Double?

    @Option(name: .customLong("steps"), parsing: .unconditional, help: "Number of steps. (default: \(Defaults.steps))")
    var steps: Int?

    @Option(name: .customLong("record"), parsing: .unconditional,
            help: "Recorded steps: every=K or log=N (about N log-spaced steps); step 0 and the last are always kept. (default: \(Defaults.record.text))")
    var record: String?

    @Option(name: .customLong("record-beta"), parsing: .unconditional,
            help: "Whether trajectory.csv has beta_1..beta_d columns: auto (only when d <= 1000), all or none.")
    var recordBeta: BetaColumns = .auto

    @Option(name: .customLong("config"), parsing: .unconditional,
            help: ArgumentHelp("Start from the configuration in a summary.json (its 'config') or a configuration file; flags given as well override it.", valueName: "file.json"))
    var configFile: String?

    @Option(name: .customLong("out"), parsing: .unconditional,
            help: ArgumentHelp("Directory for trajectory.csv and summary.json (created if missing).", valueName: "dir"))
    var out: String?

    @Flag(name: .customLong("json"), help: "Print the summary as JSON on stdout and nothing else.")
    var json = false

    @Flag(name: .customLong("resume"), help: "Continue from --out's checkpoint.json when there is one (same configuration required).")
    var resume = false

    @Option(name: .customLong("checkpoint-seconds"), parsing: .unconditional,
            help: "With --out, save checkpoint.json this often during long runs; 0 = only on Ctrl-C.")
    var checkpointSeconds: Double = 60

    @Flag(name: .customLong("quiet"), help: "No progress or notes on stderr (errors and warnings still appear).")
    var quiet = false

    enum BetaColumns: String, ExpressibleByArgument, CaseIterable {
        case auto, all, none
    }

    func run() throws {
        var configuration = try loadBase()
        configuration = try model.configuration(base: configuration)
        if let learningRate { configuration.learningRate = learningRate }
        if let steps { configuration.steps = steps }
        if let record { configuration.record = try RecordingSchedule(parsing: record) }
        guard checkpointSeconds.isFinite, checkpointSeconds >= 0 else {
            throw InvalidInput("--checkpoint-seconds must be non-negative (got \(checkpointSeconds))")
        }
        if resume && out == nil { throw InvalidInput("--resume needs --out (the directory holding checkpoint.json)") }
        try configuration.validate()
        if !configuration.optimizer.usesRho && model.rho != nil && !quiet {
            Terminal.warn("--rho is ignored by --optimizer gd")
        }
        let dataset = try DataLoading.load(&configuration)
        let recordsBeta: Bool? = switch recordBeta {
        case .auto: nil
        case .all: true
        case .none: false
        }
        let trainer = try Trainer(configuration: configuration, dataset: dataset, recordsBeta: recordsBeta)
        if recordBeta == .auto && !trainer.recordsBeta && !quiet {
            Terminal.note("d = \(dataset.dimension) > 1000: trajectory.csv leaves out beta (use --record-beta all to keep it)")
        }

        let checkpointPath = out.map { ($0 as NSString).appendingPathComponent("checkpoint.json") }
        if let out { try AtomicFile.makeDirectory(out) }
        if resume, let checkpointPath, FileManager.default.fileExists(atPath: checkpointPath) {
            let saved = try JSONOutput.decode(Checkpoint.self, from: try InputFile.read(checkpointPath), source: checkpointPath)
            guard saved.config == configuration else {
                throw InvalidInput("\(checkpointPath) was written by a run with a different configuration; repeat its flags or remove it")
            }
            try trainer.restore(saved.state)
            if !quiet { Terminal.note("resuming from step \(saved.state.step)") }
        }

        signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
        let progress = ProgressLine(total: configuration.steps, label: "train")
        var lastCheckpoint = Date()
        while true {
            let state = trainer.run(progress: { if !quiet { progress.update($0) } }, shouldStop: {
                interruptRequested.load(ordering: .relaxed)
                    || (checkpointPath != nil && checkpointSeconds > 0 && Date().timeIntervalSince(lastCheckpoint) >= checkpointSeconds)
            })
            guard state.status == .interrupted else { break }
            if let checkpointPath {
                try AtomicFile.write(try JSONOutput.encode(Checkpoint(config: configuration, state: state)), to: checkpointPath)
                lastCheckpoint = Date()
            }
            if interruptRequested.load(ordering: .relaxed) {
                progress.finish()
                let how = checkpointPath.map { "checkpoint saved to \($0); rerun the same command with --resume to continue" }
                    ?? "nothing saved (use --out to keep a checkpoint)"
                Terminal.note("interrupted at step \(state.step); \(how)")
                throw ExitCode(130)
            }
        }
        progress.finish()

        let summary = RunSummary(trainer: trainer, version: SAMLabCommand.version)
        let summaryJSON = try JSONOutput.encode(summary)
        if let out {
            let csv = TrajectoryCSV.render(rows: trainer.state.rows, dimension: dataset.dimension)
            try AtomicFile.write(csv, to: (out as NSString).appendingPathComponent("trajectory.csv"))
            try AtomicFile.write(summaryJSON, to: (out as NSString).appendingPathComponent("summary.json"))
            if let checkpointPath { try? FileManager.default.removeItem(atPath: checkpointPath) }
        }
        if json {
            FileHandle.standardOutput.write(summaryJSON)
        } else if out == nil || !quiet {
            print(Self.describe(summary))
        }
    }

    func loadBase() throws(InvalidInput) -> TrainConfiguration {
        guard let configFile else { return TrainConfiguration() }
        let data = try InputFile.read(configFile)
        if let wrapped = try? JSONDecoder().decode(ConfigHolder.self, from: data) { return wrapped.config }
        return try JSONOutput.decode(TrainConfiguration.self, from: data, source: configFile)
    }

    /// A few readable lines for a terminal.
    static func describe(_ s: RunSummary) -> String {
        func list(_ periods: [LeaderPeriod]) -> String {
            let shown = periods.prefix(12).map { "\($0.coordinate == 0 ? "none" : "\($0.coordinate)")@\($0.start)" }
            return shown.joined(separator: " -> ") + (periods.count > 12 ? " -> ... (\(periods.count) periods in all)" : "")
        }
        var lines = ["status: \(s.status.rawValue)\(s.reason.map { " (\($0))" } ?? "")",
                     "steps: \(s.steps)",
                     "beta: \(s.beta.prefix(8).map { "\($0)" }.joined(separator: ", "))\(s.beta.count > 8 ? ", ..." : "")",
                     "loss: \(s.loss.map { "\($0)" } ?? "overflow") (log \(s.logLoss)), margin: \(s.margin)",
                     "leaders (relative): \(list(s.leaders))",
                     "leaders (absolute): \(list(s.leadersAbsolute))"]
        if let direction = s.direction {
            lines.insert("direction: \(direction.prefix(8).map { "\($0)" }.joined(separator: ", "))", at: 3)
        }
        return lines.joined(separator: "\n")
    }
}

/// checkpoint.json: the configuration and the trainer's state.
struct Checkpoint: Codable {
    var config: TrainConfiguration
    var state: TrainerState
}

/// A summary.json read for its configuration only.
struct ConfigHolder: Decodable {
    var config: TrainConfiguration
}
