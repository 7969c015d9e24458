import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Issue 15 item 6, `kernel-to-rich`: Moroshko, Gunasekar, Woodworth, Lee, Srebro & Soudry (NeurIPS 2020). Gradient
/// flow on a depth-2 diagonal network in the signed parametrization beta = u^2 - v^2 (u = v = alpha at the start),
/// exponential loss, ends closer to the l2 max-margin direction for a large init alpha (the kernel regime) and closer
/// to the l1 one for a small alpha (the rich regime); at a fixed training loss eps the crossover alpha_x (where the
/// cosines of beta to both directions are equal) grows as eps falls. SAMLab runs the rescaled flows of GD, l2-SAM and
/// l_inf-SAM over a log grid of alpha, each stopped by the loss-tolerance event at every target loss, and locates
/// alpha_x by bisection in log alpha; whether SAM moves alpha_x is the item's question beyond the source
/// (THEORY.md §9.6).
enum KernelToRich {
    /// The item's identifier.
    static let id = "kernel-to-rich"
    /// The perturbation radius of both SAM rules.
    static let rho = 0.1
    /// The target training losses eps (mean exponential loss) at which each flow is stopped.
    static let targets: [Double] = [1e-2, 1e-4, 1e-8]
    /// The rules compared, in panel order.
    static let rules = [GradientDescent.name, L2SAM.name, LInfSAM.name]
    /// The rescaled time a flow may run before it is declared not to reach its target.
    static let horizon = 1e4
    /// The bisection in log10 alpha stops when the bracket is this narrow (in decades): 1e-4 (1e-3 with `quick`).
    static func bisectionWidth(_ quick: Bool) -> Double { quick ? 1e-3 : 1e-4 }
    /// A shift of the crossover smaller than this (relative) is within the measurement's resolution: alpha_x lies in
    /// its final bracket, of relative width 10^w - 1 for a width of w decades, and a ratio of two crossovers carries
    /// both errors: 2 (10^w - 1), 4.6e-4 at full size (the solver's rtol = 1e-10 moves alpha_x far less).
    static func resolution(_ quick: Bool) -> Double { 2 * (pow(10, bisectionWidth(quick)) - 1) }

    /// The data: two Gaussian clusters around ±(1, 1, 2) with sigma 0.3, 40 points, SplitMix64 seed 7.
    static func clusters() throws -> GaussianClusters { try GaussianClusters(count: 40, mean: [1, 1, 2], sigma: 0.3, seed: 7) }

    /// The log grid of alpha: 10^-2 ... 10^1.5 in steps of 0.25 decades (with `quick`, 10^-1.5 ... 10^0.75 in steps of
    /// 0.75: four values, one collapsing under l2-SAM, the others bracketing every crossover).
    static func alphas(_ quick: Bool) -> [Double] {
        quick ? [-1.5, -0.75, 0, 0.75].map { pow(10, $0) } : stride(from: -2.0, through: 1.5 + 1e-9, by: 0.25).map { pow(10, $0) }
    }

    static let item = ReproductionItem(
        id: id, title: "Kernel to rich: the init scale against the training loss, GD and SAM (Moroshko et al. 2020)",
        caption: "Moroshko et al. (NeurIPS 2020): gradient descent on a depth-2 diagonal network β = u² − v² (the signed parametrization, u = v = α at the start, so β(0) = 0) with the exponential loss ends closer to the ℓ₂ max-margin direction for a large init α (kernel regime) and closer to the ℓ₁ one for a small α (rich regime), and the crossover moves with the training loss reached. Data: Gaussian clusters around ±(1, 1, 2), n = 40, σ = 0.3, SplitMix64 seed 7 (separable; the ℓ₁ and ℓ₂ max-margin directions differ clearly, see the parameters). Rescaled flows (the same paths as the flows and the discrete rules at small η, with a clock that does not slow down as the loss falls: THEORY.md §1.5) of GD, ℓ₂-SAM and ℓ∞-SAM with ρ = 0.1, each stopped by the loss event when the mean training loss first falls to ε = 10⁻², 10⁻⁴, 10⁻⁸; α on a log grid 10^−2 … 10^1.5, 15 values (with --quick: 4 values, 10^−1.5 … 10^0.75). The figure shows the cosines of β to both directions against α; the crossover α_× (cos to w_ℓ₁ = cos to w_ℓ₂) is located by bisection in log α to 10⁻⁴ decades (10⁻³ with --quick). SAM flows that collapse (β → 0 before the target: small α against ρ) are left out. The source's own data and sizes are not used: the claims are its qualitative statements; whether SAM moves the crossover is SAMLab's question (extrapolation).",
        source: "E. Moroshko, S. Gunasekar, B. Woodworth, J. D. Lee, N. Srebro, D. Soudry, Implicit Bias in Deep Linear Classification: Initialization Scale vs Training Accuracy, NeurIPS 2020"
    ) { quick in try run(quick: quick) }

    /// One flow stopped at a target loss: its status, rescaled time and beta, with the cosines of beta to the l1 and
    /// l2 max-margin directions (NaN when the flow did not reach the target).
    struct Endpoint {
        /// The rule's registered name, the init scale alpha and the target loss.
        let rule: String, alpha: Double, target: Double
        /// The flow's status (`converged` when it reached the target).
        let status: RunStatus
        /// The rescaled time and log of the mean loss at the end.
        let time: Double, logLoss: Double
        /// beta at the end.
        let beta: [Double]
        /// cos(beta, w_l1) and cos(beta, w_l2).
        let cosL1: Double, cosL2: Double

        /// Whether the flow reached its target loss.
        var reached: Bool { status == .converged }
        /// cos(beta, w_l1) - cos(beta, w_l2): positive on the rich side, negative on the kernel side.
        var gap: Double { cosL1 - cosL2 }
    }

    /// The rescaled flow of `rule` from u = v = alpha, stopped when the mean exponential loss falls to `target`.
    static func spec(_ source: DataSource, rule: String, alpha: Double, target: Double) -> RunSpec {
        RunSpec(data: source, model: ModelSpec(name: SignedNetwork.name, depth: 2, alpha: [alpha]), loss: ExponentialLoss.name,
                rule: RuleSpec(name: rule, rho: rho),
                dynamics: .flow(FlowSettings(time: horizon, rescaled: true, lossTolerance: target)), record: .times([]))
    }

    /// Runs one flow and measures its end.
    static func endpoint(_ source: DataSource, rule: String, alpha: Double, target: Double, l1: [Double], l2: [Double]) throws -> Endpoint {
        let run = try CatalogRuns.run(spec(source, rule: rule, alpha: alpha, target: target))
        let beta = run.final.beta ?? []
        let reached = run.status == .converged
        return Endpoint(rule: rule, alpha: alpha, target: target, status: run.status, time: run.endClock, logLoss: run.final.logLoss,
                        beta: beta, cosL1: reached ? cosine(beta, l1) : .nan, cosL2: reached ? cosine(beta, l2) : .nan)
    }

    /// The crossover of one rule at one target: alpha_x, and the number of flows the bisection ran.
    struct Crossover {
        /// The rule's registered name.
        let rule: String
        /// The target loss.
        let target: Double
        /// alpha_x (nil when the grid shows no sign change of the gap).
        let alpha: Double?
        /// The flows the bisection ran.
        let evaluations: Int
    }

    /// alpha_x of `rule` at `target`: the grid's first bracket where the gap cos(beta, w_l1) - cos(beta, w_l2) turns
    /// from positive to negative (both ends reached the target), refined by bisection in log10 alpha to
    /// `width` decades and then interpolated linearly in log alpha within the last bracket.
    static func crossover(_ source: DataSource, rule: String, target: Double, grid: [Endpoint], l1: [Double], l2: [Double],
                          width: Double) throws -> Crossover {
        let points = grid.filter { $0.rule == rule && $0.target == target && $0.reached }.sorted { $0.alpha < $1.alpha }
        guard let k = points.indices.dropLast().first(where: { points[$0].gap > 0 && points[$0 + 1].gap <= 0 }) else {
            return Crossover(rule: rule, target: target, alpha: nil, evaluations: 0)
        }
        var lo = log10(points[k].alpha), hi = log10(points[k + 1].alpha)
        var gLo = points[k].gap, gHi = points[k + 1].gap
        var evaluations = 0
        while hi - lo > width {
            let mid = (lo + hi) / 2
            let e = try endpoint(source, rule: rule, alpha: pow(10, mid), target: target, l1: l1, l2: l2)
            evaluations += 1
            guard e.reached else { break }
            if e.gap > 0 { (lo, gLo) = (mid, e.gap) } else { (hi, gHi) = (mid, e.gap) }
        }
        let u = gLo / (gLo - gHi)
        return Crossover(rule: rule, target: target, alpha: pow(10, lo + u * (hi - lo)), evaluations: evaluations)
    }

    /// The item: the grid, the crossovers, the figures, the tables and the claims.
    static func run(quick: Bool) throws -> ItemOutput {
        let source = DataSource.gaussian(try clusters())
        let dataset = try source.load()
        let l1 = try MaxMargin.solve(points: dataset.points, labels: dataset.labels, norm: .l1).direction
        let l2 = try MaxMargin.solve(points: dataset.points, labels: dataset.labels, norm: .l2).direction
        let alphas = alphas(quick)
        var grid: [Endpoint] = []
        for rule in rules {
            for alpha in alphas {
                for target in targets { grid.append(try endpoint(source, rule: rule, alpha: alpha, target: target, l1: l1, l2: l2)) }
            }
        }
        var crossovers: [Crossover] = []
        for rule in rules {
            for target in targets { crossovers.append(try crossover(source, rule: rule, target: target, grid: grid, l1: l1, l2: l2,
                                                            width: bisectionWidth(quick))) }
        }
        var output = ItemOutput()
        output.parameters = [
            "data: Gaussian clusters, n = 40, mean ±(1, 1, 2), σ = 0.3, seed 7",
            "w_ℓ₁ = (\(l1.map(fmt).joined(separator: ", "))), w_ℓ₂ = (\(l2.map(fmt).joined(separator: ", "))), cos(w_ℓ₁, w_ℓ₂) = \(fmt(cosine(l1, l2)))",
            "model: signed, depth 2, u = v = α; loss: exponential", "rules: GD, ℓ₂-SAM, ℓ∞-SAM, ρ = \(fmt(rho))",
            "rescaled flows (rtol 1e-10) to the first time the loss falls to ε ∈ {\(targets.map(fmt).joined(separator: ", "))}, at most s = \(fmt(horizon))",
            "α grid: \(alphas.count) values, 10^−2 … 10^1.5", "crossover: bisection in log₁₀ α to \(fmt(bisectionWidth(quick))) decades (shifts below \(fmt(resolution(quick))) relative are within resolution)",
        ]
        output.figures.append(("cosines", cosineFigure(grid, crossovers)))
        output.figures.append(("crossover", crossoverFigure(crossovers)))
        var csv = "optimizer,alpha,target_loss,status,s,log_loss," + (1...dataset.dimension).map { "beta_\($0)" }.joined(separator: ",") + ",cos_l1,cos_l2\n"
        for e in grid {
            csv += "\(e.rule),\(e.alpha),\(e.target),\(e.status.rawValue),\(e.time),\(e.logLoss),"
                + e.beta.map { "\($0)" }.joined(separator: ",") + ",\(e.reached ? "\(e.cosL1)" : ""),\(e.reached ? "\(e.cosL2)" : "")\n"
        }
        output.tables.append(("cosines", csv))
        output.tables.append(("crossover", "optimizer,target_loss,alpha_crossover,bisection_flows\n"
            + crossovers.map { "\($0.rule),\($0.target),\($0.alpha.map { "\($0)" } ?? ""),\($0.evaluations)\n" }.joined()))
        output.claims = claims(grid, crossovers, resolution: resolution(quick))
        return output
    }

    // MARK: - Claims

    /// The item's claims: GD's trends in alpha and the crossover's move with the loss (literature), SAM's move of the
    /// crossover (extrapolation).
    static func claims(_ grid: [Endpoint], _ crossovers: [Crossover], resolution: Double) -> [Claim] {
        var claims: [Claim] = []
        let gd = grid.filter { $0.rule == GradientDescent.name }
        // (1) GD: cos to w_l1 falls with alpha, cos to w_l2 rises; small alpha on the l1 side, large on the l2 side.
        var violations: [String] = [], ends: [String] = [], sides = true
        for target in targets {
            let points = gd.filter { $0.target == target }.sorted { $0.alpha < $1.alpha }
            for (a, b) in zip(points, points.dropFirst()) {
                if !(a.reached && b.reached) { violations.append("ε = \(fmt(target)): α = \(fmt(a.alpha)) or \(fmt(b.alpha)) did not reach ε"); continue }
                if b.cosL1 > a.cosL1 { violations.append("ε = \(fmt(target)): cos to w_ℓ₁ rises from α = \(fmt(a.alpha)) to \(fmt(b.alpha)) by \(fmt(b.cosL1 - a.cosL1))") }
                if b.cosL2 < a.cosL2 { violations.append("ε = \(fmt(target)): cos to w_ℓ₂ falls from α = \(fmt(a.alpha)) to \(fmt(b.alpha)) by \(fmt(a.cosL2 - b.cosL2))") }
            }
            if let first = points.first, let last = points.last {
                ends.append("ε = \(fmt(target)): α = \(fmt(first.alpha)) cos (ℓ₁, ℓ₂) = (\(fmt6(first.cosL1)), \(fmt6(first.cosL2))), α = \(fmt(last.alpha)) (\(fmt6(last.cosL1)), \(fmt6(last.cosL2)))")
                sides = sides && first.gap > 0 && last.gap < 0
            }
        }
        claims.append(.literature(id, "GD: the cosine of β to the ℓ₁ max-margin direction decreases with the init α and the cosine to the ℓ₂ direction increases, at every target loss; the smallest α ends closer to w_ℓ₁, the largest closer to w_ℓ₂",
                                  predicted: "rich regime (ℓ₁) for small α, kernel regime (ℓ₂) for large α (Moroshko et al. 2020)",
                                  measured: ends.joined(separator: "; ") + "; " + (violations.isEmpty ? "both cosines monotone over the \(gd.count / targets.count)-point grid at every ε" : violations.joined(separator: "; ")),
                                  violations.isEmpty && sides ? .holds : .fails))
        // (2) GD: alpha_x grows as the target loss falls.
        let gdCross = crossovers.filter { $0.rule == GradientDescent.name }
        let values = gdCross.compactMap(\.alpha)
        let grows = values.count == targets.count && zip(values, values.dropFirst()).allSatisfy { $1 > $0 * (1 + resolution) }
        claims.append(.literature(id, "GD: the crossover α_× (where β is equally close to both directions) grows as the target loss falls",
                                  predicted: "α_×(10⁻²) < α_×(10⁻⁴) < α_×(10⁻⁸): the smaller the loss, the larger the init from which the ℓ₁ side is reached (Moroshko et al. 2020)",
                                  measured: crossoverText(gdCross) + "; α_×² / log(1/ε) = "
                                      + gdCross.map { c in c.alpha.map { fmt($0 * $0 / log(1 / c.target)) } ?? "–" }.joined(separator: ", "),
                                  grows ? .holds : (values.count == targets.count ? .fails : .inconclusive)))
        // (3, 4) SAM against GD.
        for rule in [L2SAM.name, LInfSAM.name] {
            let sam = crossovers.filter { $0.rule == rule }
            let ratios = zip(sam, gdCross).map { s, g in (s.alpha ?? .nan) / (g.alpha ?? .nan) }
            let name = CatalogRuns.displayName(rule)
            let verdict: Claim.Verdict
            if ratios.contains(where: \.isNaN) { verdict = .inconclusive }
            else if ratios.allSatisfy({ $0 > 1 + resolution }) { verdict = .holds }
            else if ratios.contains(where: { $0 < 1 - resolution }) { verdict = .fails }
            else { verdict = .inconclusive }
            claims.append(Claim(item: id, statement: "\(name) (ρ = \(fmt(rho))) moves the crossover to larger α at every target loss: it reaches the ℓ₁ side from larger inits than GD",
                                prediction: "SAMLab's prediction, made before the measurement: α_×(\(name)) / α_×(GD) > 1 + \(fmt(resolution)) (the resolution), since the perturbation shrinks the effective init scale u_j v_j along the flow, which makes the flow richer (THEORY.md §9.6)",
                                measurement: crossoverText(sam) + "; α_×(\(name)) / α_×(GD) = " + zip(targets, ratios).map { "\(fmt6($1)) (ε = \(fmt($0)))" }.joined(separator: ", "),
                                verdict: verdict, kind: .extrapolation))
        }
        return claims
    }

    /// "ε = 0.01: α_× = ... (n flows)" for each target.
    static func crossoverText(_ list: [Crossover]) -> String {
        list.map { c in "ε = \(fmt(c.target)): α_× = \(c.alpha.map(fmt6) ?? "none on the grid") (\(c.evaluations) bisection flows)" }.joined(separator: "; ")
    }

    // MARK: - Figures

    /// Cosines against alpha, one panel per rule: solid to w_l1, dashed to w_l2, one colour per target loss; the
    /// crossovers as dotted vertical lines.
    static func cosineFigure(_ grid: [Endpoint], _ crossovers: [Crossover]) -> Figure {
        var panels: [Panel] = []
        for rule in rules {
            var panel = Panel(title: CatalogRuns.displayName(rule), x: .log("init scale α"), y: Axis("cosine of β to the max-margin direction"))
            for (k, target) in targets.enumerated() {
                let points = grid.filter { $0.rule == rule && $0.target == target && $0.reached }.sorted { $0.alpha < $1.alpha }
                let label = "ε = \(lossLabel(target))"
                panel.add(LineSeries(x: points.map(\.alpha), y: points.map(\.cosL1), label: "to w_ℓ₁, \(label)",
                                     style: SeriesStyle(colorIndex: k, dash: .solid, markers: true, marker: .circle)))
                panel.add(LineSeries(x: points.map(\.alpha), y: points.map(\.cosL2), label: "to w_ℓ₂, \(label)",
                                     style: SeriesStyle(colorIndex: k, dash: .dashed, markers: true, marker: .square)))
                if let a = crossovers.first(where: { $0.rule == rule && $0.target == target })?.alpha {
                    panel.add(ReferenceLine.vertical(a, colorIndex: k))
                }
            }
            panels.append(panel)
        }
        return Figure(title: "Cosine of β to the ℓ₁ and ℓ₂ max-margin directions at training loss ε (vertical lines: crossovers α_×)",
                      width: 1200, height: 440, columns: 3, panels: panels, sharedLegend: .bottom)
    }

    /// alpha_x against the target loss, one line per rule.
    static func crossoverFigure(_ crossovers: [Crossover]) -> Figure {
        var panel = Panel(title: "crossover α_× against the training loss", x: .log("training loss ε"), y: .log("crossover α_×"))
        for (k, rule) in rules.enumerated() {
            let points = crossovers.filter { $0.rule == rule && $0.alpha != nil }
            panel.add(LineSeries(x: points.map(\.target), y: points.map { $0.alpha! }, label: CatalogRuns.displayName(rule),
                                 style: .palette(k, markers: true)))
        }
        return Figure(panel, width: 520, height: 380)
    }

    /// "10⁻⁴" for 1e-4.
    static func lossLabel(_ x: Double) -> String { NumberLabel.powerOfTen(Int(log10(x).rounded())) }
}

/// cos(a, b) = <a, b> / (||a|| ||b||); NaN when either is 0.
func cosine(_ a: [Double], _ b: [Double]) -> Double {
    let d = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let n = norm(a) * norm(b)
    return n > 0 ? d / n : .nan
}

/// Six significant digits.
func fmt6(_ x: Double) -> String { String(format: "%.6g", x) }
