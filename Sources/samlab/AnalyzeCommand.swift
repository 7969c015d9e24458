import ArgumentParser
import Foundation
import SAMAnalysis
import SAMCore

/// `samlab analyze RUN_DIR`: a run's results next to the theory's predictions.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Read a run folder (summary.json, trajectory.csv) and print simulated against predicted, with a verdict per row."
    )

    @Argument(help: "A folder written by samlab train --out or samlab flow --out.")
    var runDirectory: String

    @Flag(name: .customLong("json"), help: "Print the rows as JSON on stdout and nothing else.")
    var json = false

    @Option(name: .customLong("measures"), parsing: .unconditional,
            help: ArgumentHelp("Also write per-row measures (normalized margin, cosines to e_j and to the l1/l2 max-margin directions) to this CSV.", valueName: "file.csv"))
    var measures: String?

    func run() throws {
        let run = try RunFolder.read(runDirectory)
        let rows = try RunAnalysis.analyze(run)
        let kind = run.clock == .step ? "train" : "flow"
        if let measures {
            var references: [(name: String, direction: [Double])] = []
            let d = run.beta.count
            for j in 0..<d { references.append(("e\(j + 1)", (0..<d).map { $0 == j ? 1 : 0 })) }
            if let dataset = try? run.spec.data.load() {
                for norm in MarginNorm.allCases {
                    if let m = try? MaxMargin.solve(points: dataset.points, labels: dataset.labels, norm: norm) {
                        references.append(("\(norm.rawValue)_max_margin", m.direction))
                    }
                }
            }
            guard !RunAnalysis.recordedBetas(run).isEmpty else { throw InvalidInput("\(runDirectory)/trajectory.csv has no beta columns (rerun with --record-beta all)") }
            try AtomicFile.write(RunAnalysis.measuresCSV(run, references: references), to: measures)
        }
        if json {
            FileHandle.standardOutput.write(try JSONOutput.encode(AnalysisReport(kind: kind, status: run.status.rawValue, rows: rows)))
            return
        }
        print("\(kind) run in \(runDirectory): status \(run.status.rawValue)")
        // Columns as wide as their longest entry: nothing is cut.
        let table = [["quantity", "simulated", "predicted", "verdict"]] + rows.map { [$0.quantity, $0.simulated, $0.predicted, $0.verdict] }
        let widths = (0..<3).map { c in table.map { $0[c].count }.max()! }
        for line in table {
            print((0..<3).map { line[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + line[3])
        }
        if rows.isEmpty { print("(no prediction applies to this run)") }
    }
}

struct AnalysisReport: Encodable {
    var kind: String
    var status: String
    var rows: [AnalysisRow]
}
