import Foundation
import SAMCore
import SAMFlow
import SAMPlot

/// The convex quadratic of issue 15's first two items (THEORY.md §9.1, §9.2): depth 1 (β = w) with the squared loss
/// on a regression set whose H = XᵀX/n has known, distinct eigenvalues, so that
/// L(w) = ‖Xw − y‖²/(2n) = ½ (w − w*)ᵀ H (w − w*) + const and ∇L(w) = H(w − w*).
///
/// The design is built from its spectrum rather than solved for it: X = √n U diag(√λ) Qᵀ with U (n × d, orthonormal
/// columns) and Q (d × d, orthogonal) from Gram–Schmidt on SplitMix64 Gaussian matrices, so that H = Q diag(λ) Qᵀ and
/// the eigenpairs are (λᵢ, Q's i-th column) to rounding, with no eigensolver. The labels are y = X w₀ + σ ξ with
/// w₀ = 1 and ξ ~ N(0, I) from the same generator, and w* = Q diag(1/λ) Qᵀ Xᵀy/n is the least-squares solution.
struct QuadraticProblem: Sendable {
    /// The number of examples n.
    static let count = 40
    /// The eigenvalues λ₁ > … > λ_d of H (d = 5): distinct, λ₁ = 2, condition number 4.
    static let eigenvalues: [Double] = [2, 1.4, 1, 0.7, 0.5]
    /// The label noise σ.
    static let noise = 0.1
    /// The seed of the SplitMix64 draws (U, then Q, then ξ).
    static let seed: UInt64 = 15

    /// The rows x_n of X.
    let points: [[Double]]
    /// The labels y_n.
    let labels: [Double]
    /// The eigenvectors v_i of H, as rows (v₁ first, for λ₁).
    let eigenvectors: [[Double]]
    /// The least-squares solution w* = H⁻¹ Xᵀy/n.
    let minimizer: [Double]

    /// The problem of `count`, `eigenvalues`, `noise` and `seed` (the only one the items use).
    static let standard = QuadraticProblem()

    /// Builds the design, the labels and w* from `seed` (see the type's documentation).
    init() {
        let n = Self.count, lambda = Self.eigenvalues, d = lambda.count
        var rng = SplitMix64(seed: Self.seed)
        let u = Self.orthonormalColumns((0..<n).map { _ in (0..<d).map { _ in rng.nextNormal() } })
        let q = Self.orthonormalColumns((0..<d).map { _ in (0..<d).map { _ in rng.nextNormal() } })
        let vectors = (0..<d).map { i in (0..<d).map { q[$0][i] } }
        // x_n = √n Σ_i u_ni √λ_i v_i.
        let x = (0..<n).map { row in (0..<d).map { j in (0..<d).reduce(0) { $0 + u[row][$1] * lambda[$1].squareRoot() * vectors[$1][j] } * Double(n).squareRoot() } }
        let y = x.map { row in row.reduce(0, +) + Self.noise * rng.nextNormal() }
        let b = (0..<d).map { j in zip(x, y).reduce(0) { $0 + $1.0[j] * $1.1 } / Double(n) }
        // w* = Σ_i <v_i, b>/λ_i v_i.
        let coefficients = (0..<d).map { Self.dot(vectors[$0], b) / lambda[$0] }
        minimizer = (0..<d).map { j in (0..<d).reduce(0) { $0 + coefficients[$1] * vectors[$1][j] } }
        (points, labels, eigenvectors) = (x, y, vectors)
    }

    /// The dimension d.
    var dimension: Int { Self.eigenvalues.count }
    /// The top eigenvalue λ₁.
    var topEigenvalue: Double { Self.eigenvalues[0] }
    /// The top eigenvector v₁.
    var topEigenvector: [Double] { eigenvectors[0] }

    /// The dataset (real labels).
    func dataset() throws -> Dataset { try Dataset(points: points, labels: labels, origin: .field("quadratic"), labelKind: .real) }

    /// The spec's data: the examples embedded (what a summary would repeat the run from).
    var source: DataSource { .csv(path: "quadratic (in memory)", embedded: EmbeddedData(points: points, labels: labels)) }

    /// A discrete run of `rule` on the squared loss, depth `depth` (product model), from the balanced init `alpha`.
    func spec(rule: String, rho: Double, lr: Double, steps: Int, depth: Int = 1, alpha: Double = 0,
              record: RecordingSchedule, sharpness: Bool = false) -> RunSpec {
        RunSpec(data: source, model: ModelSpec(depth: depth, alpha: [alpha]), loss: SquaredLoss.name, rule: RuleSpec(name: rule, rho: rho),
                dynamics: .discrete(DiscreteSettings(learningRate: lr, steps: steps)), record: record, sharpness: sharpness)
    }

    /// Runs `spec` on this problem's dataset.
    func run(_ spec: RunSpec) throws -> RunResult { try spec.run(on: try dataset(), recordsBeta: true) }

    /// The 2-cycle amplitude of ℓ₂-SAM, c = ηλ₁ρ/(2 − ηλ₁) (THEORY.md §9.1; needs ηλ₁ < 2).
    func cycleAmplitude(lr: Double, rho: Double) -> Double { lr * topEigenvalue * rho / (2 - lr * topEigenvalue) }

    /// USAM's divergence threshold in ρ at step size η, ρ* = (2/(ηλ₁) − 1)/λ₁ (THEORY.md §9.2).
    func usamThreshold(lr: Double) -> Double { (2 / (lr * topEigenvalue) - 1) / topEigenvalue }

    /// The spectral radius of USAM's iteration matrix I − ηH − ηρH², max_i |1 − ηλ_i(1 + ρλ_i)|.
    func usamSpectralRadius(lr: Double, rho: Double) -> Double {
        Self.eigenvalues.map { abs(1 - lr * $0 * (1 + rho * $0)) }.max()!
    }
}

extension QuadraticProblem {
    /// Gram–Schmidt (modified, twice for accuracy) on the columns of `a` (rows × columns, rows ≥ columns): a matrix of
    /// the same shape with orthonormal columns spanning the same space.
    static func orthonormalColumns(_ a: [[Double]]) -> [[Double]] {
        let rows = a.count, cols = a[0].count
        var columns = (0..<cols).map { j in (0..<rows).map { a[$0][j] } }
        for j in 0..<cols {
            for _ in 0..<2 {
                for k in 0..<j {
                    let p = Self.dot(columns[k], columns[j])
                    for i in 0..<rows { columns[j][i] -= p * columns[k][i] }
                }
            }
            let size = norm(columns[j])
            columns[j] = columns[j].map { $0 / size }
        }
        return (0..<rows).map { i in (0..<cols).map { columns[$0][i] } }
    }

    /// ⟨a, b⟩.
    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// a − b, elementwise.
    static func minus(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }

    /// ‖a − b‖₂ without overflow: scaled by the largest |a_i − b_i| first, so that it stays finite for entries past
    /// 10¹⁵⁴ (where the sum of squares, and the library's row norm, overflow while the weights are still finite).
    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        let e = minus(a, b), scale = e.map(abs).max() ?? 0
        guard scale > 0, scale.isFinite else { return scale }
        return scale * norm(e.map { $0 / scale })
    }

    /// ‖P⊥(w − w*)‖: the norm of w − w* without its component along the unit vector `v1`.
    static func otherNorm(_ w: [Double], minimizer: [Double], v1: [Double]) -> Double {
        let e = minus(w, minimizer), along = dot(e, v1)
        return norm(e.indices.map { e[$0] - along * v1[$0] })
    }
}

/// Bartlett, Long & Bousquet (JMLR 2023): on a convex quadratic, ℓ₂-SAM with ηλ₁ < 2 ends in a 2-cycle w* ± c v₁ along
/// the top eigenvector, c = ηλ₁ρ/(2 − ηλ₁), the other components decaying (THEORY.md §9.1).
enum QuadraticTwoCycle {
    /// The (η, ρ) settings, with ηλ₁ = 0.5, 1, 1, 1.5, 1.8.
    static let settings: [(lr: Double, rho: Double)] = [(0.25, 0.1), (0.5, 0.1), (0.5, 0.3), (0.75, 0.05), (0.9, 0.02)]
    /// A step size beyond the cycle's range, ηλ₁ = 2.2.
    static let unstableLR = 1.1
    /// Relative error of the amplitude, 1 − |cos| of the alignment and the decay of the other components below which
    /// the claims hold (the convergence to the cycle is geometric, so after the item's steps every one of them is at
    /// rounding level when the closed form is right; a wrong formula is off by O(1)).
    static let tolerance = 1e-6

    /// Steps of each run: 1000, 400 with --quick.
    static func steps(_ quick: Bool) -> Int { quick ? 400 : 1000 }

    /// The catalog item: five ℓ₂-SAM runs, their cycles measured against c, and one run past ηλ₁ = 2.
    static let item = ReproductionItem(
        id: "quadratic-two-cycle", title: "ℓ₂-SAM bounces across the ravine: the 2-cycle along the top eigenvector",
        caption: "Bartlett, Long & Bousquet (JMLR 2023). A convex quadratic: depth 1 (β = w), squared loss, n = 40 examples in d = 5 built from their spectrum, X = √n U diag(√λ) Qᵀ with U, Q orthonormalized SplitMix64 Gaussian matrices (seed 15), so that H = XᵀX/n has the distinct eigenvalues λ = (2, 1.4, 1, 0.7, 0.5) and known eigenvectors; labels y = X·1 + 0.1 ξ; w* the least-squares solution. ℓ₂-SAM from w = 0 at five (η, ρ) with ηλ₁ = 0.5, 1, 1, 1.5, 1.8, 1000 steps (400 with --quick). Left: the component ⟨w_k − w*, v₁⟩ (markers every step) against ±c, c = ηλ₁ρ/(2 − ηλ₁) (dashed), for three settings. Middle: the norm of the other components ‖P⊥(w_k − w*)‖ over the first 300 steps, which decays geometrically to rounding. Right: the measured amplitude, half of |⟨w_K − w_(K−1), v₁⟩|, against c. The source's exact setting is not used (its statement is for any quadratic); the sizes keep the item under a second. At ηλ₁ = 2.2 (η = 1.1, ρ = 0.1) there is no cycle: the run diverges.",
        source: "Peter L. Bartlett, Philip M. Long, Olivier Bousquet, The dynamics of sharpness-aware minimization: bouncing across ravines and drifting towards wide minima, JMLR 24 (2023)"
    ) { quick in
        let problem = QuadraticProblem.standard, steps = steps(quick)
        let v1 = problem.topEigenvector, wStar = problem.minimizer
        var output = ItemOutput()
        output.parameters = ["n = \(QuadraticProblem.count), d = \(problem.dimension), λ = \(QuadraticProblem.eigenvalues.map(fmt).joined(separator: ", ")), σ = \(QuadraticProblem.noise), seed \(QuadraticProblem.seed)",
                             "w* = (\(wStar.map(fmt).joined(separator: ", "))), ⟨w*, v₁⟩ = \(fmt(QuadraticProblem.dot(wStar, v1)))",
                             "ℓ₂-SAM from w = 0, \(steps) steps", "(η, ρ) = \(settings.map { "(\(fmt($0.lr)), \(fmt($0.rho)))" }.joined(separator: ", "))",
                             "unstable: η = \(fmt(unstableLR)), ρ = 0.1, 5000 steps"]
        var trajectoryCSV = "eta,rho,step,v1_component,other_norm,distance\n"
        var summaryCSV = "eta,rho,eta_lambda1,c_predicted,amplitude,relative_error,alignment_abs_cos,other_decay,midpoint_offset,status\n"
        var componentPanel = Panel(title: "⟨w_k − w*, v₁⟩ and ±c", x: Axis("step k"), y: Axis("⟨w_k − w*, v₁⟩"), legend: .lowerRight)
        var otherPanel = Panel(title: "the other components decay", x: Axis("step k"), y: .log("‖P⊥(w_k − w*)‖"), legend: .upperRight)
        var amplitudePanel = Panel(title: "measured amplitude against c", x: .log("c = ηλ₁ρ/(2 − ηλ₁)"), y: .log("measured amplitude"), legend: .upperLeft)
        var errors: [String] = [], alignments: [String] = [], decays: [String] = []
        var worstError = 0.0, worstAlignment = 0.0, worstDecay = 0.0
        var predicted: [Double] = [], measured: [Double] = []
        for (k, setting) in settings.enumerated() {
            let run = try problem.run(problem.spec(rule: L2SAM.name, rho: setting.rho, lr: setting.lr, steps: steps, record: .every(1)))
            let ws = run.rows.map { $0.beta! }
            let c = problem.cycleAmplitude(lr: setting.lr, rho: setting.rho)
            let m = measureCycle(ws, minimizer: wStar, v1: v1)
            let label = "η = \(fmt(setting.lr)), ρ = \(fmt(setting.rho))"
            for (row, w) in zip(run.rows, ws) {
                let e = QuadraticProblem.minus(w, wStar)
                trajectoryCSV += "\(setting.lr),\(setting.rho),\(row.step),\(QuadraticProblem.dot(e, v1)),\(QuadraticProblem.otherNorm(w, minimizer: wStar, v1: v1)),\(norm(e))\n"
            }
            let relative = abs(m.amplitude - c) / c
            summaryCSV += "\(setting.lr),\(setting.rho),\(setting.lr * problem.topEigenvalue),\(c),\(m.amplitude),\(relative),\(m.alignment),\(m.otherDecay),\(m.midpointOffset),\(run.status.rawValue)\n"
            worstError = max(worstError, run.status == .completed ? relative : .infinity)
            worstAlignment = max(worstAlignment, 1 - m.alignment)
            worstDecay = max(worstDecay, m.otherDecay)
            errors.append("\(label): c = \(fmt(c)), measured \(fmt(m.amplitude)) (rel. error \(fmt(relative)))")
            alignments.append("\(label): |cos| = \(String(format: "%.15f", m.alignment)), sin = ‖P⊥e‖/‖e‖ = \(fmt(m.sine))")
            decays.append("\(label): \(fmt(m.otherDecay)) (midpoint off w* by \(fmt(m.midpointOffset)))")
            predicted.append(c)
            measured.append(m.amplitude)
            let shown = min(ws.count, 40)
            if [0, 2, 4].contains(k) {
                let along = ws.prefix(shown).map { QuadraticProblem.dot(QuadraticProblem.minus($0, wStar), v1) }
                componentPanel.add(LineSeries(x: (0..<shown).map(Double.init), y: along, label: label, style: .palette(k, markers: true)))
                componentPanel.add(ReferenceLine.horizontal(c, colorIndex: k))
                componentPanel.add(ReferenceLine.horizontal(-c, colorIndex: k))
            }
            let others = ws.map { QuadraticProblem.otherNorm($0, minimizer: wStar, v1: v1) }
            let kept = others.prefix(300).enumerated().filter { $0.element > 0 }
            otherPanel.add(LineSeries(x: kept.map { Double($0.offset) }, y: kept.map(\.element), label: label, style: .palette(k)))
        }
        amplitudePanel.add(ReferenceLine.throughOrigin(dx: 1, dy: 1, label: "measured = c", colorIndex: 7))
        amplitudePanel.add(ScatterSeries(x: predicted, y: measured, label: "ℓ₂-SAM, five (η, ρ)", colorIndex: 0))

        output.claims.append(.literature("quadratic-two-cycle", "ℓ₂-SAM with ηλ₁ < 2 ends in a 2-cycle of amplitude c = ηλ₁ρ/(2 − ηλ₁) around w*",
                                         predicted: "half of |⟨w_K − w_(K−1), v₁⟩| = c, relative error < \(fmt(tolerance)) after \(steps) steps",
                                         measured: errors.joined(separator: "; "), worstError < tolerance ? .holds : .fails))
        output.claims.append(.literature("quadratic-two-cycle", "The cycle is along the top eigenvector v₁ of H",
                                         predicted: "|cos(w_K − w*, v₁)| > 1 − \(fmt(tolerance))",
                                         measured: alignments.joined(separator: "; "), worstAlignment < tolerance ? .holds : .fails))
        output.claims.append(.literature("quadratic-two-cycle", "The components along the other eigenvectors decay (and the cycle is centred at w*)",
                                         predicted: "‖P⊥(w_K − w*)‖ / ‖P⊥(w₀ − w*)‖ < \(fmt(tolerance)); per-step factor 1 − ηλᵢ − (2 − ηλ₁)λᵢ²/λ₁² in (−1, 1)",
                                         measured: decays.joined(separator: "; "), worstDecay < tolerance ? .holds : .fails))
        // Beyond the cycle's range: |1 − ηλ₁| > 1 along v₁, and the normalized kick only adds to |⟨w − w*, v₁⟩|.
        let unstableSteps = 5000
        let unstable = try problem.run(problem.spec(rule: L2SAM.name, rho: 0.1, lr: unstableLR, steps: unstableSteps, record: .log(50)))
        summaryCSV += "\(unstableLR),0.1,\(unstableLR * problem.topEigenvalue),,,,,,,\(unstable.status.rawValue)\n"
        output.claims.append(Claim(item: "quadratic-two-cycle", statement: "At ηλ₁ > 2 there is no cycle: ℓ₂-SAM diverges along v₁",
                                   prediction: "|⟨w_(k+1) − w*, v₁⟩| = (ηλ₁ − 1)|⟨w_k − w*, v₁⟩| + ηρλ₁ once P⊥ is small: status diverged (η = \(fmt(unstableLR)), ρ = 0.1, \(unstableSteps) steps)",
                                   measurement: "status \(unstable.status.rawValue)\(unstable.eventClock.map { " at step \(Int($0))" } ?? "")",
                                   verdict: unstable.status == .diverged ? .holds : .fails, kind: .extrapolation))
        output.figures.append(("two-cycle", Figure(title: "ℓ₂-SAM on a convex quadratic (λ₁ = 2): the 2-cycle w* ± c v₁", width: 1200, height: 420,
                                                   columns: 3, panels: [componentPanel, otherPanel, amplitudePanel])))
        output.tables.append(("trajectories", trajectoryCSV))
        output.tables.append(("cycles", summaryCSV))
        output.tables.append(("problem", "x1,x2,x3,x4,x5,y\n" + zip(problem.points, problem.labels).map { ($0.0 + [$0.1]).map { "\($0)" }.joined(separator: ",") + "\n" }.joined()))
        return output
    }

    /// What the last two iterates of `ws` say about the cycle: the amplitude ½|⟨w_K − w_(K−1), v₁⟩|, |cos| of the angle
    /// between w_K − w* and v₁ and its sine ‖P⊥(w_K − w*)‖/‖w_K − w*‖, ‖P⊥(w_K − w*)‖/‖P⊥(w₀ − w*)‖, and ‖(w_K + w_(K−1))/2 − w*‖ (0 for a cycle centred at w*).
    static func measureCycle(_ ws: [[Double]], minimizer: [Double], v1: [Double])
        -> (amplitude: Double, alignment: Double, sine: Double, otherDecay: Double, midpointOffset: Double) {
        let last = ws[ws.count - 1], previous = ws[ws.count - 2]
        func other(_ w: [Double]) -> Double { QuadraticProblem.otherNorm(w, minimizer: minimizer, v1: v1) }
        let e = QuadraticProblem.minus(last, minimizer)
        let midpoint = zip(last, previous).map { ($0 + $1) / 2 }
        return (abs(QuadraticProblem.dot(QuadraticProblem.minus(last, previous), v1)) / 2, abs(QuadraticProblem.dot(e, v1)) / norm(e), other(last) / norm(e),
                other(last) / other(ws[0]), norm(QuadraticProblem.minus(midpoint, minimizer)))
    }
}
