import Foundation
import Testing
@testable import SAMExperiments

/// Claims of the literature (issue 15) are a third kind: counted apart from the paper's and the extrapolations, and
/// their items name their source in the report.
@Suite struct LiteratureKindTests {
    func report(_ claims: [Claim], source: String? = nil) -> Reproduction.ItemReport {
        let item = ReproductionItem(id: "test-item", title: "A test item", caption: "Caption.", source: source) { _ in ItemOutput() }
        return Reproduction.ItemReport(item: item, claims: claims, figures: [], tables: [], parameters: [], seconds: 0, warnings: [])
    }

    @Test func summaryCountsTheThreeKindsApart() {
        let claims = [
            Claim(item: "a", statement: "s", prediction: "p", measurement: "m", verdict: .holds),
            Claim(item: "a", statement: "s", prediction: "p", measurement: "m", verdict: .fails, kind: .extrapolation),
            Claim.literature("b", "s", predicted: "p", measured: "m", .holds),
            Claim.literature("b", "s", predicted: "p", measured: "m", .fails),
            Claim.literature("b", "s", predicted: "p", measured: "m", .inconclusive),
            Claim.literature("b", "s", predicted: "p", measured: "m", .inconclusive),
        ]
        #expect(Reproduction.verdictSummary([report(claims)])
                == "1 claims of the paper: 0 failed; 1 extrapolation(s) beyond it: 0 holds, 1 fails, 0 inconclusive; "
                + "4 result(s) of the literature: 1 holds, 1 fails, 2 inconclusive")
        // Without literature claims the summary reads as before (scripts and the README quote it).
        #expect(Reproduction.verdictSummary([report(Array(claims.prefix(2)))])
                == "1 claims of the paper: 0 failed; 1 extrapolation(s) beyond it: 0 holds, 1 fails, 0 inconclusive")
        #expect(Reproduction.claimsTable([report(claims)]).contains("| inconclusive (literature, not the paper's claim) |"))
    }

    @Test func kindRoundTripsAndOldClaimsAreThePapers() throws {
        let claim = Claim.literature("b", "s", predicted: "p", measured: "m", .holds)
        let data = try JSONEncoder().encode(claim)
        #expect(String(decoding: data, as: UTF8.self).contains("\"kind\":\"literature\""))
        #expect(try JSONDecoder().decode(Claim.self, from: data) == claim)
        let old = #"{"item": "fig1", "statement": "s", "prediction": "p", "measurement": "m", "verdict": "holds"}"#
        #expect(try JSONDecoder().decode(Claim.self, from: Data(old.utf8)).kind == .paper)
    }

    @Test func theReportNamesTheSource() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-literature-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let source = "Bartlett, Long & Bousquet, The dynamics of sharpness-aware minimization, JMLR 2023"
        let item = ReproductionItem(id: "test-item", title: "A test item", caption: "Caption.", source: source) { _ in
            var output = ItemOutput()
            output.claims = [Claim.literature("test-item", "s", predicted: "p", measured: "m", .holds)]
            output.tables = [("data", "x\n1\n")]
            return output
        }
        _ = try Reproduction.run(items: [item], out: out, quick: true, jobs: 1) { _ in }
        let md = try String(contentsOfFile: out + "/REPORT.md", encoding: .utf8)
        #expect(md.contains("## A test item\n\nSource: \(source).\n\nCaption."))
        #expect(md.contains("1 result(s) of the literature: 1 holds, 0 fails, 0 inconclusive"))
        let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(html.contains("<p class=\"source\">Source: Bartlett, Long &amp; Bousquet"))
    }
}
