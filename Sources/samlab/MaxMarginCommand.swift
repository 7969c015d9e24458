import ArgumentParser
import Foundation
import SAMAnalysis
import SAMCore

extension MarginNorm: ExpressibleByArgument {}

/// `samlab maxmargin`: the l1 or l2 max-margin classifier of a dataset (through the origin).
struct MaxMarginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maxmargin",
        abstract: "The max-margin solution: min ||b|| subject to y_n <b, x_n> >= 1 (l1: an LP, l2: a QP), through COIN-OR Clp and an exact active-set method.",
        discussion: "GD and SAM on linear models converge in direction to the l2 solution; on deep diagonal networks GD's limit on D_mu is the l1 one. Non-separable data is an error that says by how much."
    )

    @Option(name: .customLong("mu"), parsing: .unconditional, help: "Single example D_mu = {(mu, +1)}.")
    var mu: String?

    @Option(name: .customLong("data"), parsing: .unconditional, help: ArgumentHelp("CSV dataset with header x1,...,xd,y.", valueName: "file.csv"))
    var dataFile: String?

    @Option(name: .customLong("gaussian"), parsing: .unconditional,
            help: ArgumentHelp("Seeded Gaussian clusters, as for train.", valueName: "n=100,mean=1,2,sigma=0.3,seed=7"))
    var gaussian: String?

    @Option(name: .customLong("norm"), parsing: .unconditional, help: "The norm: l1 or l2.")
    var norm: MarginNorm

    @Flag(name: .customLong("json"), help: "Print the result as JSON on stdout and nothing else.")
    var json = false

    func run() throws {
        let sources = [mu, dataFile, gaussian].compactMap { $0 }
        guard sources.count == 1 else { throw InvalidInput("give exactly one of --mu, --data and --gaussian") }
        let source: DataSource
        if let mu { source = .singleExample(mu: try ValueParsing.numbers(mu, flag: "--mu")) } else if let dataFile {
            source = .csv(path: dataFile, embedded: nil)
        } else {
            source = .gaussian(try GaussianClusters(parsing: gaussian!))
        }
        let dataset = try source.load()
        let report = try MaxMarginReport(dataset: dataset, norm: norm)
        if json {
            FileHandle.standardOutput.write(try JSONOutput.encode(report))
            return
        }
        print("\(norm.rawValue) max-margin solution (margin 1): \(report.solution)")
        print("direction: \(report.direction)")
        print("||b||_\(norm == .l1 ? "1" : "2") = \(report.normValue); unique: \(report.unique.map { $0 ? "yes" : "no" } ?? "not checked")")
        print("support vectors (1-based examples): \(report.supportVectors)")
    }
}
