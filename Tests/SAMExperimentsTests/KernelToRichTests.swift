import Foundation
import Testing
@testable import SAMExperiments
import SAMCore
import SAMPlot

/// Issue 15 item 6, `kernel-to-rich` (Moroshko et al. 2020): the quick run writes its folder and its claims come out
/// as measured; the flow it runs is checked against the closed form of the rescaled signed gradient flow on one
/// example; the crossover's bracket and interpolation are checked on a made-up grid.
@Suite struct KernelToRichTests {
    @Test func quickRunWritesItsFolderAndClaims() throws {
        let item = try #require(Catalog.item(KernelToRich.id))
        #expect(item.source?.contains("Moroshko") == true && item.source?.contains("NeurIPS 2020") == true)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-k2r-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Reproduction.run(items: [item], out: out.path, quick: true, jobs: 1) { _ in }
        let folder = out.appendingPathComponent(KernelToRich.id)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        var wanted: Set<String> = ["claims.json", "item.json", "cosines.csv", "crossover.csv"]
        for f in ["cosines", "crossover"] { wanted.formUnion(["\(f).svg", "\(f).json"] + (PNGExport.isAvailable ? ["\(f).png"] : [])) }
        #expect(files == wanted, "\(files.sorted())")
        let claims = try JSONDecoder().decode([Claim].self, from: Data(contentsOf: folder.appendingPathComponent("claims.json")))
        #expect(claims.map(\.kind) == [.literature, .literature, .extrapolation, .extrapolation])
        // As measured (THEORY.md §9.6): both literature statements hold; l2-SAM moves the crossover to smaller alpha
        // (against SAMLab's prediction), l_inf-SAM to larger alpha.
        #expect(claims.map(\.verdict) == [.holds, .holds, .fails, .holds], "\(claims.map(\.measurement))")
        let crossover = try String(contentsOf: folder.appendingPathComponent("crossover.csv"), encoding: .utf8)
        #expect(crossover.split(separator: "\n").count == 1 + 3 * KernelToRich.targets.count)
        #expect(!crossover.contains(",,"), "every crossover found: \(crossover)")
    }

    /// On one example D_mu the rescaled signed gradient flow from u = v = alpha is u = alpha e^{2 mu s},
    /// v = alpha e^{-2 mu s}, so beta = 2 alpha^2 sinh(4 mu s) (THEORY.md §4.12 at rho = 0); the loss event stops it
    /// where <beta, mu> = log(1/eps).
    @Test func theFlowStopsOnTheClosedFormAtTheTargetLoss() throws {
        let mu = [1.0, 2.0], alpha = 0.3, target = 1e-4
        let spec = KernelToRich.spec(.singleExample(mu: mu), rule: GradientDescent.name, alpha: alpha, target: target)
        let run = try CatalogRuns.run(spec)
        #expect(run.status == .converged)
        let s = run.endClock, beta = try #require(run.final.beta)
        for (b, m) in zip(beta, mu) { #expect(abs(b - 2 * alpha * alpha * sinh(4 * m * s)) < 1e-8 * abs(b)) }
        let margin = zip(beta, mu).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(margin - log(1 / target)) < 1e-8)
    }

    /// The crossover is the first bracket where cos(beta, w_l1) - cos(beta, w_l2) turns from positive to negative,
    /// interpolated linearly in log alpha (a bracket already narrower than the width runs no flow).
    @Test func crossoverInterpolatesInLogAlpha() throws {
        func point(_ alpha: Double, _ gap: Double) -> KernelToRich.Endpoint {
            KernelToRich.Endpoint(rule: GradientDescent.name, alpha: alpha, target: 1e-2, status: .converged, time: 1, logLoss: log(1e-2),
                                  beta: [1, 1], cosL1: 0.5 + gap, cosL2: 0.5)
        }
        let grid = [point(0.1, -0.2), point(1, 0.1), point(10, -0.3), point(100, -0.4)]
        let c = try KernelToRich.crossover(.singleExample(mu: [1, 2]), rule: GradientDescent.name, target: 1e-2, grid: grid, l1: [0, 1],
                                           l2: [1, 0], width: 2)
        #expect(c.evaluations == 0)
        #expect(abs(try #require(c.alpha) - pow(10, 0.25)) < 1e-12)
        let none = try KernelToRich.crossover(.singleExample(mu: [1, 2]), rule: L2SAM.name, target: 1e-2, grid: grid, l1: [0, 1], l2: [1, 0],
                                              width: 2)
        #expect(none.alpha == nil)
        #expect(abs(cosine([1, 0], [1, 1]) - 0.5.squareRoot()) < 1e-15 && cosine([0, 0], [1, 1]).isNaN)
        #expect(KernelToRich.lossLabel(1e-8) == "10⁻⁸")
        #expect(abs(KernelToRich.resolution(false) - 2 * (pow(10, 1e-4) - 1)) < 1e-15)
    }
}
