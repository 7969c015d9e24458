import Foundation
import SAMCore
import SAMPlot

/// Runs catalog items and writes their folders and the report.
///
/// Each item writes into a hidden temporary folder that is renamed over `out/ITEM` only when the item is complete,
/// so an interrupted run leaves no half figure. Items are independent pure functions of their parameters, so
/// running them in parallel (`jobs`) gives the same bytes as running them one by one.
///
/// The report covers every item whose folder `out` holds, not only those of this run: an item's folder keeps its
/// claims (`claims.json`) and what the report says about it (`item.json`: figures, tables, parameters, seconds,
/// quick), so `samlab reproduce fig3 --out results` on a full results folder updates fig3 and keeps the others.
public enum Reproduction {
    /// What one item produced, for the report.
    public struct ItemReport: Sendable {
        /// The item.
        public var item: ReproductionItem
        /// Its checked claims.
        public var claims: [Claim]
        /// The file names of its figures.
        public var figures: [String]
        /// The file names of its data tables.
        public var tables: [String]
        /// Its parameters, in words.
        public var parameters: [String]
        /// How long it took.
        public var seconds: Double
        /// Warnings from rendering its figures.
        public var warnings: [String]
        /// Whether it ran in quick mode (shorter runs, coarser grids).
        public var quick: Bool = false
    }

    /// What an item's folder records for the report (`item.json`), so that a later run of other items keeps it.
    struct ItemRecord: Codable {
        var id: String
        var figures: [String]
        var tables: [String]
        var parameters: [String]
        var seconds: Double
        var warnings: [String]
        var quick: Bool
    }

    /// The record's file name in an item's folder.
    static let recordName = "item.json"

    /// Runs `items` on up to `jobs` threads (`quick`: smaller grids, for tests), writes each into `out/ITEM` and then `out/REPORT.md` and `out/index.html`; `progress` gets one line per item start and end.
    public static func run(items: [ReproductionItem], out: String, quick: Bool, jobs: Int,
                           progress: @escaping @Sendable (String) -> Void) throws -> [ItemReport] {
        try AtomicFile.makeDirectory(out)
        let results = Results(count: items.count)
        let queue = DispatchQueue(label: "samlab.reproduce", attributes: .concurrent)
        let semaphore = DispatchSemaphore(value: max(1, jobs))
        let group = DispatchGroup()
        for (index, item) in items.enumerated() {
            semaphore.wait()
            queue.async(group: group) {
                defer { semaphore.signal() }
                let start = Date()
                progress("\(item.id): running")
                let result = Result { try runOne(item, out: out, quick: quick, start: start) }
                results.set(index, result)
                progress("\(item.id): done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            }
        }
        group.wait()
        let reports = try results.values.map { try $0!.get() }
        let ran = Set(reports.map(\.item.id))
        // Items of earlier runs in the same folder stay in the report, in the catalog's order.
        let kept = Catalog.items.filter { !ran.contains($0.id) }.compactMap { earlierReport($0, out: out) }
        let order = Dictionary(uniqueKeysWithValues: Catalog.items.enumerated().map { ($0.element.id, $0.offset) })
        let all = (reports + kept).sorted { (order[$0.item.id] ?? Int.max, $0.item.id) < (order[$1.item.id] ?? Int.max, $1.item.id) }
        try writeReport(all, out: out, quick: quick)
        return reports
    }

    /// The report of an item that an earlier run wrote into `out/ITEM`, or nil when there is none (or it cannot be
    /// read). Folders written before `item.json` existed give their figures and tables from the file names.
    static func earlierReport(_ item: ReproductionItem, out: String) -> ItemReport? {
        let folder = URL(fileURLWithPath: out).appendingPathComponent(item.id)
        guard let data = try? InputFile.contents(folder.appendingPathComponent("claims.json").path),
              let claims = try? JSONDecoder().decode([Claim].self, from: data) else { return nil }
        if let recorded = try? InputFile.contents(folder.appendingPathComponent(recordName).path),
           let record = try? JSONDecoder().decode(ItemRecord.self, from: recorded), record.id == item.id {
            return ItemReport(item: item, claims: claims, figures: record.figures, tables: record.tables, parameters: record.parameters,
                              seconds: record.seconds, warnings: record.warnings, quick: record.quick)
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        func stems(_ suffix: String) -> [String] { names.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) } }
        return ItemReport(item: item, claims: claims, figures: stems(".svg"), tables: stems(".csv"), parameters: [], seconds: 0,
                          warnings: [], quick: false)
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<ItemReport, any Error>?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<ItemReport, any Error>) { lock.lock(); values[i] = r; lock.unlock() }
    }

    static func runOne(_ item: ReproductionItem, out: String, quick: Bool, start: Date) throws -> ItemReport {
        let output = try item.run(quick)
        let final = URL(fileURLWithPath: out).appendingPathComponent(item.id)
        let temporary = URL(fileURLWithPath: out).appendingPathComponent(".\(item.id).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try? FileManager.default.removeItem(at: temporary)
        try AtomicFile.makeDirectory(temporary.path)
        // Every failure names the file where it will be (out/ITEM/NAME) and the reason in words.
        func write(_ name: String, _ body: (URL) throws -> Void) throws(InvalidInput) {
            do { try body(temporary.appendingPathComponent(name)) } catch {
                try? FileManager.default.removeItem(at: temporary)
                if let input = error as? InvalidInput {
                    throw InvalidInput(input.message.replacingOccurrences(of: temporary.path, with: final.path))
                }
                throw InvalidInput("\(final.appendingPathComponent(name).path): cannot write (\(InputFile.reason(error)))")
            }
        }
        var warnings: [String] = []
        for (name, figure) in output.figures {
            let rendered = SVGRenderer.render(figure)
            warnings += rendered.warnings
            try write("\(name).svg") { try rendered.writeSVG(to: $0) }
            try write("\(name).json") { try figure.save(to: $0) }
            if PNGExport.isAvailable { try write("\(name).png") { try rendered.writePNG(to: $0, scale: 2) } }
        }
        for (name, csv) in output.tables { try write("\(name).csv") { try AtomicFile.writeDirectly(Data(csv.utf8), to: $0.path) } }
        let claims = try JSONOutput.encode(output.claims)
        try write("claims.json") { try AtomicFile.writeDirectly(claims, to: $0.path) }
        let seconds = Date().timeIntervalSince(start)
        let record = try JSONOutput.encode(ItemRecord(id: item.id, figures: output.figures.map(\.name), tables: output.tables.map(\.name),
                                                      parameters: output.parameters, seconds: seconds, warnings: warnings, quick: quick))
        try write(recordName) { try AtomicFile.writeDirectly(record, to: $0.path) }
        try? FileManager.default.removeItem(at: final)
        guard rename(temporary.path, final.path) == 0 else {
            let reason = InputFile.reason(errno: errno, writing: true)
            try? FileManager.default.removeItem(at: temporary)
            throw InvalidInput("\(final.path): cannot write (\(reason))")
        }
        return ItemReport(item: item, claims: output.claims, figures: output.figures.map(\.name), tables: output.tables.map(\.name),
                          parameters: output.parameters, seconds: seconds, warnings: warnings, quick: quick)
    }

    /// The claims table: claim, prediction, measurement, verdict; extrapolations beyond the paper are marked.
    public static func claimsTable(_ reports: [ItemReport]) -> String {
        let rows = [["item", "claim", "prediction", "measurement", "verdict"]]
            + reports.flatMap { $0.claims.map { [$0.item, $0.statement, $0.prediction, $0.measurement, verdictText($0)] } }
        return rows.map { "| " + $0.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
            .enumerated().flatMap { $0.offset == 0 ? [$0.element, "|---|---|---|---|---|"] : [$0.element] }
            .joined(separator: "\n")
    }

    static func verdictText(_ claim: Claim) -> String {
        switch claim.kind {
        case .paper: claim.verdict.rawValue
        case .extrapolation: "\(claim.verdict.rawValue) (extrapolation, not the paper's claim)"
        case .literature: "\(claim.verdict.rawValue) (literature, not the paper's claim)"
        }
    }

    /// "N claims of the paper: F failed", plus the counts by verdict of the extrapolations and of the literature's
    /// results when there are any.
    public static func verdictSummary(_ reports: [ItemReport]) -> String {
        let claims = reports.flatMap(\.claims)
        let paper = claims.filter { $0.kind == .paper }
        var text = "\(paper.count) claims of the paper: \(paper.filter { $0.verdict == .fails }.count) failed"
        func counts(_ group: [Claim]) -> String {
            [Claim.Verdict.holds, .fails, .inconclusive].map { v in "\(group.filter { $0.verdict == v }.count) \(v.rawValue)" }
                .joined(separator: ", ")
        }
        let beyond = claims.filter { $0.kind == .extrapolation }, literature = claims.filter { $0.kind == .literature }
        if !beyond.isEmpty { text += "; \(beyond.count) extrapolation(s) beyond it: " + counts(beyond) }
        if !literature.isEmpty { text += "; \(literature.count) result(s) of the literature: " + counts(literature) }
        return text
    }

    static func writeReport(_ reports: [ItemReport], out: String, quick: Bool) throws {
        var md = "# SAMLab reproduction report\n\n"
        md += "\"Minor First, Major Last: A Depth-Induced Implicit Bias of Sharpness-Aware Minimization\" (Moon, Si, Yun, ICLR 2026). "
        let quickItems = reports.filter(\.quick).map(\.item.id)
        let quickNote = quickItems.isEmpty ? "" : quickItems.count == reports.count ? " (--quick: shorter runs)"
            : " (\(quickItems.joined(separator: ", ")) with --quick: shorter runs)"
        md += "Every number below was measured by `samlab reproduce`\(quickNote); figures and data are in the item folders.\n\n"
        md += "## Claims\n\n" + verdictSummary(reports) + ".\n\n" + claimsTable(reports) + "\n\n"
        var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>SAMLab reproduction report</title>"
        // Every figure at one physical scale: 1 pt of the figure = 1 CSS px (the PNGs are rendered at 2x), wide ones
        // scroll sideways instead of shrinking their text; a click opens the full-size image.
        html += "<style>body{font-family:DejaVu Sans,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;}"
            + "figure{margin:1em 0;overflow-x:auto;}figure img{max-width:none;height:auto;}figcaption{max-width:900px;}"
            + "td,th{border:1px solid #ccc;padding:4px;font-size:90%;}table{border-collapse:collapse;}"
            + "td.verdict{font-weight:bold;white-space:nowrap;}tr.holds td.verdict{background:#dff3e4;color:#14532d;}"
            + "tr.fails td.verdict{background:#fde2e1;color:#8b1a1a;}tr.inconclusive td.verdict{background:#fff4d6;color:#7a5200;}"
            + "tr.documented-discrepancy td.verdict{background:#e3ecfb;color:#1d3f7a;}</style></head><body>"
        html += "<h1>SAMLab reproduction report</h1><h2>Claims</h2><table><tr><th>item</th><th>claim</th><th>prediction</th><th>measurement</th><th>verdict</th></tr>"
        for r in reports {
            for c in r.claims {
                html += "<tr class=\"\(verdictClass(c))\"><td>\(escape(c.item))</td><td>\(typeset(c.statement))</td><td>\(typeset(c.prediction))</td><td>\(typeset(c.measurement))</td><td class=\"verdict\">\(escape(verdictText(c)))</td></tr>"
            }
        }
        html += "</table>"
        for r in reports {
            md += "## \(r.item.title)\n\n"
            html += "<h2>\(typeset(r.item.title))</h2>"
            if let source = r.item.source {
                md += "Source: \(source).\n\n"
                html += "<p class=\"source\">Source: \(typeset(source)).</p>"
            }
            md += "\(r.item.caption)\n\n"
            for f in r.figures {
                let image = PNGExport.isAvailable ? "\(r.item.id)/\(f).png" : "\(r.item.id)/\(f).svg"
                md += "![\(r.item.title)](\(image))\n\n"
                // The figure's width in points from its spec; without a spec (a folder written before specs were), the
                // image fits the column as it used to.
                let spec = try? Figure.load(from: URL(fileURLWithPath: (out as NSString).appendingPathComponent("\(r.item.id)/\(f).json")))
                let width = spec.map { " width=\"\(Int($0.width.rounded()))\"" } ?? " style=\"max-width:100%\""
                html += "<figure><a href=\"\(image)\" title=\"full size\"><img src=\"\(image)\"\(width) alt=\"\(escape(r.item.title))\"></a><figcaption>\(typeset(r.item.caption))</figcaption></figure>"
            }
            md += "Parameters: \(r.item.id == "" ? "" : r.parameters.joined(separator: "; ")).\n\n"
            md += "Data: \(r.tables.map { "`\(r.item.id)/\($0).csv`" }.joined(separator: ", ")); figure specs: \(r.figures.map { "`\(r.item.id)/\($0).json`" }.joined(separator: ", ")).\n\n"
            md += "Regenerate alone: `samlab reproduce \(r.item.id) --out \(out)\(r.quick ? " --quick" : "")`\n\n"
            html += "<p>Parameters: \(escape(r.parameters.joined(separator: "; ")))</p><p>Regenerate alone: <code>samlab reproduce \(r.item.id) --out \(escape(out))\(r.quick ? " --quick" : "")</code></p>"
        }
        html += "</body></html>\n"
        try AtomicFile.write(md, to: (out as NSString).appendingPathComponent("REPORT.md"))
        try AtomicFile.write(html, to: (out as NSString).appendingPathComponent("index.html"))
    }

    /// The verdict's CSS class: holds, fails, inconclusive, documented-discrepancy.
    static func verdictClass(_ claim: Claim) -> String {
        claim.verdict.rawValue.lowercased().replacingOccurrences(of: " ", with: "-")
    }

    /// Report text as HTML, written the way the figures write it: l_inf ℓ∞, l2 ℓ₂, D_mu D<sub>μ</sub>, and a single
    /// letter's index (α_c, c_i, β_{j}) as a subscript; anything else escaped as it is.
    static func typeset(_ s: String) -> String {
        var t = escape(s)
        for (plain, shown) in [("l_inf", "ℓ∞"), ("l_1", "ℓ₁"), ("l_2", "ℓ₂"), ("l2", "ℓ₂"), ("l1", "ℓ₁"), ("D_mu", "D_μ"),
                               ("alpha", "α"), ("rho", "ρ"), ("mu", "μ"), ("eta", "η")] {
            t = t.replacingOccurrences(of: "(?<![A-Za-z0-9_])" + plain + "(?![A-Za-z0-9])", with: shown, options: .regularExpression)
        }
        // A single letter (not part of a longer word) with an index: x_i, x_{ij}.
        t = t.replacingOccurrences(of: "(?<![A-Za-z0-9_])(\\p{L})_\\{([^}]*)\\}", with: "$1<sub>$2</sub>", options: .regularExpression)
        t = t.replacingOccurrences(of: "(?<![A-Za-z0-9_])(\\p{L})_([A-Za-z0-9\\p{Greek}*]+)", with: "$1<sub>$2</sub>", options: .regularExpression)
        return t
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
