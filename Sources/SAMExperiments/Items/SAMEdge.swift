import Foundation
import SAMCore
import SAMPlot

/// The regression set of the `sam-edge` item (THEORY.md §9.4): n = 20 points x_n ~ N(0, I_5) and noiseless labels
/// y_n = ⟨β*, x_n⟩ with β* a SplitMix64 Gaussian direction scaled to ‖β*‖₂ = 4 (seed 23), so that a depth-3 dense
/// linear network fitting it from a small init has to grow its weights, and its sharpness with them.
struct EdgeRegression: Sendable {
    /// n.
    static let count = 20
    /// d.
    static let dimension = 5
    /// ‖β*‖₂.
    static let targetNorm = 4.0
    /// The seed of the draws (β*, then the rows of X).
    static let seed: UInt64 = 23

    /// The rows x_n.
    let points: [[Double]]
    /// The labels y_n = ⟨β*, x_n⟩.
    let labels: [Double]

    /// The one set the item uses.
    static let standard = EdgeRegression()

    /// Draws β* and X from `seed` (see the type's documentation).
    init() {
        var rng = SplitMix64(seed: Self.seed)
        let direction = (0..<Self.dimension).map { _ in rng.nextNormal() }
        let target = direction.map { $0 * Self.targetNorm / norm(direction) }
        points = (0..<Self.count).map { _ in (0..<Self.dimension).map { _ in rng.nextNormal() } }
        labels = points.map { QuadraticProblem.dot($0, target) }
    }

    /// The spec's data: the examples embedded.
    var source: DataSource { .csv(path: "sam-edge regression (in memory)", embedded: EmbeddedData(points: points, labels: labels)) }

    /// The dataset (real labels).
    func dataset() throws -> Dataset { try Dataset(points: points, labels: labels, origin: .field("sam-edge"), labelKind: .real) }
}

/// Long & Bartlett (2023): full-batch GD drives λ_max of the training loss up to about 2/η and keeps it there (the
/// edge of stability), while full-batch ℓ₂-SAM keeps it near its own edge, the λ with ηλ(1 + ρλ/‖g‖₂) = 2
/// (`StabilityEdges.sam(learningRate:rho:gradientNorm:)`), which lies below 2/η (THEORY.md §8.3, §9.4).
enum SAMEdge {
    /// The catalog identifier.
    static let id = "sam-edge"
    /// Depth, width, init scale and init seed of the dense deep linear network.
    static let depth = 3, width = 8, alpha = 0.1, initSeed: UInt64 = 1
    /// The step size: 2/η ≈ 23.5, below the sharpness (≈ 25) of the minimum GD reaches at η = 0.02.
    static let learningRate = 0.085
    /// ℓ₂-SAM's radii.
    static let rhos = [0.01, 0.05]
    /// The last part of training the ratios are taken over: its last quarter of steps.
    static let lastFraction = 0.25
    /// GD is "at 2/η" when its mean ratio λ_max/(2/η) over the last part lies within this of 1.
    static let edgeTolerance = 0.1

    /// Steps of each run: 2000, 400 with --quick.
    static func steps(_ quick: Bool) -> Int { quick ? 400 : 2000 }

    /// min, mean and max of `values`.
    struct Spread: Equatable, Sendable {
        var min: Double, mean: Double, max: Double
        init(_ values: [Double]) {
            (min, mean, max) = (values.min()!, values.reduce(0, +) / Double(values.count), values.max()!)
        }
        var text: String { "mean \(fmt(mean)) (min \(fmt(min)), max \(fmt(max)))" }
    }

    /// One run's sharpness series: step, λ_max and (ℓ₂-SAM) the recorded SAM edge, every step; for the CNN also the
    /// products of each measurement (`NoisyLanczos`), whether it converged, and ‖g‖₂.
    struct Series: Sendable {
        var label: String
        var rho: Double
        var steps: [Int]
        var lambdaMax: [Double]
        var samEdge: [Double]?
        /// The run's step size η (GD's edge is 2/η).
        var learningRate: Double = SAMEdge.learningRate
        /// Products per measurement (CNN only; empty for the dense network's Lanczos).
        var products: [Int] = []
        /// Whether each measurement met its tolerance (CNN only).
        var converged: [Bool] = []
        /// ‖g‖₂ at each measurement (CNN only).
        var gradientNorm: [Double] = []

        /// The run's key in the CSV tables: `gd`, or `l2-sam-rho-0.01`.
        var key: String { samEdge == nil ? "gd" : "l2-sam-rho-\(rho)" }

        /// The index of the first step of the last part (`lastFraction` of the steps).
        var tailStart: Int { steps.count - Int((Double(steps.count - 1) * lastFraction).rounded()) }
        /// λ_max/(2/η) over the last part.
        var gdRatio: Spread { Spread(lambdaMax[tailStart...].map { $0 * learningRate / 2 }) }
        /// λ_max/sam_edge over the last part (nil for GD).
        var samRatio: Spread? { samEdge.map { edge in Spread(zip(lambdaMax, edge).dropFirst(tailStart).map { $0 / $1 }) } }
    }

    /// A discrete full-batch run of `rule` with sharpness at every step.
    static func spec(rule: String, rho: Double, steps: Int) -> RunSpec {
        RunSpec(data: EdgeRegression.standard.source,
                model: ModelSpec(name: DenseNetwork.name, depth: depth, alpha: [alpha], width: width, seed: initSeed),
                loss: SquaredLoss.name, rule: RuleSpec(name: rule, rho: rho),
                dynamics: .discrete(DiscreteSettings(learningRate: learningRate, steps: steps)), record: .every(1), sharpness: true)
    }

    /// Runs `rule` and reads its series; a run that does not complete, or a missing λ_max, is an error.
    static func series(rule: String, rho: Double, steps: Int, label: String) throws -> Series {
        let run = try spec(rule: rule, rho: rho, steps: steps).run(on: try EdgeRegression.standard.dataset(), recordsBeta: false)
        guard run.status == .completed else { throw InvalidInput("sam-edge \(label): run ended \(run.status.rawValue)") }
        let lambdas = run.rows.compactMap { $0.sharpness?.lambdaMax }
        guard lambdas.count == run.rows.count else { throw InvalidInput("sam-edge \(label): λ_max missing at some step") }
        var edges: [Double]? = nil
        if rule == L2SAM.name {
            edges = run.rows.compactMap { $0.sharpness?.samEdge }
            guard edges!.count == run.rows.count else { throw InvalidInput("sam-edge \(label): sam_edge missing at some step") }
        }
        return Series(label: label, rho: rho, steps: run.rows.map(\.step), lambdaMax: lambdas, samEdge: edges)
    }

    /// The catalog item: GD and ℓ₂-SAM (two ρ) on the dense network, λ_max against both edges.
    static let item = ReproductionItem(
        id: id, title: "SAM and the edge of stability: λ_max under full-batch GD and ℓ₂-SAM",
        caption: "Long & Bartlett (2023). A dense deep linear network f(x) = W₃W₂W₁x (depth 3, width 8, i.i.d. N(0, 0.1²) init, seed 1) with the squared loss on a seeded regression set (n = 20, x ~ N(0, I₅), y = ⟨β*, x⟩ noiseless, ‖β*‖₂ = 4, SplitMix64 seed 23). Full-batch GD and full-batch ℓ₂-SAM (ρ = 0.01 and 0.05), η = 0.085 (2/η ≈ 23.5), 2000 steps (400 with --quick), λ_max of the training loss's Hessian over all weights by Lanczos at every step. From this small init λ_max starts at 3.2 and rises as the network fits (progressive sharpening); at η = 0.02 GD ends at a minimum of sharpness ≈ 25, so at η = 0.085 it has to meet 2/η. Dashed: 2/η; dotted: the SAM edge recorded at every step, the λ with ηλ(1 + ρλ/‖g‖₂) = 2 (it moves with ‖g‖). ℓ₂-SAM ends in a two-step cycle whose λ_max alternates by a factor 2–3, so its λ_max and its edge are drawn as the mean of steps k and k + 1 (sharpness.csv has every step). The ratios are taken over the last quarter of the steps. The source's own settings (other networks, other data) are not used: the claims are its qualitative statements. Right: a CNN on real MNIST digits (conv 4, conv 8 with 3×3 kernels, ReLU and 2×2 max-pool, hidden 16, 10 classes; He init, seed 1; Float32), softmax cross-entropy on the first 128 digits of mnist-5k's seeded training split (64 with --quick), full-batch GD and full-batch ℓ₂-SAM (ρ = 0.05) at η = 0.05 (2/η = 40), 100 steps (24 with --quick); λ_max of the training loss on the same 128 digits by Lanczos on central differences of gradients (relative residual 10⁻³, at most 30 products, warm-started from the previous Ritz vector), and ‖g‖₂ there, at steps 0 and 1 and every 4 steps; dotted: ℓ₂-SAM's edge at the measured ‖g‖₂. The CNN's claims take the mean ratio over the last quarter of the measurements with its 95% t-interval (at the edge: the interval within 0.15 of 1). On this CNN λ_max measured this way does not stop at the edges: it rises above them and stays there (the claims give the ratios); the finite difference's step h changes ℓ₂-SAM's ratios (THEORY.md §9.4).",
        source: "Philip M. Long, Peter L. Bartlett, Sharpness-aware minimization and the edge of stability, arXiv 2309.12488 (2023)"
    ) { quick in
        let steps = steps(quick)
        var output = ItemOutput()
        let gd = try series(rule: GradientDescent.name, rho: 0, steps: steps, label: "GD")
        let sams = try rhos.map { try series(rule: L2SAM.name, rho: $0, steps: steps, label: "ℓ₂-SAM, ρ = \(fmt($0))") }
        output.parameters = ["dense deep linear network, depth \(depth), width \(width), init N(0, \(fmt(alpha))²), seed \(initSeed)",
                             "squared loss; n = \(EdgeRegression.count), d = \(EdgeRegression.dimension), ‖β*‖ = \(fmt(EdgeRegression.targetNorm)), seed \(EdgeRegression.seed)",
                             "full batch, η = \(fmt(learningRate)) (2/η = \(fmt(2 / learningRate))), ρ ∈ {\(rhos.map(fmt).joined(separator: ", "))}, \(steps) steps",
                             "ratios over the last \(Int(lastFraction * 100))% of steps (from step \(gd.steps[gd.tailStart]))"]

        // ℓ₂-SAM ends in a two-step cycle whose λ_max alternates by a factor 2–3 (THEORY.md §9.4): drawn as the mean of
        // steps k and k + 1 (the raw series are in sharpness.csv); log step axis from step 1, GD drawn last.
        func pairMean(_ v: [Double]) -> [Double] { (1..<v.count).map { (v[$0 - 1] + v[$0]) / 2 } }
        var panel = Panel(title: "dense deep linear network (depth 3): λ_{max} against step", x: .log("step"), y: Axis("λ_{max}"), legend: .lowerRight)
        panel.add(ReferenceLine.horizontal(2 / learningRate, label: "2/η", colorIndex: 7))
        for (k, s) in sams.enumerated() {
            let x = s.steps.dropFirst().map(Double.init)
            panel.add(LineSeries(x: x, y: pairMean(s.lambdaMax), label: "\(s.label) (mean of steps k, k+1)",
                                 style: SeriesStyle(colorIndex: k + 1, dash: .dashed, width: 2)))
            panel.add(LineSeries(x: x, y: pairMean(s.samEdge!), label: "SAM edge, ρ = \(fmt(s.rho)) (same mean)",
                                 style: SeriesStyle(colorIndex: k + 1, dash: .dotted, width: 2)))
        }
        panel.add(LineSeries(x: gd.steps.dropFirst().map(Double.init), y: Array(gd.lambdaMax.dropFirst()), label: "GD",
                             style: SeriesStyle(colorIndex: 0, dash: .solid, width: 2.5)))
        let cnn = try SAMEdgeCNN.runs(quick: quick)
        output.figures.append(("sharpness", Figure(title: "λ_{max} under full-batch GD and ℓ₂-SAM: a dense deep linear network and a CNN on MNIST",
                                                   width: 1300, height: 500, columns: 2, panels: [panel, SAMEdgeCNN.panel(gd: cnn.gd, sam: cnn.sam)])))
        output.parameters += SAMEdgeCNN.parameters(quick: quick, split: cnn.split, tailStep: cnn.gd.steps[cnn.gd.tailStart])

        var csv = "run,rho,step,lambda_max,gd_edge,sam_edge\n"
        for s in [gd] + sams {
            for i in s.steps.indices { csv += "\(s.key),\(s.rho),\(s.steps[i]),\(s.lambdaMax[i]),\(2 / learningRate),\(s.samEdge.map { "\($0[i])" } ?? "")\n" }
        }
        output.tables.append(("sharpness", csv))
        var ratios = "run,rho,ratio,min,mean,max\n"
        ratios += "gd,0,lambda_max/(2/eta),\(gd.gdRatio.min),\(gd.gdRatio.mean),\(gd.gdRatio.max)\n"
        for s in sams {
            ratios += "\(s.key),\(s.rho),lambda_max/(2/eta),\(s.gdRatio.min),\(s.gdRatio.mean),\(s.gdRatio.max)\n"
            ratios += "\(s.key),\(s.rho),lambda_max/sam_edge,\(s.samRatio!.min),\(s.samRatio!.mean),\(s.samRatio!.max)\n"
        }
        output.tables.append(("ratios", ratios))
        let data = EdgeRegression.standard
        output.tables.append(("data", "x1,x2,x3,x4,x5,y\n" + zip(data.points, data.labels).map { ($0.0 + [$0.1]).map { "\($0)" }.joined(separator: ",") + "\n" }.joined()))
        output.tables += SAMEdgeCNN.tables(gd: cnn.gd, sam: cnn.sam)
        output.claims = claims(gd: gd, sams: sams) + SAMEdgeCNN.claims(gd: cnn.gd, sam: cnn.sam)
        return output
    }

    /// The item's three literature claims from its series (THEORY.md §9.4): GD's mean λ_max/(2/η) within
    /// `edgeTolerance` of 1; ℓ₂-SAM's mean λ_max/sam_edge within it too; ℓ₂-SAM's λ_max/(2/η) below 1 — in the mean,
    /// and `inconclusive` when the mean is below 1 but the oscillation carries single steps above it.
    static func claims(gd: Series, sams: [Series]) -> [Claim] {
        let part = "over the last \(Int(lastFraction * 100))% of the steps"
        let g = gd.gdRatio
        var out = [Claim.literature("sam-edge", "Under full-batch GD, λ_max rises to about 2/η and stays there",
                                    predicted: "mean λ_max/(2/η) \(part) within \(fmt(edgeTolerance)) of 1",
                                    measured: "GD: \(g.text)", abs(g.mean - 1) <= edgeTolerance ? .holds : .fails)]
        let samRatios = sams.map { $0.samRatio! }
        out.append(.literature("sam-edge", "Under full-batch ℓ₂-SAM, λ_max settles near the SAM edge (ηλ(1 + ρλ/‖g‖) = 2)",
                               predicted: "mean λ_max/sam_edge \(part) within \(fmt(edgeTolerance)) of 1, for every ρ",
                               measured: zip(sams, samRatios).map { "\($0.label): \($1.text)" }.joined(separator: "; "),
                               samRatios.allSatisfy { abs($0.mean - 1) <= edgeTolerance } ? .holds : .fails))
        let below = sams.map(\.gdRatio)
        let verdict: Claim.Verdict = below.contains { $0.mean >= 1 } ? .fails : below.allSatisfy { $0.max < 1 } ? .holds : .inconclusive
        out.append(.literature("sam-edge", "Under full-batch ℓ₂-SAM, λ_max stays below GD's edge 2/η",
                               predicted: "λ_max/(2/η) < 1 \(part) (holds: at every step; inconclusive: in the mean only)",
                               measured: zip(sams, below).map { "\($0.label): \($1.text)" }.joined(separator: "; "), verdict))
        return out
    }
}
