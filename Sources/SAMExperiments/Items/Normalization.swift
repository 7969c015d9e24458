import Foundation
import SAMCore
import SAMFlow
import SAMPlot

/// Dai, Ahn & Sra (NeurIPS 2023): on a convex quadratic, unnormalized SAM, w ← w* + (I − ηH − ηρH²)(w − w*), diverges
/// exactly when ηλ₁(1 + ρλ₁) > 2, while ℓ₂-SAM stays bounded (its 2-cycle, THEORY.md §9.1); and the same contrast on a
/// depth-2 diagonal network with the squared loss, whose threshold is measured (THEORY.md §9.2).
enum Normalization {
    /// The step size on the quadratic: ηλ₁ = 1, so ρ* = 0.5.
    static let lr = 0.5
    /// Bisection stops when the bracket's width is below this fraction of its upper end (the claim asks for 1e-6).
    static let bisectionWidth = 1e-7
    /// The relative error the threshold claim allows.
    static let tolerance = 1e-6
    /// Steps N of a bisection run on the quadratic (400, 100 with --quick); the run records 0, N/4, N/2, 3N/4, N.
    static func bisectionSteps(_ quick: Bool) -> Int { quick ? 100 : 400 }
    /// A run whose distance to w* ends below this fraction of its start converged (to rounding), whatever its last ratio.
    static let convergedFraction = 1e-8
    /// The depth-2 network: step size, balanced init and number of steps (quick, full).
    static let deepLR = 0.1, deepAlpha = 0.5
    /// Steps of a depth-2 run: 3000, 200 with --quick.
    static func deepSteps(_ quick: Bool) -> Int { quick ? 200 : 3000 }
    /// The depth-2 bisection stops at this relative width, 10⁻⁴ (5·10⁻² with --quick; its decisions are by status, see
    /// THEORY.md §9.2).
    static func deepWidth(_ quick: Bool) -> Double { quick ? 5e-2 : 1e-4 }

    /// The catalog item: the quadratic's threshold, statuses and ℓ₂-SAM's cycles, then the depth-2 network.
    static let item = ReproductionItem(
        id: "normalization", title: "Normalization keeps SAM bounded: unnormalized SAM diverges past ηλ₁(1 + ρλ₁) = 2",
        caption: "Dai, Ahn & Sra (NeurIPS 2023). The quadratic of quadratic-two-cycle (depth 1, squared loss, n = 40, d = 5, λ = (2, 1.4, 1, 0.7, 0.5), SplitMix64 seed 15), η = 0.5 (ηλ₁ = 1), from w = 0. Left: the per-step growth factor of ‖w_k − w*‖ over steps 40–60 of unnormalized SAM (USAM), against the spectral radius max_i |1 − ηλᵢ(1 + ρλᵢ)| of its iteration matrix (line), and of ℓ₂-SAM, on a grid of ρ/ρ*, ρ* = (2/(ηλ₁) − 1)/λ₁ = 0.5 (dotted). The threshold is found by bisection on 400-step runs (100 with --quick): a run diverges when its status is diverged or ‖w_N − w*‖ > ‖w_(3N/4) − w*‖ (THEORY.md §9.2 explains why this decides correctly to well below 10⁻⁶); long runs at ρ*(1 ± 10⁻²) (± 0.8 with --quick) show the library's statuses. Middle: ‖w_k − w*‖ of both rules at ρ*(1 ± 10⁻²). Right: a depth-2 diagonal network (β = u ⊙ v, u = v = 0.5 at the start, same data, η = 0.1, 3000 steps, 200 with --quick): the final mse of the completed runs against ρ for both rules, with each rule's first divergence along ρ (bisection on the run's status between the last grid point before its first diverged run and that run, to 10⁻⁴ relative, 5·10⁻² with --quick; diverged runs are crosses along the bottom) and the linearized prediction (2/(ηΛ) − 1)/Λ from Λ = λ_max of the Hessian at GD's minimum (Lanczos). At full size the contrast does not carry over: past the linearized threshold USAM stays bounded but leaves the minimum (coordinates of β fall to 0), and ℓ₂-SAM diverges too, at some ρ below USAM's threshold already (its status changes several times along ρ; THEORY.md §9.2). The source's exact setting is not used: its statement holds for any quadratic.",
        source: "Yan Dai, Kwangjun Ahn, Suvrit Sra, The crucial role of normalization in sharpness-aware minimization, NeurIPS 2023"
    ) { quick in
        let problem = QuadraticProblem.standard
        var output = ItemOutput()
        let rhoStar = problem.usamThreshold(lr: lr)
        output.parameters = ["quadratic: n = \(QuadraticProblem.count), d = \(problem.dimension), λ = \(QuadraticProblem.eigenvalues.map(fmt).joined(separator: ", ")), seed \(QuadraticProblem.seed), from w = 0",
                             "η = \(fmt(lr)), ρ* = \(fmt(rhoStar))", "bisection: \(bisectionSteps(quick))-step runs, bracket width < \(fmt(bisectionWidth)) relative",
                             "depth 2: η = \(fmt(deepLR)), α = \(fmt(deepAlpha)), \(deepSteps(quick)) steps, bisection width \(fmt(deepWidth(quick))) relative"]
        var panels: [Panel] = []
        try quadratic(problem, &output, &panels, quick: quick)
        try deep(problem, &output, &panels, quick: quick)
        output.figures.append(("normalization", Figure(title: "USAM against ℓ₂-SAM across USAM's divergence threshold", width: 1320, height: 420,
                                                       columns: 3, panels: panels)))
        return output
    }

    // MARK: The quadratic

    /// Whether USAM at `rho` diverges on the quadratic (THEORY.md §9.2): status diverged, or (status completed) the
    /// distance to w* grows over the last quarter of its `steps` without having converged to rounding first.
    static func usamDiverges(_ problem: QuadraticProblem, rho: Double, steps: Int = bisectionSteps(false)) throws -> (diverges: Bool, byStatus: Bool) {
        let run = try problem.run(problem.spec(rule: UnnormalizedSAM.name, rho: rho, lr: lr, steps: steps, record: .every(Double(steps / 4))))
        if run.status == .diverged { return (true, true) }
        let distances = run.rows.map { QuadraticProblem.distance($0.beta!, problem.minimizer) }
        let last = distances[distances.count - 1], before = distances[distances.count - 2]
        return (last > before && last > convergedFraction * distances[0], false)
    }

    /// Bisection for the smallest ρ at which `diverges` answers true, from a bracket [lo, hi] whose ends decide as
    /// expected, to relative width `width`; nil when the ends do not bracket. Returns the midpoint, the final bracket
    /// and the number of runs.
    static func bisect(lo: Double, hi: Double, width: Double, _ diverges: (Double) throws -> Bool) throws
        -> (threshold: Double, lo: Double, hi: Double, runs: Int)? {
        guard try !diverges(lo), try diverges(hi) else { return nil }
        var (a, b, runs) = (lo, hi, 2)
        while (b - a) > width * b {
            let m = (a + b) / 2
            if try diverges(m) { b = m } else { a = m }
            runs += 1
        }
        return ((a + b) / 2, a, b, runs)
    }

    /// The quadratic part: USAM's threshold by bisection against ρ*, the statuses either side, ℓ₂-SAM's cycles on both
    /// sides, and the growth-factor and distance panels.
    static func quadratic(_ problem: QuadraticProblem, _ output: inout ItemOutput, _ panels: inout [Panel], quick: Bool) throws {
        let rhoStar = problem.usamThreshold(lr: lr)
        // The threshold by bisection on runs.
        var byStatus = 0
        guard let found = try bisect(lo: 0, hi: 4 * rhoStar, width: bisectionWidth, { rho in
            let decision = try usamDiverges(problem, rho: rho, steps: bisectionSteps(quick))
            if decision.byStatus { byStatus += 1 }
            return decision.diverges
        }) else {
            output.claims.append(.literature("normalization", "USAM's divergence threshold in ρ at η = \(fmt(lr)) is ρ* = (2/(ηλ₁) − 1)/λ₁",
                                             predicted: "ρ* = \(fmt(rhoStar))", measured: "the bracket [0, 4ρ*] did not bracket a threshold", .inconclusive))
            return
        }
        let error = abs(found.threshold - rhoStar) / rhoStar
        output.claims.append(.literature("normalization", "USAM's divergence threshold in ρ at η = \(fmt(lr)) is ρ* = (2/(ηλ₁) − 1)/λ₁, where ηλ₁(1 + ρλ₁) = 2",
                                         predicted: "ρ* = \(String(format: "%.10f", rhoStar)) (λ₁ = \(fmt(problem.topEigenvalue))), relative error < \(fmt(tolerance))",
                                         measured: "bisection over \(found.runs) runs of \(bisectionSteps(quick)) steps (\(byStatus) decided by status diverged, the others by growth): [\(String(format: "%.10f", found.lo)), \(String(format: "%.10f", found.hi))], midpoint \(String(format: "%.10f", found.threshold)), relative error \(fmt(error))",
                                         error < tolerance ? .holds : .fails))
        // The library's statuses on either side, with runs long enough for the overflow.
        let offset = quick ? 0.8 : 1e-2
        let longSteps = Int((log(Double.greatestFiniteMagnitude) / (offset * (2 - lr * problem.topEigenvalue))).rounded(.up)) * 3 / 2
        let above = try problem.run(problem.spec(rule: UnnormalizedSAM.name, rho: rhoStar * (1 + offset), lr: lr, steps: longSteps, record: .log(20)))
        let below = try problem.run(problem.spec(rule: UnnormalizedSAM.name, rho: rhoStar * (1 - offset), lr: lr, steps: longSteps, record: .log(20)))
        let belowDistance = QuadraticProblem.distance(below.beta, problem.minimizer)
        output.claims.append(.literature("normalization", "The run's status: USAM diverges just above ρ* and converges just below it",
                                         predicted: "ρ*(1 + \(fmt(offset))): diverged within \(longSteps) steps (growth factor \(fmt(problem.usamSpectralRadius(lr: lr, rho: rhoStar * (1 + offset)))) per step); ρ*(1 − \(fmt(offset))): completed, ‖w − w*‖ → 0",
                                         measured: "above: \(above.status.rawValue)\(above.eventClock.map { " at step \(Int($0))" } ?? ""); below: \(below.status.rawValue), ‖w − w*‖ = \(fmt(belowDistance))",
                                         above.status == .diverged && below.status == .completed && belowDistance < 1e-6 ? .holds : .fails))

        // l2-SAM on both sides: it ends on its 2-cycle, ‖w_K − w*‖ = c(ρ).
        let samSteps = quick ? 400 : 1000
        var samCSV = "rho_over_rho_star,rho,status,max_norm,final_distance,c_predicted,relative_error\n"
        var samTexts: [String] = [], samHolds = true
        for factor in [0.5, 1 - offset, 1 + offset, 2, 4] {
            let rho = rhoStar * factor
            let run = try problem.run(problem.spec(rule: L2SAM.name, rho: rho, lr: lr, steps: samSteps, record: quick ? .log(40) : .every(1)))
            let maxNorm = run.rows.map(\.norm).max()!, distance = QuadraticProblem.distance(run.beta, problem.minimizer)
            let c = problem.cycleAmplitude(lr: lr, rho: rho), relative = abs(distance - c) / c
            samCSV += "\(factor),\(rho),\(run.status.rawValue),\(maxNorm),\(distance),\(c),\(relative)\n"
            samTexts.append("ρ/ρ* = \(fmt(factor)): \(run.status.rawValue), max ‖w‖ = \(fmt(maxNorm)), ‖w_K − w*‖ = \(fmt(distance)) (c = \(fmt(c)))")
            samHolds = samHolds && run.status == .completed && relative < tolerance
        }
        output.claims.append(.literature("normalization", "ℓ₂-SAM stays bounded on both sides of USAM's threshold: it ends on its 2-cycle",
                                         predicted: "status completed and ‖w_K − w*‖ = c = ηλ₁ρ/(2 − ηλ₁) (relative error < \(fmt(tolerance))) at ρ/ρ* = 0.5, 1 ∓ \(fmt(offset)), 2, 4; \(samSteps) steps",
                                         measured: samTexts.joined(separator: "; "), samHolds ? .holds : .fails))
        output.tables.append(("sam-bounded", samCSV))

        // Left panel: growth factors over a grid of rho / rho*.
        let grid = (0..<(quick ? 12 : 31)).map { 0.2 * pow(15, Double($0) / Double(quick ? 11 : 30)) }
        var growthCSV = "rho_over_rho_star,rho,usam_factor,usam_spectral_radius,sam_factor\n"
        var usamPoints: [(Double, Double)] = [], samPoints: [(Double, Double)] = []
        func factor(_ rule: String, _ rho: Double) throws -> Double {
            let run = try problem.run(problem.spec(rule: rule, rho: rho, lr: lr, steps: 60, record: .every(20)))
            guard run.status == .completed else { return .nan }
            let d = run.rows.map { QuadraticProblem.distance($0.beta!, problem.minimizer) }
            return pow(d[d.count - 1] / d[d.count - 2], 1.0 / 20)
        }
        for r in grid {
            let u = try factor(UnnormalizedSAM.name, r * rhoStar), s = try factor(L2SAM.name, r * rhoStar)
            growthCSV += "\(r),\(r * rhoStar),\(u),\(problem.usamSpectralRadius(lr: lr, rho: r * rhoStar)),\(s)\n"
            if u.isFinite && u > 0 { usamPoints.append((r, u)) }
            if s.isFinite && s > 0 { samPoints.append((r, s)) }
        }
        let fine = (0...200).map { 0.2 * pow(15, Double($0) / 200) }
        var growth = Panel(title: "growth factor per step of ‖w_k − w*‖", x: .log("ρ/ρ*"), y: .log("per-step factor"), legend: .upperLeft)
        growth.add(LineSeries(x: fine, y: fine.map { problem.usamSpectralRadius(lr: lr, rho: $0 * rhoStar) }, label: "max |1 − ηλᵢ(1 + ρλᵢ)|", style: .palette(7)))
        growth.add(ScatterSeries(x: usamPoints.map(\.0), y: usamPoints.map(\.1), label: CatalogRuns.displayName(UnnormalizedSAM.name), colorIndex: 0))
        growth.add(ScatterSeries(x: samPoints.map(\.0), y: samPoints.map(\.1), label: CatalogRuns.displayName(L2SAM.name), colorIndex: 1))
        growth.add(ReferenceLine.vertical(1, label: "ρ*", colorIndex: 5))
        growth.add(ReferenceLine.horizontal(1, colorIndex: 7))
        panels.append(growth)
        output.tables.append(("growth", growthCSV))

        // Middle panel: distances to w* on either side.
        var distances = Panel(title: "‖w_k − w*‖ at ρ = ρ*(1 ∓ \(fmt(offset)))", x: Axis("step k"), y: .log("‖w_k − w*‖"), legend: .lowerLeft)
        var distanceCSV = "rule,rho_over_rho_star,step,distance\n"
        for (rule, factor) in [(UnnormalizedSAM.name, 1 + offset), (UnnormalizedSAM.name, 1 - offset), (L2SAM.name, 1 + offset), (L2SAM.name, 1 - offset)] {
            let run = try problem.run(problem.spec(rule: rule, rho: rhoStar * factor, lr: lr, steps: bisectionSteps(quick), record: .every(1)))
            let d = run.rows.map { QuadraticProblem.distance($0.beta!, problem.minimizer) }
            for (row, x) in zip(run.rows, d) { distanceCSV += "\(rule),\(factor),\(row.step),\(x)\n" }
            let sign = factor > 1 ? "+" : "−"
            distances.add(LineSeries(x: run.rows.map(\.clock), y: d, label: "\(CatalogRuns.displayName(rule)), ρ*(1 \(sign) \(fmt(offset)))",
                                     style: SeriesStyle(colorIndex: rule == L2SAM.name ? 1 : 0, dash: factor > 1 ? .solid : .dashed)))
        }
        panels.append(distances)
        output.tables.append(("distances", distanceCSV))
    }

    // MARK: The depth-2 diagonal network

    /// The depth-2 part: both rules' divergence thresholds in ρ by bisection on the run's status, the linearized
    /// prediction at GD's minimum, and the final mse of the completed runs over a grid of ρ.
    static func deep(_ problem: QuadraticProblem, _ output: inout ItemOutput, _ panels: inout [Panel], quick: Bool) throws {
        let steps = deepSteps(quick)
        func run(_ rule: String, _ rho: Double, sharpness: Bool = false) throws -> RunResult {
            try problem.run(problem.spec(rule: rule, rho: rho, lr: deepLR, steps: steps, depth: 2, alpha: deepAlpha, record: .every(Double(steps)), sharpness: sharpness))
        }
        // The local prediction: USAM linearized at GD's minimum, with Lambda = lambda_max of the Hessian there.
        let gd = try run(GradientDescent.name, 0, sharpness: true)
        let lambda = gd.rows.last?.sharpness?.lambdaMax ?? .nan
        let local = (2 / (deepLR * lambda) - 1) / lambda
        let gdMSE = gd.final.mse ?? .nan
        // The grid's extent: USAM's threshold from a bracket by doubling rho from the local prediction until the run
        // diverges, then bisection (USAM's status changes once along rho, as the grid below confirms).
        func doublingThreshold(_ rule: String) throws -> (threshold: Double, lo: Double, hi: Double, runs: Int)? {
            var (lo, hi, tries) = (0.0, max(local.isFinite ? local : 1, 0.01), 0)
            while try run(rule, hi).status != .diverged && tries < 8 { (lo, hi, tries) = (hi, 2 * hi, tries + 1) }
            return try bisect(lo: lo, hi: hi, width: deepWidth(quick)) { try run(rule, $0).status == .diverged }
        }
        let extent = try doublingThreshold(UnnormalizedSAM.name)
        var csv = "rule,rho,status,final_mse,final_norm\n"
        var panel = Panel(title: "depth-2 diagonal network, η = \(fmt(deepLR))", x: Axis("ρ"), y: .log("final mse (×: a diverged run)"), legend: .outside)
        let top = (extent?.threshold ?? max(local.isFinite ? local : 1, 0.01)) * 1.6
        let grid = (1...(quick ? 3 : 40)).map { top * Double($0) / Double(quick ? 3 : 40) }
        var gridTexts: [String] = [], thresholds: [(threshold: Double, lo: Double, hi: Double, runs: Int)?] = []
        var divergedMarks: [(rho: [Double], rule: Int)] = [], completedMSE: [Double] = []
        for (k, rule) in [UnnormalizedSAM.name, L2SAM.name].enumerated() {
            var xs: [Double] = [], ys: [Double] = [], diverged: [Bool] = []
            for rho in grid {
                let r = try run(rule, rho)
                let completed = r.status == .completed
                diverged.append(r.status == .diverged)
                csv += "\(rule),\(rho),\(r.status.rawValue),\(completed ? "\(r.final.mse ?? .nan)" : ""),\(completed ? "\(r.final.norm)" : "")\n"
                // A run that did not complete breaks the line (NaN), so that no segment joins across it.
                xs.append(rho)
                ys.append(completed ? (r.final.mse ?? .nan) : .nan)
                if completed, let mse = r.final.mse, mse > 0, mse.isFinite { completedMSE.append(mse) }
            }
            panel.add(LineSeries(x: xs, y: ys, label: CatalogRuns.displayName(rule), style: .palette(k, markers: true)))
            divergedMarks.append((zip(grid, diverged).filter(\.1).map(\.0), k))
            // The threshold is the first divergence along rho: bisection between the grid point before the first
            // diverged one and it (a status that changes again further on is reported, not hidden); past the grid,
            // the doubling bracket.
            let changes = zip(diverged, diverged.dropFirst()).filter { $0 != $1 }.count
            if let first = diverged.firstIndex(of: true) {
                thresholds.append(try bisect(lo: first == 0 ? 0 : grid[first - 1], hi: grid[first], width: deepWidth(quick)) {
                    try run(rule, $0).status == .diverged
                })
            } else {
                thresholds.append(try doublingThreshold(rule))
            }
            gridTexts.append("\(CatalogRuns.displayName(rule)) first diverges at ρ = \(diverged.firstIndex(of: true).map { fmt(grid[$0]) } ?? "none") with \(changes) change(s) of status")
        }
        let usam = thresholds[0], sam = thresholds[1]
        // Diverged runs: crosses along the bottom of the panel, in each rule's colour (the y axis's label says so), one row per rule (ℓ₂-SAM's
        // below USAM's) so that neither hides the other.
        let markHeight = (completedMSE.min() ?? 1) / 1.6
        for (rhos, k) in divergedMarks where !rhos.isEmpty {
            panel.add(ScatterSeries(x: rhos, y: Array(repeating: markHeight / (k == 0 ? 1 : 1.5), count: rhos.count),
                                    colorIndex: k, marker: .cross, size: 7))
        }
        if let usam { panel.add(ReferenceLine.vertical(usam.threshold, label: "USAM diverges", colorIndex: 0)) }
        if let sam { panel.add(ReferenceLine.vertical(sam.threshold, label: "ℓ₂-SAM first diverges", colorIndex: 1)) }
        if local.isFinite && local > 0 { panel.add(ReferenceLine.vertical(local, label: "(2/(ηΛ) − 1)/Λ", colorIndex: 6)) }
        panels.append(panel)
        output.tables.append(("depth2", csv))
        func text(_ t: (threshold: Double, lo: Double, hi: Double, runs: Int)?) -> String {
            t.map { "[\(String(format: "%.6g", $0.lo)), \(String(format: "%.6g", $0.hi))] (\($0.runs) runs)" } ?? "none up to the bracket's end"
        }
        // The contrast holds when l2-SAM is still bounded at 1.5 times USAM's threshold.
        var verdict = Claim.Verdict.inconclusive, beyond = ""
        if let usam {
            let r = try run(L2SAM.name, 1.5 * usam.threshold)
            beyond = "; ℓ₂-SAM at 1.5× USAM's threshold: \(r.status.rawValue)"
            verdict = r.status == .completed ? .holds : .fails
        }
        output.claims.append(.literature("normalization", "The same contrast on a depth-2 diagonal network (squared loss): USAM diverges past a threshold in ρ, ℓ₂-SAM stays bounded beyond it",
                                         predicted: "a finite USAM threshold (measured by status over \(steps) steps, no closed form); ℓ₂-SAM completes at 1.5× it",
                                         measured: "USAM diverges from ρ ∈ \(text(usam)), ℓ₂-SAM from ρ ∈ \(text(sam)); USAM linearized at GD's minimum (Λ = \(fmt(lambda)), mse \(fmt(gdMSE))) predicts \(fmt(local))\(beyond); on the grid of \(grid.count) ρ up to \(fmt(top)): " + gridTexts.joined(separator: "; "),
                                         verdict))
    }
}
