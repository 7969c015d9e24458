import Foundation
import SAMCore
import SAMFlow
import SAMPlot

/// Issue 15, item 3: Andriushchenko & Flammarion (ICML 2022), sparse regression on a diagonal linear network
/// (THEORY.md §9.3). n = 20 examples x ~ N(0, I_30), theta* = |N(0, 1)| on the first 3 coordinates normalized to unit
/// norm, y = <theta*, x> (noiseless); full-batch GD, n-SAM (unnormalized SAM, eps = rho grad L) and 1-SAM (m-SAM with
/// m = 1 and eps_i = rho grad l_i, one perturbation per example) over rho, judged by the test loss on 1,000 fresh
/// points and by how sparse the final beta is. Every claim is of kind `literature`, decided by paired 95% t-intervals
/// over the seeds (every rule runs on the same draws).
enum OneSAMSparsity {
    static let id = "one-sam-sparsity"
    static let examples = 20, dimension = 30, sparsity = 3, testCount = 1000
    /// The signed model's balanced init u = v = alpha (beta(0) = 0) and the step size.
    static let alpha = 0.07, eta = 0.08
    static let rhos = [0.01, 0.03, 0.1, 0.3, 1.0]
    /// The radii run: all of `rhos`, or with --quick the two that show both sides (1-SAM's best and its failure).
    static func rhoGrid(_ quick: Bool) -> [Double] { quick ? [0.1, 1.0] : rhos }
    /// A run has fitted its data when its final training loss (1/2n) sum (p_n - y_n)^2 is below this.
    static let fitTolerance = 1e-4
    /// Support recovery: {j : |beta_j| >= supportFraction * max_k |beta_k|} is exactly the first `sparsity` coordinates.
    static let supportFraction = 0.1

    static func seeds(_ quick: Bool) -> [UInt64] { quick ? [1, 2] : [1, 2, 3, 4, 5] }
    static func steps(_ quick: Bool) -> Int { quick ? 300 : 10_000 }

    static let item = ReproductionItem(
        id: id, title: "1-SAM and sparsity: sparse regression on a diagonal linear network",
        caption: "Andriushchenko & Flammarion's sparse regression (ICML 2022, §4 and their diag_nets_sam notebook): n = 20 training points x ~ N(0, I₃₀), θ* = |N(0, 1)| on coordinates 1–3 (0 elsewhere) normalized to ‖θ*‖₂ = 1, y = ⟨θ*, x⟩ without noise, and 1,000 fresh test points from the same distribution; each seed draws θ*, the training and the test points from SplitMix64 (seeds 1–5; with --quick seeds 1–2, 300 steps, ρ ∈ {0.1, 1}: a smoke test of the pipeline, too short to fit). Squared loss (1/2n) Σ (⟨β, xₙ⟩ − yₙ)², signed depth-2 diagonal network β = u ⊙ u − v ⊙ v from u = v = α = 0.07 (β(0) = 0), full batch, η = 0.08, 10⁴ steps, for GD, n-SAM (unnormalized SAM, ε = ρ ∇L) and 1-SAM (m-SAM with m = 1 and unnormalized ε_i = ρ ∇ℓ_i, one perturbation per example) at ρ ∈ {0.01, 0.03, 0.1, 0.3, 1}. Why these: the notebook's u ⊙ v network started at (u, v) = (α, 0) is this signed network rotated by 45° (u ⊙ v = ((u+v)/2)² − ((u−v)/2)²), so β(0) = 0 and every sign of β is reachable; the product model u ⊙ u started at u = v = α > 0 instead starts at β(0) = α² · 1 and behaves differently (n-SAM helps there, THEORY.md §9.3). α = 0.07 puts GD between the kernel and the sparse regime (its test loss is of the order of the notebook's 0.015), so that SAM can move it either way; η = 0.08 is below 2/λ_max at every minimum reached and fits the data to a training loss below 10⁻⁴ in 10⁴ steps for every rule and ρ that fits at all. In this convention the notebook's n-SAM radius is twice ours and its 1-SAM radius equals ours (§9.3). Left: test loss (per seed, faint; geometric mean, line; GD dashed); middle: test loss over GD's on the same seed (geometric mean with 95% t-interval); right: ‖β‖₁ and the off-support mass Σ_{j>3} |β_j| (means with 95% intervals). Second figure: |β_j| of seed 1 for GD, n-SAM and 1-SAM at 1-SAM's best ρ. A run that diverged is a status, not a number: it is drawn nowhere and counted in summary.csv; a run that completed without fitting (training loss above 10⁻⁴) is drawn but never picked as the best ρ.",
        source: "M. Andriushchenko and N. Flammarion, Towards Understanding Sharpness-Aware Minimization, ICML 2022 (§4, sparse regression with diagonal linear networks; notebook diagonal_linear_nets/diag_nets_sam.ipynb of github.com/tml-epfl/understanding-sam)"
    ) { quick in try run(quick: quick) }

    // MARK: - Data

    /// One seed's draw: theta*, the training set (labels y = <theta*, x>) and the test set.
    struct Problem {
        var theta: [Double]
        var train: Dataset
        var testPoints: [[Double]]
        var testLabels: [Double]
    }

    /// The draw of `seed` from SplitMix64: theta*'s `dimension` normals (the first `sparsity` kept, absolute values,
    /// normalized to unit l2 norm), then the `examples` training points, then the `testCount` test points, each
    /// point's coordinates in order.
    static func problem(seed: UInt64) throws -> Problem {
        var rng = SplitMix64(seed: seed)
        var theta = (0..<dimension).map { _ in rng.nextNormal() }
        for j in sparsity..<dimension { theta[j] = 0 }
        let scale = norm(theta)
        theta = theta.map { abs($0) / scale }
        func draw(_ count: Int) -> [[Double]] { (0..<count).map { _ in (0..<dimension).map { _ in rng.nextNormal() } } }
        let x = draw(examples), xTest = draw(testCount)
        let label = { (p: [Double]) in zip(p, theta).reduce(0) { $0 + $1.0 * $1.1 } }
        let train = try Dataset(points: x, labels: x.map(label), origin: .field("data"), labelKind: .real)
        return Problem(theta: theta, train: train, testPoints: xTest, testLabels: xTest.map(label))
    }

    // MARK: - Runs

    /// The three rules compared; `rho` is ignored by GD.
    enum Method: String, CaseIterable {
        case gd, nSAM = "n-sam", oneSAM = "1-sam"

        /// The name in legends.
        var label: String {
            switch self {
            case .gd: "GD"
            case .nSAM: "n-SAM"
            case .oneSAM: "1-SAM"
            }
        }

        /// The rule of the spec: gd, usam, or msam with m = 1 and msam_norm none.
        func rule(rho: Double) -> RuleSpec {
            switch self {
            case .gd: RuleSpec(name: GradientDescent.name, rho: 0)
            case .nSAM: RuleSpec(name: UnnormalizedSAM.name, rho: rho)
            case .oneSAM: RuleSpec(name: MSharpnessSAM.name, rho: rho, parameters: ["m": 1, "msam_norm": 1])
            }
        }
    }

    /// The spec of one run: the seed's training set embedded, the signed depth-2 model at alpha, the squared loss.
    static func spec(_ problem: Problem, seed: UInt64, method: Method, rho: Double, steps: Int) -> RunSpec {
        let data = DataSource.csv(path: "\(id) seed \(seed)", embedded: EmbeddedData(points: problem.train.points, labels: problem.train.labels))
        return RunSpec(data: data, model: ModelSpec(name: SignedNetwork.name, depth: 2, alpha: [alpha]), loss: SquaredLoss.name,
                       rule: method.rule(rho: rho), dynamics: .discrete(DiscreteSettings(learningRate: eta, steps: steps)), record: .log(4))
    }

    /// What one run measured; the numbers are nil when it diverged.
    struct Outcome {
        var seed: UInt64
        var method: Method
        var rho: Double
        var status: RunStatus
        var beta: [Double]?
        var trainLoss: Double?
        var testLoss: Double?

        /// Whether the run ended with numbers (it did not diverge).
        var finished: Bool { status != .diverged && beta != nil }
        /// Whether it fitted its training set (training loss below `fitTolerance`).
        var fitted: Bool { finished && (trainLoss ?? .infinity) < fitTolerance }
        /// ||beta||_1.
        var l1: Double? { beta.map { $0.reduce(0) { $0 + abs($1) } } }
        /// sum_{j > sparsity} |beta_j|.
        var offSupport: Double? { beta.map { $0[sparsity...].reduce(0) { $0 + abs($1) } } }
        /// Whether the coordinates with |beta_j| >= supportFraction * max |beta| are exactly the first `sparsity`.
        var recovered: Bool? { beta.map(OneSAMSparsity.recovers) }
    }

    /// Support recovery of `beta` (see `supportFraction`).
    static func recovers(_ beta: [Double]) -> Bool {
        let top = beta.map(abs).max() ?? 0
        guard top > 0 else { return false }
        return beta.indices.filter { abs(beta[$0]) >= supportFraction * top } == Array(0..<sparsity)
    }

    /// (1/2m) sum (<beta, x> - y)^2 over the given points: the notebook's loss, on the test set here.
    static func halfMeanSquaredError(_ beta: [Double], points: [[Double]], labels: [Double]) -> Double {
        let predictions = points.map { x in zip(x, beta).reduce(0) { $0 + $1.0 * $1.1 } }
        return SquaredLoss.meanSquaredError(predictions: predictions, labels: labels) / 2
    }

    static func outcome(_ problem: Problem, seed: UInt64, method: Method, rho: Double, steps: Int) throws -> Outcome {
        let result = try spec(problem, seed: seed, method: method, rho: rho, steps: steps).run(on: problem.train)
        guard result.status != .diverged, let beta = result.final.beta, beta.allSatisfy(\.isFinite) else {
            return Outcome(seed: seed, method: method, rho: rho, status: .diverged)
        }
        return Outcome(seed: seed, method: method, rho: rho, status: result.status, beta: beta,
                       trainLoss: halfMeanSquaredError(beta, points: problem.train.points, labels: problem.train.labels),
                       testLoss: halfMeanSquaredError(beta, points: problem.testPoints, labels: problem.testLabels))
    }

    // MARK: - Statistics

    /// The mean of `values` with its two-sided 95% Student-t interval (nil bounds with fewer than two values).
    struct Interval {
        var mean: Double
        var low: Double?
        var high: Double?

        init(_ values: [Double]) {
            mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
            guard values.count >= 2 else { return }
            let m = mean
            let s = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
            let half = OneSAMSparsity.tQuantile975(degrees: values.count - 1) * s / Double(values.count).squareRoot()
            low = mean - half
            high = mean + half
        }

        /// Below 0 (the interval's upper end is negative), above 0, or neither.
        var sign: Int { (high ?? 0) < 0 ? -1 : (low ?? 0) > 0 ? 1 : 0 }

        /// "m [lo, hi]" through `transform` (exp for log ratios).
        func text(_ transform: (Double) -> Double = { $0 }) -> String {
            guard let low, let high else { return fmt(transform(mean)) }
            return "\(fmt(transform(mean))) [\(fmt(transform(low))), \(fmt(transform(high)))]"
        }
    }

    /// The 0.975 quantile of Student's t with `degrees` degrees of freedom (table to 30, then 1.96).
    static func tQuantile975(degrees: Int) -> Double {
        let table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                     2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        return degrees >= 1 && degrees <= table.count ? table[degrees - 1] : 1.96
    }

    /// The outcomes of every run, by method and rho (GD under rho = 0), each list in seed order.
    struct Grid {
        /// The radii run.
        var rhos: [Double]
        var cells: [String: [Outcome]] = [:]

        static func key(_ method: Method, _ rho: Double) -> String { "\(method.rawValue)@\(method == .gd ? 0 : rho)" }
        subscript(_ method: Method, _ rho: Double) -> [Outcome] {
            get { cells[Self.key(method, rho)] ?? [] }
            set { cells[Self.key(method, rho)] = newValue }
        }

        /// Paired values f(a) - f(b) over the seeds where both ran to a number.
        func paired(_ a: [Outcome], _ b: [Outcome], _ f: (Outcome) -> Double?) -> [Double] {
            zip(a, b).compactMap { x, y in
                guard let fx = f(x), let fy = f(y), x.finished, y.finished else { return nil }
                return fx - fy
            }
        }

        /// Paired log(test loss of a / test loss of b).
        func logRatio(_ a: [Outcome], _ b: [Outcome]) -> Interval { Interval(paired(a, b) { $0.testLoss.map(Foundation.log) }) }
    }

    /// "k diverged, k not fitted" of a cell (empty when every run fitted).
    static func statusText(_ cell: [Outcome]) -> String {
        let diverged = cell.filter { !$0.finished }.count, unfitted = cell.filter { $0.finished && !$0.fitted }.count
        var parts: [String] = []
        if diverged > 0 { parts.append("\(diverged)/\(cell.count) diverged") }
        if unfitted > 0 { parts.append("\(unfitted)/\(cell.count) not fitted") }
        return parts.joined(separator: ", ")
    }

    // MARK: - The item

    static func run(quick: Bool) throws -> ItemOutput {
        let seeds = seeds(quick), steps = steps(quick)
        var grid = Grid(rhos: rhoGrid(quick))
        var problems: [UInt64: Problem] = [:]
        for seed in seeds {
            let problem = try problem(seed: seed)
            problems[seed] = problem
            grid[.gd, 0].append(try outcome(problem, seed: seed, method: .gd, rho: 0, steps: steps))
            for method in [Method.nSAM, .oneSAM] {
                for rho in grid.rhos { grid[method, rho].append(try outcome(problem, seed: seed, method: method, rho: rho, steps: steps)) }
            }
        }
        var output = ItemOutput()
        output.parameters = ["n = \(examples), d = \(dimension), sparsity \(sparsity), \(testCount) test points, noiseless",
                             "seeds \(seeds.map(String.init).joined(separator: ", ")) (SplitMix64: θ*, training points, test points)",
                             "signed depth-2 network β = u ⊙ u − v ⊙ v, u = v = α = \(alpha)", "squared loss, full batch, η = \(eta), \(steps) steps",
                             "ρ ∈ {\(grid.rhos.map(fmt).joined(separator: ", "))}; n-SAM: usam; 1-SAM: msam, m = 1, msam_norm none",
                             "fitted: training loss < \(fmt(fitTolerance)); support: |β_j| ≥ \(fmt(supportFraction)) max |β|"]
        let gd = grid[.gd, 0]
        let best = bestRho(grid)
        output.claims = claims(grid, best: best, thetaL1: Interval(seeds.compactMap { problems[$0]?.theta.reduce(0) { $0 + abs($1) } }))
        output.tables.append(("runs", runsCSV(grid)))
        output.tables.append(("summary", summaryCSV(grid)))
        output.figures.append(("comparison", comparisonFigure(grid, gd: gd)))
        if let seed = seeds.first, let problem = problems[seed] {
            let rho = best ?? grid.rhos[0]
            let runs = [grid[.gd, 0][0], grid[.nSAM, rho][0], grid[.oneSAM, rho][0]]
            output.figures.append(("beta", betaFigure(problem.theta, runs, rho: rho, seed: seed)))
            var csv = "coordinate,theta_star," + runs.map { "\($0.method.rawValue)_rho_\($0.method == .gd ? 0 : rho)" }.joined(separator: ",") + "\n"
            for j in 0..<dimension {
                csv += "\(j + 1),\(problem.theta[j])," + runs.map { $0.beta.map { "\($0[j])" } ?? "" }.joined(separator: ",") + "\n"
            }
            output.tables.append(("beta", csv))
        }
        return output
    }

    /// 1-SAM's best rho: among the rho at which every seed fitted, the one with the lowest mean log test loss over
    /// GD's; nil when none fitted everywhere.
    static func bestRho(_ grid: Grid) -> Double? {
        let gd = grid[.gd, 0]
        let candidates = grid.rhos.filter { rho in grid[.oneSAM, rho].allSatisfy(\.fitted) && gd.allSatisfy(\.finished) }
        return candidates.min { grid.logRatio(grid[.oneSAM, $0], gd).mean < grid.logRatio(grid[.oneSAM, $1], gd).mean }
    }

    static func claims(_ grid: Grid, best: Double?, thetaL1: Interval) -> [Claim] {
        let gd = grid[.gd, 0]
        let gdLoss = Interval(gd.compactMap(\.testLoss).map(Foundation.log)).text(Foundation.exp)
        var claims: [Claim] = []

        // 1. n-SAM no better than GD at any rho.
        var noBetter = true, parts: [String] = []
        for rho in grid.rhos {
            let cell = grid[.nSAM, rho], ratio = grid.logRatio(cell, gd)
            if ratio.sign < 0 { noBetter = false }
            let status = statusText(cell)
            parts.append("ρ = \(fmt(rho)): \(ratio.text(Foundation.exp))\(status.isEmpty ? "" : " (\(status))")")
        }
        claims.append(.literature(id, "n-SAM reaches no lower test loss than GD at any ρ (the notebook: 0.01506 for GD against 0.01514 … 0.03606)",
                                  predicted: "n-SAM / GD test loss (paired, geometric mean, 95% interval) not below 1 at any ρ",
                                  measured: "GD test loss \(gdLoss) (geometric mean, 95% interval); n-SAM / GD: " + parts.joined(separator: "; "),
                                  noBetter ? .holds : .fails))

        // 2. n-SAM worse as rho grows.
        let ran = grid.rhos.filter { rho in grid[.nSAM, rho].allSatisfy(\.finished) }
        var steps: [String] = [], reversed = false
        for (a, b) in zip(ran, ran.dropFirst()) {
            let step = grid.logRatio(grid[.nSAM, b], grid[.nSAM, a])
            if step.sign < 0 { reversed = true }
            steps.append("ρ \(fmt(a)) → \(fmt(b)): ×\(step.text(Foundation.exp))")
        }
        let overall = ran.count >= 2 ? grid.logRatio(grid[.nSAM, ran.last!], grid[.nSAM, ran[0]]) : Interval([])
        // Fails when a larger rho is significantly better (a step, or the whole range, below 1); holds when the whole
        // range is significantly worse and no step reverses it; otherwise the seeds cannot decide.
        let trend: Claim.Verdict = ran.count < 2 ? .inconclusive : reversed || overall.sign < 0 ? .fails : overall.sign > 0 ? .holds : .inconclusive
        claims.append(.literature(id, "n-SAM's test loss grows with ρ",
                                  predicted: "paired test-loss ratio of the largest ρ over the smallest above 1 (95% interval), no step between consecutive ρ significantly below 1",
                                  measured: steps.joined(separator: "; ") + "; ρ \(fmt(ran.last ?? 0)) over ρ \(fmt(ran.first ?? 0)): ×\(overall.text(Foundation.exp))"
                                      + (ran.count < grid.rhos.count ? "; left out (a run diverged): \(grid.rhos.filter { !ran.contains($0) }.map(fmt).joined(separator: ", "))" : ""),
                                  trend))

        // 3. and 4. 1-SAM at its best rho: lower test loss, sparser beta.
        let oneStatus = grid.rhos.map { rho in "ρ = \(fmt(rho)): " + (statusText(grid[.oneSAM, rho]).isEmpty ? "all fitted" : statusText(grid[.oneSAM, rho])) }
            .joined(separator: "; ")
        guard let rho = best else {
            let text = "no ρ at which every 1-SAM run fitted (\(oneStatus))"
            claims.append(.literature(id, "1-SAM reaches a lower test loss than GD and n-SAM at some ρ", predicted: "a ρ with 1-SAM / GD and 1-SAM / n-SAM below 1",
                                      measured: text, .fails))
            claims.append(.literature(id, "1-SAM's β is sparser than GD's and n-SAM's at that ρ", predicted: "lower ‖β‖₁, support recovered", measured: text, .fails))
            return claims
        }
        let one = grid[.oneSAM, rho], n = grid[.nSAM, rho]
        let vsGD = grid.logRatio(one, gd), vsN = grid.logRatio(one, n)
        let lossVerdict: Claim.Verdict = vsGD.sign < 0 && vsN.sign < 0 ? .holds : vsGD.sign > 0 || vsN.sign > 0 ? .fails : .inconclusive
        let oneLoss = Interval(one.compactMap(\.testLoss).map(Foundation.log)).text(Foundation.exp)
        claims.append(.literature(id, "1-SAM reaches a lower test loss than both GD and n-SAM, at its best ρ",
                                  predicted: "1-SAM / GD and 1-SAM / n-SAM (same ρ) test loss below 1 (paired 95% intervals)",
                                  measured: "best ρ = \(fmt(rho)) (lowest mean among the ρ where every run fitted): 1-SAM test loss \(oneLoss), GD \(gdLoss); 1-SAM / GD ×\(vsGD.text(Foundation.exp)), 1-SAM / n-SAM ×\(vsN.text(Foundation.exp)); 1-SAM statuses: \(oneStatus)",
                                  lossVerdict))
        let l1GD = Interval(grid.paired(one, gd, \.l1)), l1N = Interval(grid.paired(one, n, \.l1))
        let offGD = Interval(grid.paired(one, gd, \.offSupport)), offN = Interval(grid.paired(one, n, \.offSupport))
        let recovered = { (cell: [Outcome]) in cell.filter { $0.recovered == true }.count }
        let signs = [l1GD.sign, l1N.sign, offGD.sign, offN.sign]
        let recoveryOK = recovered(one) >= recovered(gd) && recovered(one) >= recovered(n)
        let sparseVerdict: Claim.Verdict = signs.allSatisfy { $0 < 0 } && recoveryOK ? .holds : signs.contains(1) || !recoveryOK ? .fails : .inconclusive
        let l1 = { (cell: [Outcome]) in Interval(cell.compactMap(\.l1)).text() }
        claims.append(.literature(id, "At that ρ, 1-SAM's β is sparser than GD's and n-SAM's: smaller ‖β‖₁, less mass off the support, the support recovered as often",
                                  predicted: "paired differences of ‖β‖₁ and of Σ_{j>3} |β_j| below 0 (95% intervals); support recovered in at least as many seeds",
                                  measured: "ρ = \(fmt(rho)): ‖β‖₁ GD \(l1(gd)), n-SAM \(l1(n)), 1-SAM \(l1(one)) (‖θ*‖₁ \(thetaL1.text())); 1-SAM − GD \(l1GD.text()), 1-SAM − n-SAM \(l1N.text()); off-support mass 1-SAM − GD \(offGD.text()), 1-SAM − n-SAM \(offN.text()); support recovered GD \(recovered(gd))/\(gd.count), n-SAM \(recovered(n))/\(n.count), 1-SAM \(recovered(one))/\(one.count)",
                                  sparseVerdict))
        return claims
    }

    // MARK: - Tables

    static func field(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }

    /// runs.csv: one row per run; the numbers are empty for a diverged run.
    static func runsCSV(_ grid: Grid) -> String {
        var csv = "seed,method,rho,status,fitted,train_loss,test_loss,l1,off_support,support_recovered\n"
        let cells = [grid[.gd, 0]] + [Method.nSAM, .oneSAM].flatMap { m in grid.rhos.map { grid[m, $0] } }
        for cell in cells {
            for o in cell {
                csv += "\(o.seed),\(o.method.rawValue),\(o.rho),\(o.status.rawValue),\(o.fitted),\(field(o.trainLoss)),\(field(o.testLoss)),"
                    + "\(field(o.l1)),\(field(o.offSupport)),\(o.recovered.map { "\($0)" } ?? "")\n"
            }
        }
        return csv
    }

    /// summary.csv: per method and rho, the statuses and the seeds' geometric mean test loss, its ratio to GD's with
    /// the 95% interval, and the means of ||beta||_1 and the off-support mass.
    static func summaryCSV(_ grid: Grid) -> String {
        var csv = "method,rho,runs,diverged,not_fitted,test_loss_geomean,ratio_to_gd,ratio_low,ratio_high,l1_mean,l1_low,l1_high,off_support_mean,off_support_low,off_support_high,support_recovered\n"
        let gd = grid[.gd, 0]
        for (method, rho) in [(Method.gd, 0.0)] + [Method.nSAM, .oneSAM].flatMap({ m in grid.rhos.map { (m, $0) } }) {
            let cell = grid[method, rho]
            let loss = Interval(cell.compactMap(\.testLoss).map(Foundation.log)), ratio = grid.logRatio(cell, gd)
            let l1 = Interval(cell.compactMap(\.l1)), off = Interval(cell.compactMap(\.offSupport))
            let finite = { (x: Double?) in x.flatMap { $0.isFinite ? $0 : nil } }
            csv += "\(method.rawValue),\(rho),\(cell.count),\(cell.filter { !$0.finished }.count),\(cell.filter { $0.finished && !$0.fitted }.count),"
            csv += "\(field(finite(exp(loss.mean)))),\(field(finite(exp(ratio.mean)))),\(field(ratio.low.map(exp))),\(field(ratio.high.map(exp))),"
            csv += "\(field(finite(l1.mean))),\(field(l1.low)),\(field(l1.high)),\(field(finite(off.mean))),\(field(off.low)),\(field(off.high)),"
            csv += "\(cell.filter { $0.recovered == true }.count)\n"
        }
        return csv
    }

    // MARK: - Figures

    /// Error bars at `x` from `intervals` (separated by NaN so that they are not joined).
    static func bars(_ x: [Double], _ intervals: [Interval], transform: (Double) -> Double, colorIndex: Int) -> LineSeries {
        var xs: [Double] = [], ys: [Double] = []
        for (xi, i) in zip(x, intervals) {
            guard let low = i.low, let high = i.high else { continue }
            xs += [xi, xi, .nan]
            ys += [transform(low), transform(high), .nan]
        }
        return LineSeries(x: xs, y: ys, style: SeriesStyle(colorIndex: colorIndex, dash: .solid, width: 1.2, opacity: 0.7))
    }

    static func comparisonFigure(_ grid: Grid, gd: [Outcome]) -> Figure {
        let methods: [(Method, Int)] = [(.nSAM, 1), (.oneSAM, 2)]
        var loss = Panel(title: "test loss", x: .log("ρ"), y: .log("test loss (1,000 fresh points)"))
        var ratio = Panel(title: "test loss over GD's (same seed)", x: .log("ρ"), y: .log("test loss / GD test loss"))
        var sparsity = Panel(title: "‖β‖₁ (solid) and off-support mass (dotted)", x: .log("ρ"), y: .log("‖β‖₁,  Σ_{j>3} |β_j|"))
        let gdLoss = exp(Interval(gd.compactMap(\.testLoss).map(Foundation.log)).mean)
        loss.add(ReferenceLine.horizontal(gdLoss, label: "GD", colorIndex: 0))
        ratio.add(ReferenceLine.horizontal(1, label: "GD", colorIndex: 0))
        sparsity.add(ReferenceLine.horizontal(Interval(gd.compactMap(\.l1)).mean, label: "GD ‖β‖₁", colorIndex: 0))
        sparsity.add(ReferenceLine.horizontal(Interval(gd.compactMap(\.offSupport)).mean, label: "GD off-support", colorIndex: 0))
        for (method, k) in methods {
            let cells = grid.rhos.map { grid[method, $0] }
            var px: [Double] = [], py: [Double] = []
            for (rho, cell) in zip(grid.rhos, cells) {
                for o in cell { if let t = o.testLoss, t > 0 { px.append(rho); py.append(t) } }
            }
            loss.add(ScatterSeries(x: px, y: py, colorIndex: k, size: 4, opacity: 0.35))
            // Means and intervals only where every seed ran to a number; the statuses are written beside the points.
            let shown = zip(grid.rhos, cells).filter { $0.1.allSatisfy(\.finished) }
            let line = LineSeries(x: shown.map(\.0), y: shown.map { exp(Interval($0.1.compactMap(\.testLoss).map(Foundation.log)).mean) },
                                  label: method.label, style: SeriesStyle(colorIndex: k, dash: .solid, markers: true))
            loss.add(line)
            var notes = 0
            for (rho, cell) in zip(grid.rhos, cells) {
                let status = statusText(cell)
                guard !status.isEmpty else { continue }
                notes += 1
                let losses = cell.compactMap(\.testLoss).filter { $0 > 0 }
                let y = losses.isEmpty ? gdLoss : exp(Interval(losses.map(Foundation.log)).mean)
                loss.add(TextAnnotation("\(method.label): \(status)", x: rho, y: y, dx: -6, dy: 16 * Double(notes), anchor: .end, fontSize: 9,
                                        colorIndex: k))
            }
            let paired = shown.map { (rho: $0.0, ratio: grid.logRatio($0.1, gd)) }.filter { !$0.ratio.mean.isNaN }
            ratio.add(LineSeries(x: paired.map(\.rho), y: paired.map { exp($0.ratio.mean) }, label: method.label,
                                 style: SeriesStyle(colorIndex: k, dash: .solid, markers: true)))
            ratio.add(bars(paired.map(\.rho), paired.map(\.ratio), transform: exp, colorIndex: k))
            let l1 = shown.map { Interval($0.1.compactMap(\.l1)) }, off = shown.map { Interval($0.1.compactMap(\.offSupport)) }
            let keep = { (i: Interval) in i.mean > 0 }
            let l1Shown = zip(shown.map(\.0), l1).filter { keep($0.1) }, offShown = zip(shown.map(\.0), off).filter { keep($0.1) }
            sparsity.add(LineSeries(x: l1Shown.map(\.0), y: l1Shown.map(\.1.mean), label: "\(method.label) ‖β‖₁",
                                    style: SeriesStyle(colorIndex: k, dash: .solid, markers: true)))
            sparsity.add(LineSeries(x: offShown.map(\.0), y: offShown.map(\.1.mean), label: "\(method.label) off-support",
                                    style: SeriesStyle(colorIndex: k, dash: .dotted, markers: true)))
            // On a log axis, an interval reaching 0 or below is cut at a tenth of its mean.
            let clip = { (i: Interval) in Interval.clipped(i, floor: i.mean / 10) }
            sparsity.add(bars(l1Shown.map(\.0), l1Shown.map { clip($0.1) }, transform: { $0 }, colorIndex: k))
            sparsity.add(bars(offShown.map(\.0), offShown.map { clip($0.1) }, transform: { $0 }, colorIndex: k))
        }
        return Figure(title: "Sparse regression (n = 20, d = 30, 3-sparse θ*): GD, n-SAM and 1-SAM", width: 1260, height: 430, columns: 3,
                      panels: [loss, ratio, sparsity], sharedLegend: .bottom)
    }

    static func betaFigure(_ theta: [Double], _ runs: [Outcome], rho: Double, seed: UInt64) -> Figure {
        let j = (1...dimension).map(Double.init)
        var panel = Panel(title: "seed \(seed): |β_j| at the end (ρ = \(fmt(rho)))", x: Axis("coordinate j", ticks: [1] + stride(from: 5, through: dimension, by: 5).map(Double.init)), y: .log("|β_j|"))
        panel.add(ScatterSeries(x: Array(j.prefix(sparsity)), y: Array(theta.prefix(sparsity)), label: "θ*", colorIndex: 5, marker: .diamond, size: 9))
        for (k, run) in runs.enumerated() {
            guard let beta = run.beta else { continue }
            let points = zip(j, beta.map(abs)).filter { $0.1 > 0 }
            panel.add(LineSeries(x: points.map(\.0), y: points.map(\.1), label: run.method.label, style: .palette(k, markers: true)))
        }
        return Figure(panel, width: 760, height: 400)
    }
}

extension OneSAMSparsity.Interval {
    /// `i` with its lower end raised to `floor` where it falls below it (for drawing on a log axis).
    static func clipped(_ i: Self, floor: Double) -> Self {
        var c = i
        if let low = c.low, low < floor { c.low = floor }
        return c
    }
}
