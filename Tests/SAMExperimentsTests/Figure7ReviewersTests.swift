import Foundation
import Testing
@testable import SAMExperiments
import SAMCore
import SAMPlot

/// The items of issue 14: fig7 (Gaussian clusters, limits judged on the rescaled flows) and reviewers (the public
/// reviews' questions). Their quick runs write their folders; every claim is an extrapolation and holds at the quick
/// size; the limit judgement, the predicted limits and the time map are checked on cases that must fail or have a
/// closed form.
@Suite struct Figure7ReviewersTests {
    static let expected: [String: (figures: [String], tables: [String], claims: Int)] = [
        "fig7": (["trajectories", "limits"], ["trajectories", "limits", "data"], 4),
        "reviewers": (["reviewers"], ["loss", "timemap", "depth", "negative"], 10),
    ]

    @Test(arguments: ["fig7", "reviewers"])
    func quickRunWritesItsFolderAndClaims(_ id: String) throws {
        let item = try #require(Catalog.item(id))
        let expected = try #require(Self.expected[id])
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-\(id)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let reports = try Reproduction.run(items: [item], out: out.path, quick: true, jobs: 1) { _ in }
        #expect(reports.count == 1 && reports[0].quick)
        let folder = out.appendingPathComponent(id)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        var wanted = Set(["claims.json", "item.json"] + expected.tables.map { "\($0).csv" })
        for f in expected.figures { wanted.formUnion(["\(f).svg", "\(f).json"] + (PNGExport.isAvailable ? ["\(f).png"] : [])) }
        #expect(files == wanted, "\(files.sorted())")
        let claims = try JSONDecoder().decode([Claim].self, from: Data(contentsOf: folder.appendingPathComponent("claims.json")))
        #expect(claims.count == expected.claims)
        for claim in claims {
            #expect(claim.item == id && claim.kind == .extrapolation, "\(claim.statement)")
            #expect(claim.verdict == .holds, "\(claim.statement): predicted \(claim.prediction), measured \(claim.measurement)")
        }
        for table in expected.tables {
            let csv = try String(contentsOf: folder.appendingPathComponent("\(table).csv"), encoding: .utf8)
            #expect(!csv.lowercased().contains("nan") && !csv.contains(",inf") && !csv.contains(",-inf") && csv.split(separator: "\n").count > 2,
                    "\(table).csv")
        }
    }

    /// The caption names the setting: the generator and its seed, the init, rho, depth and the time.
    @Test func captionsNameTheSetting() throws {
        let fig7 = try #require(Catalog.item("fig7")).caption
        for part in ["n = 40", "σ = 0.3", "seed 7", "Depth 2", "ρ = 1", "η = 0.3", "rescaled flow"] { #expect(fig7.contains(part), "\(part)") }
        let reviewers = try #require(Catalog.item("reviewers")).caption
        for part in ["μ = (1, …, 6)", "ρ = 1", "α = 0.35", "depth 3 and 4", "α = (−1, 0.5)"] { #expect(reviewers.contains(part), "\(part)") }
        // Registered after the paper's items, in this order (the literature's items of issue 15 follow them).
        let ids = Catalog.items.map(\.id)
        let start = try #require(ids.firstIndex(of: "fig7"))
        let tail = Array(ids.suffix(from: start))
        #expect(Array(tail.prefix(2)) == ["fig7", "reviewers"] && tail.dropFirst(2).allSatisfy { Catalog.item($0)?.source != nil })
    }

    /// A wrong limit fails: GD on the clusters ends along the l1 direction, not the l2 one; a flow that does not
    /// collapse cannot claim 0.
    @Test func aWrongLimitFails() throws {
        let source = DataSource.gaussian(try Figure7.clusters())
        let flow = try CatalogRuns.run(CatalogRuns.flow(source, alpha: [0.5, 1.5], rule: GradientDescent.name, rho: 1, time: 100, rescaled: true,
                                                        record: .log(60)))
        let right = Figure7.judgeLimit(flow, target: [0, 1], targetName: "e_2", other: nil, discrete: nil, steps: 0)
        let wrong = Figure7.judgeLimit(flow, target: [0.4705630862998384, 0.8823663535130808], targetName: "w_l2", other: nil, discrete: nil, steps: 0)
        let zero = Figure7.judgeLimit(flow, target: nil, targetName: "0", other: nil, discrete: nil, steps: 0)
        #expect(right.holds && !wrong.holds && !zero.holds, "\(right.text) / \(wrong.text) / \(zero.text)")
        #expect(wrong.text.contains("angle to w_l2"))
    }

    /// l_inf-SAM's predicted limit, coordinate by coordinate (alpha_j against rho = 1), and l2-SAM's collapse below
    /// the one-example alpha_c.
    @Test func predictedLimits() {
        let l1 = [0.0, 1.0]
        let linf = Figure7.inits.map { Figure7.predictedLimit(LInfSAM.name, alpha: $0, l1: l1, alphaC: 0.52).1 }
        #expect(linf == ["0", "e_1", "e_2", "w_ℓ₁"])
        let l2 = Figure7.inits.map { Figure7.predictedLimit(L2SAM.name, alpha: $0, l1: l1, alphaC: 0.52).1 }
        #expect(l2 == ["0", "w_ℓ₁", "w_ℓ₁", "w_ℓ₁"])
        #expect(Figure7.inits.allSatisfy { Figure7.predictedLimit(GradientDescent.name, alpha: $0, l1: l1, alphaC: 0.52).1 == "w_ℓ₁" })
    }

    /// The time map integrates dt/ds = e^f exactly for f linear in s: at a fixed state, t = s e^f; and it is the
    /// perturbed margin of THEORY.md §4.1 that enters (at depth 2 and beta = alpha^2, a' = alpha (1 - rho mu_i / N)).
    @Test func timeMapOnAFixedState() {
        let a = 0.35, beta = Array(repeating: a * a, count: 6)
        let rows = [0.0, 0.25, 1.0].map { TrajectoryRow(clock: $0, logLoss: 0, margin: 0, norm: 0, beta: beta, leader: 0, leaderAbsolute: 0) }
        let n = (2 * Reviewers.mu.reduce(0) { $0 + $1 * $1 * a * a }).squareRoot()
        let z = Reviewers.mu.reduce(0) { $0 + $1 * pow(a * (1 - Reviewers.rho * $1 / n), 2) }
        #expect(abs(Reviewers.perturbedMargin(beta, depth: 2) - z) < 1e-12 * abs(z))
        let logT = Reviewers.logOriginalTimes(rows, depth: 2)
        let f = log1p(exp(z))
        #expect(logT[0] == -.infinity)
        #expect(abs(logT[1] - (log(0.25) + f)) < 1e-12 && abs(logT[2] - f) < 1e-12, "\(logT)")
    }
}
