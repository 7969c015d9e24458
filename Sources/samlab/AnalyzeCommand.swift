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

    func run() throws {
        let run = try RecordedRun(directory: runDirectory)
        let rows = try RunAnalysis.analyze(run)
        if json {
            FileHandle.standardOutput.write(try JSONOutput.encode(AnalysisReport(kind: run.kind.rawValue, status: run.status, rows: rows)))
            return
        }
        print("\(run.kind.rawValue) run in \(runDirectory): status \(run.status)")
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
