import ArgumentParser
import Foundation
import SAMCore
import SAMExperiments

/// `samlab reproduce`: the paper's figures and claims, checked, with a report.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run the paper's catalog: figures (SVG, PNG), their data (CSV), REPORT.md, index.html and a claims table.",
        discussion: "Items: \(Catalog.items.map(\.id).joined(separator: ", ")) (or all). Each item's folder is written atomically."
    )

    @Argument(help: "Items to run (default: all).")
    var items: [String] = []

    @Option(name: .customLong("out"), parsing: .unconditional, help: "Output folder.")
    var out: String = "results"

    @Flag(name: .customLong("quick"), help: "Shorter runs and coarser grids (the test suite uses this).")
    var quick = false

    @Option(name: .customLong("jobs"), parsing: .unconditional, help: "Items run in parallel.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let known = Catalog.items.map(\.id)
        var selected: [ReproductionItem] = []
        for id in items.isEmpty ? ["all"] : items {
            if id == "all" { selected += Catalog.items; continue }
            guard let item = Catalog.item(id) else {
                throw InvalidInput("unknown item '\(id)'; known items: all, \(known.joined(separator: ", "))")
            }
            selected.append(item)
        }
        guard jobs >= 1 else { throw InvalidInput("--jobs must be at least 1 (got \(jobs))") }
        var seen = Set<String>()
        selected = selected.filter { seen.insert($0.id).inserted }
        let total = selected.count
        let counter = Counter()
        let start = Date()
        let reports = try Reproduction.run(items: selected, out: out, quick: quick, jobs: jobs) { message in
            let done = message.contains("done") ? counter.increment() : counter.value
            let elapsed = Date().timeIntervalSince(start)
            let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
            let etaText = done > 0 && done < total ? ", ETA \(ProgressLine.duration(eta))" : ""
            if Terminal.stderrIsTerminal {
                // A redrawn bar on a terminal; plain lines otherwise (logs, CI).
                let width = 24, filled = total > 0 ? width * done / total : width
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) items\(etaText) (\(message))\u{1B}[K".utf8))
            } else {
                Terminal.note("[\(done)/\(total)] \(message)\(etaText)")
            }
        }
        if Terminal.stderrIsTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        print(Reproduction.claimsTable(reports))
        print("\n\(Reproduction.verdictSummary(reports)). Report: \((out as NSString).appendingPathComponent("REPORT.md"))")
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; count += 1; return count }
    }
}
