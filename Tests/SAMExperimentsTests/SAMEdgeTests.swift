import Foundation
import Testing
@testable import SAMExperiments
import SAMCore
import SAMPlot

/// Issue 15 item 4, `sam-edge` (Long & Bartlett 2023): the quick run writes its folder and its claims come out as
/// measured (THEORY.md §9.4); the ratios of `ratios.csv` are recomputed from `sharpness.csv` by hand; the claim arithmetic is checked on made-up series.
@Suite struct SAMEdgeTests {
    @Test func quickRunWritesItsFolderAndClaims() throws {
        let item = try #require(Catalog.item(SAMEdge.id))
        #expect(item.source?.contains("Long") == true && item.source?.contains("edge of stability") == true)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Reproduction.run(items: [item], out: out.path, quick: true, jobs: 1) { _ in }
        let folder = out.appendingPathComponent(SAMEdge.id)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let wanted = Set(["claims.json", "item.json", "sharpness.csv", "ratios.csv", "data.csv", "sharpness.svg", "sharpness.json"]
            + (PNGExport.isAvailable ? ["sharpness.png"] : []))
        #expect(files == wanted, "\(files.sorted())")
        let claims = try JSONDecoder().decode([Claim].self, from: Data(contentsOf: folder.appendingPathComponent("claims.json")))
        #expect(claims.map(\.kind) == [.literature, .literature, .literature])
        // As measured (THEORY.md §9.4): GD sits at 2/eta; l2-SAM's two-step cycle averages to its edge; its
        // lambda_max is below 2/eta in the mean but not at every step.
        #expect(claims.map(\.verdict) == [.holds, .holds, .inconclusive], "\(claims.map(\.measurement))")

        // ratios.csv from sharpness.csv, recomputed here: the last quarter of each run's rows, mean, min, max.
        let rows = try String(contentsOf: folder.appendingPathComponent("sharpness.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let ratios = try String(contentsOf: folder.appendingPathComponent("ratios.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(ratios.count == 1 + 2 * SAMEdge.rhos.count)
        for line in ratios {
            let run = rows.filter { $0[0] == line[0] }
            let n = run.count, tail = Int((Double(n - 1) * 0.25).rounded())
            let last = Array(run[(n - tail)...])
            let values = last.map { r -> Double in
                let lambda = Double(r[3])!
                return line[2] == "lambda_max/sam_edge" ? lambda / Double(r[5])! : lambda / (2 / SAMEdge.learningRate)
            }
            let mean = values.reduce(0, +) / Double(values.count)
            #expect(abs(mean - Double(line[4])!) <= 1e-12 * abs(mean), "\(line)")
            #expect(values.min()! == Double(line[3])! && values.max()! == Double(line[5])!, "\(line)")
        }
    }

    /// The claims' arithmetic on made-up series: a GD series at 0.95..1.05 of 2/eta holds; an l2-SAM 2-cycle whose
    /// mean ratio to its edge is 1 holds, and one whose steps all stay below 2/eta holds the third claim while one that
    /// crosses it in single steps is inconclusive.
    @Test func claimArithmeticOnMadeUpSeries() {
        let edge = 2 / SAMEdge.learningRate
        let steps = Array(0..<8)
        let gd = SAMEdge.Series(label: "GD", rho: 0, steps: steps, lambdaMax: steps.map { edge * ($0 % 2 == 0 ? 0.95 : 1.05) }, samEdge: nil)
        let below = SAMEdge.Series(label: "a", rho: 0.01, steps: steps, lambdaMax: steps.map { edge * ($0 % 2 == 0 ? 0.6 : 0.9) },
                                   samEdge: Array(repeating: edge * 0.75, count: 8))
        let crossing = SAMEdge.Series(label: "b", rho: 0.05, steps: steps, lambdaMax: steps.map { edge * ($0 % 2 == 0 ? 0.5 : 1.3) },
                                      samEdge: Array(repeating: edge * 0.9, count: 8))
        #expect(gd.tailStart == 6)
        #expect(abs(gd.gdRatio.mean - 1) < 1e-12)
        #expect(SAMEdge.claims(gd: gd, sams: [below]).map(\.verdict) == [.holds, .holds, .holds])
        #expect(SAMEdge.claims(gd: gd, sams: [below, crossing]).map(\.verdict) == [.holds, .holds, .inconclusive])
    }
}
