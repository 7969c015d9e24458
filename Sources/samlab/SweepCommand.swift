import ArgumentParser
import Foundation
import SAMCore
import SAMExperiments
import SAMPlot
import Synchronization

/// The signal (SIGINT or SIGTERM) that asked `sweep run` to stop, or 0.
let sweepStopSignal = Atomic<Int32>(0)

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Grids of runs: every core, durable results, resume after a crash, shards for a cluster.",
        subcommands: [SweepRun.self, SweepMergeCommand.self, SweepPlot.self, SweepExport.self, SweepCompare.self]
    )
}

struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every point of a sweep spec (JSON); finished points are appended to DIR/results.jsonl as they end.",
        discussion: """
        Rerunning the same command skips what is done. A spec that changes finished points is refused. --shard i/n \
        runs the points whose index is i modulo n (0 <= i < n), for a Slurm job array or GNU parallel; `samlab sweep \
        merge` joins the shards. One run writes to a result directory at a time: a second one on the same --out is \
        refused (exit 2); the lock (DIR/results.jsonl.lock) ends with its process, even after kill -9. A damaged \
        line in results.jsonl is an error with its line number (a torn last line from a crash is dropped and rerun). \
        Ctrl-C or SIGTERM (Slurm, systemd, timeout) starts no new point, gives the points in flight 5 s to finish, \
        and exits 130 (SIGINT) or 143 (SIGTERM); rerunning resumes.
        """
    )

    @Argument(help: "The sweep spec (JSON).") var spec: String
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Result directory.") var out: String
    @Option(name: .customLong("jobs"), parsing: .unconditional, help: "Points run in parallel.") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("shard"), parsing: .unconditional, help: "Run only shard i of n (i/n, 0 <= i < n).") var shard: String?
    @Option(name: .customLong("max-points"), parsing: .unconditional,
            help: "Refuse a grid of more points than this (the axis lengths multiplied, times the seeds) before anything runs.")
    var maxPoints: Int = 1_000_000
    @Flag(name: .customLong("quiet"), help: "No progress on stderr.") var quiet = false

    func run() throws {
        guard jobs >= 1 else { throw InvalidInput("--jobs must be at least 1 (got \(jobs))") }
        guard maxPoints >= 1 else { throw InvalidInput("--max-points must be at least 1 (got \(maxPoints))") }
        let text = try InputFile.read(spec)
        if let count = SweepSpec.pointCount(json: text), count > maxPoints {
            let size = count == Int.max ? "more than \(Int.max)" : "\(count)"
            throw InvalidInput("\(spec): the grid has \(size) points (axis lengths multiplied, times the seeds), more than --max-points \(maxPoints): shrink it, or raise --max-points")
        }
        let parsed = try SweepSpec(json: text, source: spec)
        let shard = try FlagNames().checking { try self.shard.map { try SweepRunner.Shard(parsing: $0) } }
        let start = Date()
        let quiet = self.quiet
        signal(SIGINT) { sweepStopSignal.store($0, ordering: .relaxed) }
        signal(SIGTERM) { sweepStopSignal.store($0, ordering: .relaxed) }
        // A parent may have started us with these blocked (a child inherits the mask); the worker threads inherit ours.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        let outcome = try SweepRunner.run(parsed, specText: text, directory: out, jobs: jobs, shard: shard, progress: { done, total in
            guard !quiet, done % max(1, total / 20) == 0 || done == total else { return }
            let elapsed = Date().timeIntervalSince(start)
            Terminal.note("sweep: \(done)/\(total) points, ETA \(ProgressLine.duration(elapsed / Double(done) * Double(total - done)))")
        }, shouldStop: { sweepStopSignal.load(ordering: .relaxed) != 0 }, grace: 5)
        // From here on a signal ends the process at once (the export writes each file atomically).
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        let received = sweepStopSignal.load(ordering: .relaxed)
        if outcome.interrupted || received != 0 {
            let name = received == SIGTERM ? "SIGTERM" : "SIGINT"
            let left = outcome.total - outcome.skipped - outcome.ran
            let abandoned = outcome.abandoned > 0 ? " (\(outcome.abandoned) in flight abandoned)" : ""
            Terminal.note("\(name): stopped with \(outcome.skipped + outcome.ran) of \(outcome.total) points in \(out)/results.jsonl, \(left) left\(abandoned); rerun the same command to resume")
            throw ExitCode(received == SIGTERM ? 143 : 130)
        }
        if shard == nil { try SweepTable(directory: out).export(to: out) }
        print("\(outcome.total) points\(shard.map { " in shard \($0.index)/\($0.count)" } ?? ""): \(outcome.ran) run, \(outcome.skipped) already done; results in \(out)/results.jsonl")
    }
}

struct SweepMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Join shard directories into one; report missing and duplicate points (exit 1 if any are missing).")
    @Argument(help: "Shard directories.") var directories: [String]
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Merged directory.") var out: String

    func run() throws {
        let r = try SweepMerge.merge(directories, into: out)
        print("\(r.merged) of \(r.points) points merged into \(out)")
        if !r.duplicates.isEmpty { print("duplicates (identical, kept once): \(r.duplicates.count) points, e.g. \(r.duplicates.prefix(10).map(String.init).joined(separator: ", "))") }
        if !r.conflicts.isEmpty { print("conflicts (different results, first kept): \(r.conflicts.prefix(10).map(String.init).joined(separator: ", "))") }
        if !r.missing.isEmpty {
            print("missing: \(r.missing.count) points, e.g. \(r.missing.prefix(10).map(String.init).joined(separator: ", "))")
            throw ExitCode(1)
        }
    }
}

struct SweepExport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write results.csv, results.npy (+ .columns.txt, .categories.json: fixed codes of status and regime) from a result directory.")
    @Argument(help: "Result directory.") var directory: String
    func run() throws {
        try SweepTable(directory: directory).export(to: directory)
        print("wrote \(directory)/results.csv and \(directory)/results.npy")
    }
}

struct SweepPlot: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plot", abstract: "A phase diagram of one kept field over two axes, with the theory's boundaries for (alpha, rho).")
    @Argument(help: "Result directory.") var directory: String
    @Option(name: .customLong("x"), parsing: .unconditional, help: "Axis on x.") var x: String
    @Option(name: .customLong("y"), parsing: .unconditional, help: "Axis on y.") var y: String
    @Option(name: .customLong("value"), parsing: .unconditional, help: "Kept field to show.") var value: String
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Output path without extension (writes .svg, .png, .json). (default: DIR/X-Y-VALUE)") var out: String?

    func run() throws {
        let figure = try SweepTable(directory: directory).phaseDiagram(x: x, y: y, value: value)
        let base = out ?? (directory as NSString).appendingPathComponent("\(x)-\(y)-\(value)")
        let rendered = SVGRenderer.render(figure)
        try rendered.writeSVG(to: URL(fileURLWithPath: base + ".svg"))
        try figure.save(to: URL(fileURLWithPath: base + ".json"))
        if PNGExport.isAvailable { try rendered.writePNG(to: URL(fileURLWithPath: base + ".png")) }
        print("wrote \(base).svg\(PNGExport.isAvailable ? ", .png" : "") and .json")
    }
}

struct SweepCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Check that two result directories of one sweep hold the same results (exit 1 if not).",
        discussion: """
        Points are matched by index and must have the same axis values (the configuration may differ, e.g. in \
        its solver). Their kept fields must agree: strings \
        (status, regime) exactly, numbers (event times, leader starts, end times) to --tolerance (absolute), lists \
        of the same length. Line order does not matter. Prints the number of points, the largest number gap, and \
        up to 10 differences.
        """
    )
    @Argument(help: "The reference result directory (or results.jsonl).") var reference: String
    @Argument(help: "The result directory (or results.jsonl) to check against it.") var candidate: String
    @Option(name: .customLong("tolerance"), parsing: .unconditional, help: "Largest allowed |a - b| of a number.") var tolerance = 1e-9

    func run() throws {
        guard tolerance >= 0, tolerance.isFinite else { throw InvalidInput("--tolerance must be finite and >= 0 (got \(tolerance))") }
        let r = try SweepComparison.compare(reference: reference, candidate: candidate, tolerance: tolerance)
        print("\(r.points) points; largest number gap \(r.largestNumberGap) (tolerance \(tolerance))")
        if !r.missing.isEmpty { print("missing in \(candidate): \(r.missing.count) points, e.g. \(r.missing.prefix(10).map(String.init).joined(separator: ", "))") }
        if !r.extra.isEmpty { print("not in \(reference): \(r.extra.count) points, e.g. \(r.extra.prefix(10).map(String.init).joined(separator: ", "))") }
        if !r.otherPoint.isEmpty { print("other axis values: \(r.otherPoint.count) points, e.g. \(r.otherPoint.prefix(10).map(String.init).joined(separator: ", "))") }
        for d in r.differences.prefix(10) { print("point \(d.index) \(d.path): \(d.reference) against \(d.candidate)") }
        if r.differences.count > 10 { print("... \(r.differences.count - 10) more differences") }
        guard r.identical else { throw ExitCode(1) }
        print("identical")
    }
}
