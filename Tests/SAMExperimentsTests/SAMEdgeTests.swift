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
        let wanted = Set(["claims.json", "item.json", "sharpness.csv", "ratios.csv", "data.csv", "sharpness.svg", "sharpness.json",
                          "cnn_sharpness.csv", "cnn_ratios.csv"]
            + (PNGExport.isAvailable ? ["sharpness.png"] : []))
        #expect(files == wanted, "\(files.sorted())")
        let claims = try JSONDecoder().decode([Claim].self, from: Data(contentsOf: folder.appendingPathComponent("claims.json")))
        #expect(claims.map(\.kind) == Array(repeating: .literature, count: 6))
        // As measured (THEORY.md §9.4): GD sits at 2/eta; l2-SAM's two-step cycle averages to its edge; its
        // lambda_max is below 2/eta in the mean but not at every step. The CNN at --quick size (24 steps, two
        // measurements in the last quarter) cannot decide its three claims.
        #expect(claims.map(\.verdict) == [.holds, .holds, .inconclusive, .inconclusive, .inconclusive, .inconclusive], "\(claims.map(\.measurement))")
        #expect(claims[3...].allSatisfy { $0.statement.hasPrefix("CNN on MNIST") && !$0.measurement.contains("nan") })

        // The CNN's measurements: finite, at steps 0, 1, 4, ..., 24 for both runs, GD's edge 2/eta, l2-SAM's edge
        // 4 / (eta (1 + sqrt(1 + 8 rho / (eta ||g||)))) at the recorded ||g||, below 2/eta.
        let cnn = try String(contentsOf: folder.appendingPathComponent("cnn_sharpness.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(cnn.first == ["run", "rho", "step", "lambda_max", "grad_norm", "gd_edge", "sam_edge", "products", "converged"])
        for run in ["gd", "l2-sam-rho-0.05"] {
            let rows = cnn.dropFirst().filter { $0[0] == run }
            #expect(rows.map { Int($0[2])! } == [0, 1] + Array(stride(from: 4, through: 24, by: 4)), "\(run)")
            for r in rows {
                let lambda = try #require(Double(r[3])), norm = try #require(Double(r[4]))
                #expect(lambda.isFinite && lambda > 0 && norm.isFinite && norm > 0 && Double(r[5]) == 2 / SAMEdgeCNN.learningRate)
                #expect(Int(r[7])! >= 1 && Int(r[7])! <= SAMEdgeCNN.products)
                if run == "gd" { #expect(r[6].isEmpty) } else {
                    let eta = SAMEdgeCNN.learningRate, rho = SAMEdgeCNN.rho
                    let expected = 4 / (eta * (1 + (1 + 8 * rho / (eta * norm)).squareRoot()))
                    let edge = try #require(Double(r[6]))
                    #expect(abs(edge - expected) <= 1e-12 * expected && edge < 2 / eta)
                }
            }
        }

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

    /// The CNN claims' arithmetic on made-up series (95% t-intervals over the last quarter): GD measured at 0.97..1.03
    /// of 2/eta holds; one far above fails; ℓ₂-SAM at its edge and below 2/eta holds both; a measurement of the last
    /// part that stopped at its budget makes the claims inconclusive; two values too spread to decide are inconclusive.
    @Test func cnnClaimArithmeticOnMadeUpSeries() {
        let eta = 0.1, edge = 2 / eta, steps = Array(stride(from: 0, through: 80, by: 5))
        func series(_ label: String, _ lambda: (Int) -> Double, samEdge: Double? = nil, converged: Bool = true) -> SAMEdge.Series {
            SAMEdge.Series(label: label, rho: samEdge == nil ? 0 : 0.05, steps: steps, lambdaMax: steps.indices.map(lambda),
                           samEdge: samEdge.map { Array(repeating: $0, count: steps.count) }, learningRate: eta,
                           products: Array(repeating: 5, count: steps.count), converged: Array(repeating: converged, count: steps.count),
                           gradientNorm: Array(repeating: 1, count: steps.count))
        }
        let gd = series("GD") { edge * ($0 % 2 == 0 ? 0.97 : 1.03) }
        let sam = series("SAM", { 0.7 * edge * ($0 % 2 == 0 ? 0.98 : 1.02) }, samEdge: 0.7 * edge)
        #expect(SAMEdgeCNN.claims(gd: gd, sam: sam).map(\.verdict) == [.holds, .holds, .holds])
        let high = series("GD") { 2 * edge * ($0 % 2 == 0 ? 0.98 : 1.02) }
        #expect(SAMEdgeCNN.claims(gd: high, sam: sam).map(\.verdict) == [.fails, .holds, .holds])
        let unsettled = series("SAM", { 0.7 * edge * ($0 % 2 == 0 ? 0.98 : 1.02) }, samEdge: 0.7 * edge, converged: false)
        let verdicts = SAMEdgeCNN.claims(gd: gd, sam: unsettled)
        #expect(verdicts.map(\.verdict) == [.holds, .inconclusive, .inconclusive] && verdicts[1].measurement.contains("budget"))
        #expect(SAMEdgeCNN.atEdge(OneSAMSparsity.Interval([0.5, 1.6])) == .inconclusive)
        #expect(SAMEdgeCNN.atEdge(OneSAMSparsity.Interval([1])) == .inconclusive)
        #expect(SAMEdgeCNN.claims(gd: gd, sam: sam).allSatisfy { $0.kind == .literature && $0.statement.hasPrefix("CNN on MNIST") })
    }
}
