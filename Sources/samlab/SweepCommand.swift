import ArgumentParser
import Foundation
import SAMCore
import SAMExperiments
import SAMPlot

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Grids of runs: every core, durable results, resume after a crash, shards for a cluster.",
        subcommands: [SweepRun.self, SweepMergeCommand.self, SweepPlot.self, SweepExport.self]
    )
}

struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every point of a sweep spec (JSON); finished points are appended to DIR/results.jsonl as they end.",
        discussion: "Rerunning the same command skips what is done. A spec that changes finished points is refused. --shard i/n runs the points whose index is i modulo n (0 <= i < n), for a Slurm job array or GNU parallel; `samlab sweep merge` joins the shards."
    )

    @Argument(help: "The sweep spec (JSON).") var spec: String
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Result directory.") var out: String
    @Option(name: .customLong("jobs"), parsing: .unconditional, help: "Points run in parallel.") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("shard"), parsing: .unconditional, help: "Run only shard i of n (i/n, 0 <= i < n).") var shard: String?
    @Flag(name: .customLong("quiet"), help: "No progress on stderr.") var quiet = false

    func run() throws {
        guard jobs >= 1 else { throw InvalidInput("--jobs must be at least 1 (got \(jobs))") }
        let text = try InputFile.read(spec)
        let parsed = try SweepSpec(json: text, source: spec)
        let shard = try FlagNames().checking { try self.shard.map { try SweepRunner.Shard(parsing: $0) } }
        let start = Date()
        let quiet = self.quiet
        let outcome = try SweepRunner.run(parsed, specText: text, directory: out, jobs: jobs, shard: shard) { done, total in
            guard !quiet, done % max(1, total / 20) == 0 || done == total else { return }
            let elapsed = Date().timeIntervalSince(start)
            Terminal.note("sweep: \(done)/\(total) points, ETA \(ProgressLine.duration(elapsed / Double(done) * Double(total - done)))")
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
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write results.csv, results.npy (+ .columns.txt) from a result directory.")
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
