import Foundation
import SAMCore
import SAMFlow
import SAMPlot

/// Issue 15, item 5: Wen, Ma & Li (ICLR 2023), "How does sharpness-aware minimization minimize sharpness?"
/// (THEORY.md §9.5). Near the manifold of minima Γ = {w : X β(w) = y} of an over-parametrized regression, full-batch
/// l2-SAM (ε = ρ ∇L/‖∇L‖) drifts along Γ as the flow dw/dt = −(ρ²/2) ∇_Γ λ_max(∇²L(w)), and 1-SAM (one normalized
/// perturbation per example, ε_i = ρ ∇ℓ_i/‖∇ℓ_i‖) as −(ρ²/2) ∇_Γ tr ∇²L(w) (time in units of η). The item runs GD from a
/// small init to (near) interpolation, then continues from that point with GD (the control), l2-SAM and msam m = 1,
/// and compares λ_max and the trace at the start with their values at the GD limit Φ of each continuation's end
/// (the point of Γ that gradient descent reaches from it, Wen, Ma & Li's Φ). Every claim is of kind `literature`,
/// decided by 95% t-intervals over the seeds against the measurement's resolution.
enum SharpnessFlavours {
    static let id = "sharpness-flavours"
    /// The signed model's balanced init u = v = alpha, the step size and the radius of both SAM rules.
    static let alpha = 0.1, eta = 0.05, rho = 0.1
    /// GD steps from the init to the start of the continuations, and GD steps of the projection Φ.
    static let warmupSteps = 10_000, projectionSteps = 2_000

    static func seeds(_ quick: Bool) -> [UInt64] { quick ? [1, 2, 3] : [1, 2, 3, 4, 5] }
    static func steps(_ quick: Bool) -> Int { quick ? 600 : 3_000 }
    /// Rows recorded along a continuation (each costs a Lanczos run): every steps/20 steps.
    static func recordEvery(_ quick: Bool) -> Int { steps(quick) / 20 }

    static let item = ReproductionItem(
        id: id, title: "Which sharpness SAM minimizes: λ_max under ℓ₂-SAM, the trace under 1-SAM",
        caption: "Wen, Ma & Li (ICLR 2023): near the manifold Γ of minima of an over-parametrized loss, full-batch ℓ₂-SAM with small ρ drifts along Γ so as to decrease the Hessian's largest eigenvalue λ_max, and 1-SAM (one normalized perturbation per example) so as to decrease its trace. Setting (ours; the source's theorems are asymptotic in η and ρ): the one-sam-sparsity item's draw (n = 20 points x ~ N(0, I₃₀), a 3-sparse unit θ*, y = ⟨θ*, x⟩ without noise, so n < d and Γ has dimension 2d − n), squared loss (1/2n) Σ rₙ², signed depth-2 diagonal network β = u ⊙ u − v ⊙ v from u = v = α = 0.1, η = 0.05. GD runs 10⁴ steps to near interpolation; from that point three continuations of 3,000 steps (with --quick 600 steps, seeds 1–3): GD (the control), ℓ₂-SAM and 1-SAM (msam, m = 1, msam_norm l2), both at ρ = 0.1. λ_max (Lanczos) and tr H (exact) are recorded every 150 steps (--quick: 30) along each path (left: λ_max, right: tr H, each over its value at the start; faint: seeds 1–5, solid: their mean). SAM's iterates bounce across the valley, so the end of each continuation is measured at its GD limit Φ (2,000 further GD steps, Wen, Ma & Li's Φ; markers at the right edge): the relative change Φ(w_end)/w_start − 1, with a 95% t-interval over the seeds. A change is inconclusive when it lies within the resolution: the largest of Lanczos's tolerance, the control's own change and the projection's convergence (the change between 1,000 and 2,000 steps of Φ). The loss stays near zero when every recorded loss is at most ½ λ_max ρ², the loss at distance ρ from Γ (SAM's bounce across the valley keeps the iterate within ηλρ/(2 − ηλ) < ρ of it). Wen, Ma & Li's 1-SAM is stochastic (one random example per step); SAMLab's msam m = 1 averages all n per-example perturbed gradients every step, which is the stochastic rule's expected step: on Γ each example's Hessian ∇f_i ∇f_iᵀ has rank one, so its largest eigenvalue is its trace, and the mean of the per-example regularizers λ_max(∇²ℓ_i) is tr ∇²L — the same regularizer, though not the same path (no sampling noise here, THEORY.md §9.5).",
        source: "K. Wen, T. Ma and Z. Li, How Does Sharpness-Aware Minimization Minimize Sharpness?, ICLR 2023 (near a manifold of minima, full-batch SAM regularizes the Hessian's largest eigenvalue, stochastic 1-SAM its trace)"
    ) { quick in try run(quick: quick) }

    // MARK: - Runs

    /// The three continuations from the end of the GD warm-up.
    enum Continuation: String, CaseIterable {
        case gd, l2SAM = "l2-sam", oneSAM = "1-sam"

        /// The name in legends.
        var label: String {
            switch self {
            case .gd: "GD (control)"
            case .l2SAM: "ℓ₂-SAM"
            case .oneSAM: "1-SAM"
            }
        }

        /// gd, l2-sam, or msam with m = 1 and msam_norm l2 (0), all at `SharpnessFlavours.rho`.
        var rule: RuleSpec {
            switch self {
            case .gd: RuleSpec(name: GradientDescent.name, rho: 0)
            case .l2SAM: RuleSpec(name: L2SAM.name, rho: rho)
            case .oneSAM: RuleSpec(name: MSharpnessSAM.name, rho: rho, parameters: ["m": 1, "msam_norm": 0])
            }
        }
    }

    /// A discrete run on `train`: the signed depth-2 model from the layer-major `weights` (nil: u = v = alpha), the
    /// squared loss, `steps` steps of `rule` recorded every `every` steps with sharpness (or not).
    static func spec(_ train: Dataset, seed: UInt64, rule: RuleSpec, from weights: [Double]?, steps: Int, every: Int,
                     sharpness: Bool) -> RunSpec {
        let data = DataSource.csv(path: "\(id) seed \(seed)", embedded: EmbeddedData(points: train.points, labels: train.labels))
        let d = train.dimension
        let layers = weights.map { w in [Array(w[0..<d]), Array(w[d..<(2 * d)])] }
        return RunSpec(data: data, model: ModelSpec(name: SignedNetwork.name, depth: 2, alpha: [alpha], layerInit: layers), loss: SquaredLoss.name,
                       rule: rule, dynamics: .discrete(DiscreteSettings(learningRate: eta, steps: steps)), record: .every(Double(every)),
                       sharpness: sharpness)
    }

    /// One recorded state: step, training loss (1/2n) Σ r_n², λ_max and tr H.
    struct Point {
        var step: Int
        var loss: Double
        var lambdaMax: Double?
        var trace: Double?
    }

    /// One continuation of one seed: the recorded path, the values at Φ after half and all of the projection's
    /// steps, and the status (numbers are nil when a run did not complete with finite sharpness).
    struct Path {
        var seed: UInt64
        var continuation: Continuation
        var status: RunStatus
        var points: [Point]
        var projectedHalf: Point?
        var projected: Point?

        /// The start (the warm-up's end, step 0 of the continuation).
        var start: Point? { points.first }
        /// The largest recorded training loss along the continuation.
        var largestLoss: Double { points.map(\.loss).max() ?? .nan }

        /// Φ(w_end)/w_start − 1 of λ_max (`lambda` true) or of the trace.
        func change(lambda: Bool) -> Double? {
            guard let a = start.flatMap({ lambda ? $0.lambdaMax : $0.trace }), let b = projected.flatMap({ lambda ? $0.lambdaMax : $0.trace }), a > 0
            else { return nil }
            return b / a - 1
        }

        /// |Φ after all of the projection's steps − Φ after half of them| / start value: the projection's convergence.
        func projectionError(lambda: Bool) -> Double? {
            let value = { (p: Point?) in p.flatMap { lambda ? $0.lambdaMax : $0.trace } }
            guard let a = value(start), let half = value(projectedHalf), let full = value(projected), a > 0 else { return nil }
            return abs(full - half) / a
        }
    }

    static func points(_ result: RunResult) -> [Point] {
        result.rows.map { row in
            Point(step: row.step, loss: (row.mse ?? .nan) / 2, lambdaMax: row.sharpness?.lambdaMax, trace: row.sharpness?.hessianTrace)
        }
    }

    /// The continuation `c` of `seed` from the layer-major `start` weights, then its GD limit Φ.
    static func path(_ train: Dataset, seed: UInt64, continuation c: Continuation, from start: [Double], quick: Bool) throws -> Path {
        let result = try spec(train, seed: seed, rule: c.rule, from: start, steps: steps(quick), every: recordEvery(quick), sharpness: true).run(on: train)
        var path = Path(seed: seed, continuation: c, status: result.status, points: points(result))
        guard result.status == .completed, result.finalWeights.allSatisfy(\.isFinite) else { return path }
        let projection = try spec(train, seed: seed, rule: Continuation.gd.rule, from: result.finalWeights, steps: projectionSteps,
                                  every: projectionSteps / 2, sharpness: true).run(on: train)
        let projected = points(projection)
        guard projection.status == .completed, projected.count == 3 else {
            path.status = projection.status
            return path
        }
        path.projectedHalf = projected[1]
        path.projected = projected[2]
        return path
    }

    /// The warm-up of `seed`: GD from u = v = alpha; its final weights, its loss at the init and at the end.
    static func warmup(_ train: Dataset, seed: UInt64) throws -> (weights: [Double], initialLoss: Double, finalLoss: Double, status: RunStatus) {
        let result = try spec(train, seed: seed, rule: Continuation.gd.rule, from: nil, steps: warmupSteps, every: warmupSteps, sharpness: false)
            .run(on: train)
        let rows = points(result)
        return (result.finalWeights, rows.first?.loss ?? .nan, rows.last?.loss ?? .nan, result.status)
    }

    // MARK: - The item

    /// Every seed's three continuations, and its warm-up's losses.
    struct Measurements {
        var seeds: [UInt64]
        var paths: [Continuation: [Path]] = [:]
        var initialLoss: [UInt64: Double] = [:]
        var warmupLoss: [UInt64: Double] = [:]
    }

    static func measure(quick: Bool) throws -> Measurements {
        var m = Measurements(seeds: seeds(quick))
        for seed in m.seeds {
            let train = try OneSAMSparsity.problem(seed: seed).train
            let warm = try warmup(train, seed: seed)
            m.initialLoss[seed] = warm.initialLoss
            m.warmupLoss[seed] = warm.finalLoss
            for c in Continuation.allCases {
                let p = warm.status == .completed ? try path(train, seed: seed, continuation: c, from: warm.weights, quick: quick)
                    : Path(seed: seed, continuation: c, status: warm.status, points: [])
                m.paths[c, default: []].append(p)
            }
        }
        return m
    }

    static func run(quick: Bool) throws -> ItemOutput {
        let m = try measure(quick: quick)
        var output = ItemOutput()
        output.parameters = ["the one-sam-sparsity draw: n = \(OneSAMSparsity.examples), d = \(OneSAMSparsity.dimension), 3-sparse θ*, noiseless; seeds \(m.seeds.map(String.init).joined(separator: ", "))",
                             "signed depth-2 network β = u ⊙ u − v ⊙ v, u = v = α = \(alpha); squared loss, full batch, η = \(eta)",
                             "GD warm-up \(warmupSteps) steps; continuations \(steps(quick)) steps of gd, l2-sam and msam (m = 1, msam_norm l2) at ρ = \(rho)",
                             "sharpness every \(recordEvery(quick)) steps; Φ: \(projectionSteps) GD steps (resolution from \(projectionSteps / 2))",
                             "loss near zero: at most (1/2) λ_max(start) ρ² along the continuation"]
        output.claims = claims(m)
        output.tables.append(("paths", pathsCSV(m)))
        output.tables.append(("summary", summaryCSV(m)))
        output.figures.append(("sharpness", figure(m)))
        return output
    }

    // MARK: - Claims

    /// A measured relative change over the seeds: the t-interval, and the resolution below which it cannot be told
    /// from no change.
    struct Change {
        var values: [Double]
        var interval: OneSAMSparsity.Interval
        var resolution: Double

        init(_ values: [Double], resolution: Double) {
            self.values = values
            interval = OneSAMSparsity.Interval(values)
            self.resolution = resolution
        }

        /// Holds when the interval lies below −resolution, fails when it lies above +resolution, else inconclusive
        /// (also with fewer than two seeds).
        var decreaseVerdict: Claim.Verdict {
            guard let low = interval.low, let high = interval.high else { return .inconclusive }
            return high < -resolution ? .holds : low > resolution ? .fails : .inconclusive
        }

        /// "mean [low, high] (seeds: a, b, …; resolution r)", in percent.
        var text: String {
            let pct = { (x: Double) in "\(fmt(100 * x))%" }
            let range = interval.low.map { "\(pct(interval.mean)) [\(pct($0)), \(pct(interval.high!))]" } ?? pct(interval.mean)
            return "\(range) (seeds: \(values.map(pct).joined(separator: ", ")); resolution \(pct(resolution)))"
        }
    }

    /// The resolution of λ_max's (`lambda`) or the trace's changes: the largest of Lanczos's relative tolerance, the
    /// control's own change and the projection's convergence, over every seed and continuation.
    static func resolution(_ m: Measurements, lambda: Bool) -> Double {
        var r = Lanczos.defaultTolerance
        for p in m.paths[.gd] ?? [] { if let c = p.change(lambda: lambda) { r = max(r, abs(c)) } }
        for paths in m.paths.values { for p in paths { if let e = p.projectionError(lambda: lambda) { r = max(r, e) } } }
        return r
    }

    /// The paths of `c` whose every number is there, in seed order.
    static func measured(_ m: Measurements, _ c: Continuation) -> [Path] {
        (m.paths[c] ?? []).filter { $0.change(lambda: true) != nil && $0.change(lambda: false) != nil }
    }

    /// The loss at distance rho from Γ along the top eigenvector, (1/2) λ_max rho² at the start of `p`: "near zero"
    /// means the iterate stays within about rho of Γ, the regime of Wen, Ma & Li's analysis (SAM's own 2-cycle has
    /// amplitude c = ηλρ/(2 − ηλ) < ρ, THEORY.md §9.1).
    static func nearZeroScale(_ p: Path) -> Double? { p.start?.lambdaMax.map { 0.5 * $0 * rho * rho } }

    /// Whether every recorded loss of each measured path of `c` is at most `nearZeroScale`, the largest ratio of a
    /// recorded loss to it, and the largest ratio to the seed's loss at the init.
    static func lossNearZero(_ m: Measurements, _ c: Continuation) -> (holds: Bool, largest: Double, overInitial: Double) {
        let paths = measured(m, c)
        let ratios = paths.compactMap { p in nearZeroScale(p).map { p.largestLoss / $0 } }
        let initial = paths.map { $0.largestLoss / (m.initialLoss[$0.seed] ?? .nan) }
        return (!ratios.isEmpty && ratios.allSatisfy { $0 <= 1 }, ratios.max() ?? .nan, initial.max() ?? .nan)
    }

    /// "k/n seeds did not complete (statuses)" for `c`, empty when all did.
    static func statusText(_ m: Measurements, _ c: Continuation) -> String {
        let all = m.paths[c] ?? [], kept = measured(m, c).count
        guard kept < all.count else { return "" }
        let statuses = all.filter { $0.projected == nil }.map { "seed \($0.seed): \($0.status.rawValue)" }
        return "; \(all.count - kept)/\(all.count) seeds without numbers (\(statuses.joined(separator: ", ")))"
    }

    /// Paired differences a − b of the relative changes over the seeds where both were measured.
    static func paired(_ m: Measurements, _ a: Continuation, _ b: Continuation, lambda: Bool) -> [Double] {
        let bySeed = Dictionary(uniqueKeysWithValues: measured(m, b).map { ($0.seed, $0) })
        return measured(m, a).compactMap { p in
            guard let q = bySeed[p.seed], let x = p.change(lambda: lambda), let y = q.change(lambda: lambda) else { return nil }
            return x - y
        }
    }

    static func claims(_ m: Measurements) -> [Claim] {
        let rLambda = resolution(m, lambda: true), rTrace = resolution(m, lambda: false)
        let change = { (c: Continuation, lambda: Bool) in
            Change(measured(m, c).compactMap { $0.change(lambda: lambda) }, resolution: lambda ? rLambda : rTrace)
        }
        let control = "GD control: λ_max \(change(.gd, true).text), trace \(change(.gd, false).text)"
        var claims: [Claim] = []
        for (c, lambda) in [(Continuation.l2SAM, true), (.oneSAM, false)] {
            let measuredChange = change(c, lambda), other = change(c, !lambda)
            let loss = lossNearZero(m, c)
            let verdict: Claim.Verdict = !loss.holds && !measuredChange.values.isEmpty ? .fails : measuredChange.decreaseVerdict
            let name = lambda ? "λ_max" : "tr H"
            claims.append(.literature(
                id, "Under \(c.label) continued from near interpolation, \(name) decreases while the training loss stays near zero",
                predicted: "relative change of \(name) from the start to Φ(end) below 0 (95% interval over the seeds below −resolution); every recorded loss at most (1/2) λ_max(start) ρ² (the iterate within about ρ of Γ)",
                measured: "\(name): \(measuredChange.text); \(lambda ? "tr H" : "λ_max") (not claimed): \(other.text); largest recorded loss \(fmt(loss.largest)) × (1/2) λ_max ρ², \(fmt(loss.overInitial)) × the loss at the init; \(control)\(statusText(m, c))",
                verdict))
        }
        for (lambda, winner, loser) in [(true, Continuation.l2SAM, Continuation.oneSAM), (false, .oneSAM, .l2SAM)] {
            let name = lambda ? "λ_max" : "tr H"
            let difference = Change(paired(m, winner, loser, lambda: lambda), resolution: 2 * (lambda ? rLambda : rTrace))
            claims.append(.literature(
                id, "\(winner.label) reduces \(name) relatively more than \(loser.label) does",
                predicted: "paired difference of the relative changes of \(name), \(winner.label) − \(loser.label), below 0 (95% interval below −2 × resolution)",
                measured: "\(winner.label) − \(loser.label): \(difference.text); \(winner.label) \(change(winner, lambda).text), \(loser.label) \(change(loser, lambda).text)",
                difference.decreaseVerdict))
        }
        return claims
    }

    // MARK: - Tables

    static func cell(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }

    /// paths.csv: every recorded state of every continuation, then its Φ values (step = `steps` + projection steps).
    static func pathsCSV(_ m: Measurements) -> String {
        var csv = "seed,continuation,step,phase,loss,lambda_max,hessian_trace\n"
        for c in Continuation.allCases {
            for p in m.paths[c] ?? [] {
                let end = p.points.last?.step ?? 0
                for x in p.points { csv += "\(p.seed),\(c.rawValue),\(x.step),path,\(x.loss),\(cell(x.lambdaMax)),\(cell(x.trace))\n" }
                for (x, k) in [(p.projectedHalf, projectionSteps / 2), (p.projected, projectionSteps)] {
                    guard let x else { continue }
                    csv += "\(p.seed),\(c.rawValue),\(end + k),projection,\(x.loss),\(cell(x.lambdaMax)),\(cell(x.trace))\n"
                }
            }
        }
        return csv
    }

    /// summary.csv: per seed and continuation, the status, the start and Φ(end) values and their relative changes,
    /// the projection's convergence and the largest recorded loss over the loss at the init.
    static func summaryCSV(_ m: Measurements) -> String {
        var csv = "seed,continuation,status,warmup_loss,lambda_start,lambda_end,lambda_change,lambda_projection_error,trace_start,trace_end,trace_change,trace_projection_error,largest_loss_over_initial\n"
        for c in Continuation.allCases {
            for p in m.paths[c] ?? [] {
                csv += "\(p.seed),\(c.rawValue),\(p.status.rawValue),\(cell(m.warmupLoss[p.seed])),\(cell(p.start?.lambdaMax)),\(cell(p.projected?.lambdaMax)),"
                csv += "\(cell(p.change(lambda: true))),\(cell(p.projectionError(lambda: true))),\(cell(p.start?.trace)),\(cell(p.projected?.trace)),"
                csv += "\(cell(p.change(lambda: false))),\(cell(p.projectionError(lambda: false))),\(cell(p.points.isEmpty ? nil : p.largestLoss / (m.initialLoss[p.seed] ?? .nan)))\n"
            }
        }
        return csv
    }

    // MARK: - Figure

    static func figure(_ m: Measurements) -> Figure {
        var panels: [Panel] = []
        for lambda in [true, false] {
            let name = lambda ? "λ_{max}" : "tr H"
            var panel = Panel(title: "\(name) along the continuations (Φ of the end: markers)", x: Axis("step after the GD warm-up"),
                              y: Axis("\(name) / \(name) at the start"))
            panel.add(ReferenceLine.horizontal(1, label: "start", colorIndex: 7))
            for (k, c) in Continuation.allCases.enumerated() {
                let paths = measured(m, c)
                let value = { (x: Point) in lambda ? x.lambdaMax : x.trace }
                var sums: [Int: (Double, Int)] = [:]
                for p in paths {
                    guard let a = p.start.flatMap(value) else { continue }
                    let kept = p.points.compactMap { x in value(x).map { (Double(x.step), $0 / a) } }
                    panel.add(LineSeries(x: kept.map(\.0), y: kept.map(\.1), style: SeriesStyle(colorIndex: k, dash: .solid, width: 0.8, opacity: 0.3)))
                    for (s, y) in kept { sums[Int(s), default: (0, 0)].0 += y; sums[Int(s), default: (0, 0)].1 += 1 }
                }
                let steps = sums.keys.sorted()
                panel.add(LineSeries(x: steps.map(Double.init), y: steps.map { sums[$0]!.0 / Double(sums[$0]!.1) }, label: c.label,
                                     style: SeriesStyle(colorIndex: k, dash: .solid, width: 2)))
                let ends = paths.compactMap { p in p.change(lambda: lambda).map { (Double(p.points.last?.step ?? 0), 1 + $0) } }
                panel.add(ScatterSeries(x: ends.map(\.0), y: ends.map(\.1), colorIndex: k, size: 6))
            }
            panels.append(panel)
        }
        return Figure(title: "Near interpolation: ℓ₂-SAM lowers λ_{max}, 1-SAM lowers the trace (Wen, Ma & Li 2023)", width: 1100, height: 440,
                      columns: 2, panels: panels, sharedLegend: .bottom)
    }
}
