import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SAMExperiments
import SAMPlot

/// Every catalog entry in --quick mode: its claims come out as the paper states, except where THEORY.md §5 documents a
/// discrepancy, which must come out as documented; its figures render to well-formed SVG.
@Suite struct CatalogTests {
    @Test(arguments: Catalog.items.map(\.id))
    func itemVerdicts(_ id: String) throws {
        let item = try #require(Catalog.item(id))
        let output = try item.run(true)
        #expect(!output.claims.isEmpty)
        for claim in output.claims {
            if claim.statement.hasPrefix("Fig 4 caption") {
                #expect(claim.verdict == .documentedDiscrepancy, "\(claim)")
            } else if claim.kind == .extrapolation || claim.kind == .literature {
                // A question beyond the paper, or another paper's result at --quick sizes: any verdict may come out
                // (each literature item's own suite checks its verdicts), but it must say what was measured.
                #expect(!claim.measurement.isEmpty && claim.verdict != .documentedDiscrepancy, "\(claim)")
            } else if id.hasPrefix("fig5") {
                // A short CNN run cannot promise a significant difference; it must not contradict the paper.
                #expect(claim.verdict == .holds || claim.verdict == .inconclusive, "\(claim)")
            } else {
                #expect(claim.verdict == .holds, "\(claim.statement): predicted \(claim.prediction), measured \(claim.measurement)")
            }
        }
        for (name, figure) in output.figures {
            let svg = SVGRenderer.render(figure).svg
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "\(id)/\(name).svg is not well-formed XML")
        }
        #expect(!output.tables.isEmpty && output.tables.allSatisfy { !$0.csv.contains("nan") })
    }

    /// The runner writes each item's folder, the report and the index; an unknown folder is left alone.
    @Test func reportIsWritten() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-reproduce-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let reports = try Reproduction.run(items: [try #require(Catalog.item("fig1"))], out: out, quick: true, jobs: 2) { _ in }
        #expect(reports.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["REPORT.md", "fig1", "index.html"])
        let item = try FileManager.default.contentsOfDirectory(atPath: out + "/fig1").sorted()
        #expect(item.contains("trajectories.svg") && item.contains("trajectories.csv") && item.contains("claims.json"))
        let report = try String(contentsOfFile: out + "/REPORT.md", encoding: .utf8)
        #expect(report.contains("| fig1 |") && report.contains("samlab reproduce fig1"))
        // index.html: every figure at its width in points (one physical scale), linked to the full image; verdicts
        // carry a class to colour them by; l_inf / l2 read as in the figures.
        let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(html.contains("<a href=\"fig1/trajectories.") && html.contains(" width=\"960\""))
        #expect(html.contains("<tr class=\"holds\">") && html.contains("<td class=\"verdict\">"))
        #expect(html.contains("ℓ∞-SAM") && !html.contains("<h2>Fig 1: GD, l_inf-SAM"))
    }

    @Test func reportTextIsTypesetLikeTheFigures() {
        #expect(Reproduction.typeset("l_inf-SAM and l2-SAM on D_mu") == "ℓ∞-SAM and ℓ₂-SAM on D_<sub>μ</sub>".replacingOccurrences(of: "_", with: ""))
        #expect(Reproduction.typeset("below α_c, the thresholds c_i, β_{jk}") == "below α<sub>c</sub>, the thresholds c<sub>i</sub>, β<sub>jk</sub>")
        // Identifiers and markup stay as they are.
        #expect(Reproduction.typeset("event_time < 1") == "event_time &lt; 1")
        #expect(Reproduction.typeset("first_leader, max_j") == "first_leader, max_j")
    }
}
