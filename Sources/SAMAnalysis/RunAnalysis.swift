import Foundation
import SAMCore

/// Simulated against predicted, one row per claim that applies to a run (THEORY.md §3).
public struct AnalysisRow: Codable, Sendable {
    /// What is compared, in words (for instance "amplification order (coordinates in order of first lead)").
    public var quantity: String
    /// What the run shows.
    public var simulated: String
    /// What the theory predicts.
    public var predicted: String
    /// `agrees`, `disagrees`, or `not decided` (the run is too short to tell, or the claim is about a limit).
    public var verdict: String
}

/// `samlab analyze`: a finished run against the theory's predictions (THEORY.md §3, §4), one `AnalysisRow` per claim that applies.
public enum RunAnalysis {
    /// Leader periods from consecutive recorded betas (relative growth of |beta_j| between rows; 0 when none grows).
    /// With every step recorded this reproduces the run's own leader list.
    public static func leaders(from betas: [[Double]], clock: [Double]) -> [(coordinate: Int, start: Double)] {
        var periods: [(coordinate: Int, start: Double)] = []
        for k in 0..<max(0, betas.count - 1) {
            var best = 0, bestRate = 0.0
            for j in 0..<betas[k].count {
                let b0 = betas[k][j], b1 = betas[k + 1][j]
                let growth = abs(b1) - abs(b0)
                guard growth > 0 else { continue }
                let rate = b0 == 0 ? Double.infinity : growth / abs(b0)
                if rate > bestRate { bestRate = rate; best = j + 1 }
            }
            if periods.last?.coordinate != best { periods.append((best, clock[k])) }
        }
        return periods
    }

    /// Relative growth rates of |beta_j| over each interval between recorded rows, at the interval midpoints.
    static func growthRates(_ betas: [[Double]], _ clock: [Double]) -> [(time: Double, rates: [Double])] {
        (0..<max(0, betas.count - 1)).map { k in
            let dt = clock[k + 1] - clock[k]
            let rates = (0..<betas[k].count).map { j -> Double in
                let b0 = abs(betas[k][j]), b1 = abs(betas[k + 1][j])
                return b0 > 0 && b1 > 0 ? Foundation.log(b1 / b0) / dt : (b1 > b0 ? .infinity : -.infinity)
            }
            return (0.5 * (clock[k] + clock[k + 1]), rates)
        }
    }

    /// Leader switches located by linear interpolation of the rate difference between the old and the new leader
    /// across the two interval midpoints that straddle the change.
    public static func interpolatedSwitches(_ betas: [[Double]], _ clock: [Double]) -> [(coordinate: Int, time: Double)] {
        let rates = growthRates(betas, clock)
        func leader(_ r: [Double]) -> Int {
            guard let j = r.indices.max(by: { r[$0] < r[$1] }), r[j] > 0 else { return 0 }
            return j + 1
        }
        var switches: [(coordinate: Int, time: Double)] = []
        for k in 0..<max(0, rates.count - 1) {
            let a = leader(rates[k].rates), b = leader(rates[k + 1].rates)
            guard a != b else { continue }
            var time = 0.5 * (rates[k].time + rates[k + 1].time)
            if a > 0, b > 0 {
                let d0 = rates[k].rates[a - 1] - rates[k].rates[b - 1], d1 = rates[k + 1].rates[a - 1] - rates[k + 1].rates[b - 1]
                if d0.isFinite, d1.isFinite, d0 > 0, d1 < 0 {
                    time = rates[k].time + (rates[k + 1].time - rates[k].time) * d0 / (d0 - d1)
                }
            }
            switches.append((b, time))
        }
        return switches
    }

    /// Cosine between a run's betas and a reference direction, row by row (nil where beta = 0).
    public static func cosines(_ betas: [[Double]], to reference: [Double]) -> [Double?] {
        let r = reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return betas.map { b in
            let n = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard n > 0, r > 0 else { return nil }
            return zip(b, reference).reduce(0) { $0 + $1.0 * $1.1 } / (n * r)
        }
    }

    /// The measures over a trajectory as CSV: clock, normalized margin, and the cosine to each reference direction.
    public static func measuresCSV(_ run: RunResult, references: [(name: String, direction: [Double])]) -> String {
        let betas = recordedBetas(run)
        let columns = references.map { cosines(betas, to: $0.direction) }
        var out = ([run.clock.rawValue, "normalized_margin"] + references.map { "cos_\($0.name)" })
            .joined(separator: ",") + "\n"
        for (k, row) in run.rows.enumerated() {
            let normalized: Double? = row.norm > 0 ? row.margin / row.norm : nil
            var fields = [run.clock.text(row.clock), normalized.map { "\($0)" } ?? ""]
            fields += columns.map { k < $0.count ? ($0[k].map { "\($0)" } ?? "") : "" }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func argmaxAbs(_ v: [Double]) -> Int {
        (v.indices.max { abs(v[$0]) < abs(v[$1]) } ?? -1) + 1
    }

    static func format(_ x: Double) -> String { String(format: "%.6g", x) }

    /// The betas of the recorded rows (empty when the run did not record beta).
    public static func recordedBetas(_ run: RunResult) -> [[Double]] {
        let betas = run.rows.compactMap(\.beta)
        return betas.count == run.rows.count ? betas : []
    }

    /// The rows of analysis that apply to a run, in memory or read from its folder (`RunFolder.read`).
    public static func analyze(_ run: RunResult) throws -> [AnalysisRow] {
        var rows: [AnalysisRow] = []
        let m = run.spec
        let listed = run.leaders.map(\.coordinate)
        let betas = recordedBetas(run), clock = run.rows.map(\.clock)
        let gd = m.rule.name == GradientDescent.name, product = m.model.name == ProductNetwork.name
        if betas.count >= 2 {
            let recomputed = leaders(from: betas, clock: clock).map(\.coordinate)
            let everyStep = run.clock == .step && zip(clock, clock.dropFirst()).allSatisfy { $1 - $0 == 1 }
            rows.append(AnalysisRow(quantity: "leader sequence (from trajectory rows vs the run's list)",
                                    simulated: recomputed.map(String.init).joined(separator: " -> "),
                                    predicted: listed.map(String.init).joined(separator: " -> "),
                                    verdict: recomputed == listed ? "agrees" : (everyStep ? "disagrees" : "not decided (coarse grid)")))
            let interpolated = interpolatedSwitches(betas, clock)
            if !interpolated.isEmpty {
                rows.append(AnalysisRow(quantity: "leader switches (interpolated from the trajectory vs the run's exact list)",
                                        simulated: interpolated.map { "\($0.coordinate)@\(format($0.time))" }.joined(separator: " "),
                                        predicted: run.leaders.dropFirst().map { "\($0.coordinate)@\(format($0.start))" }.joined(separator: " "),
                                        verdict: interpolated.map(\.coordinate) == run.leaders.dropFirst().map(\.coordinate) ? "agrees" : "not decided (coarse grid)"))
            }
            var order: [Int] = []
            for c in listed where c > 0 && !order.contains(c) { order.append(c) }
            rows.append(AnalysisRow(quantity: "amplification order (coordinates in order of first lead)",
                                    simulated: order.map(String.init).joined(separator: ", "),
                                    predicted: "-", verdict: "reported"))
        }
        // Limit directions of the max-margin kind (Thm 3.1 at L = 1: the l2 one; GD on deep diagonal networks: the l1
        // one for small init), when the data are separable.
        // A regression loss has no margins, so none of this applies; GD on a dense deep linear network turns to the l2
        // direction (Ji & Telgarsky, ICLR 2019).
        let dense = m.model.name == DenseNetwork.name
        let margins = (try? Registry.standard.loss(named: m.loss))?.isMarginLoss ?? true
        if margins, let dataset = try? m.data.load(), let direction = run.direction {
            for (norm, applies, claim) in [(MarginNorm.l2, m.model.depth == 1 && !dense, "Thm 3.1: l2 max-margin direction (L = 1)"),
                                           (.l2, dense && gd, "GD on a dense deep linear network: l2 max-margin direction (Ji & Telgarsky 2019)"),
                                           (.l1, m.model.depth >= 2 && gd && !dense, "GD, L >= 2: l1 max-margin direction (small-init limit)")] where applies {
                guard let reference = try? MaxMargin.solve(points: dataset.points, labels: dataset.labels, norm: norm) else { continue }
                let cosine = cosines([direction], to: reference.direction)[0] ?? .nan
                let trend = cosines(betas, to: reference.direction).compactMap { $0 }
                let rising = trend.count >= 2 && trend.last! >= trend.first!
                rows.append(AnalysisRow(quantity: claim, simulated: "cosine \(format(cosine))\(trend.count >= 2 ? (rising ? ", rising" : ", not rising") : "")",
                                        predicted: "cosine -> 1", verdict: cosine > 1 - 1e-6 ? "agrees" : (rising ? "not decided (approaching)" : "disagrees")))
            }
        }
        // GD at depth L >= 2: how close the final direction is to a KKT point of the l_(2/L) max-margin problem.
        if gd, m.model.depth >= 2, product, let direction = run.direction,
           let dataset = try? m.data.load(),
           let report = try? Stationarity.check(direction: direction, points: dataset.points, labels: dataset.labels, depth: m.model.depth) {
            rows.append(AnalysisRow(quantity: "l_(2/\(m.model.depth)) max-margin stationarity (KKT residual at the final direction)",
                                    simulated: format(report.residual), predicted: "-> 0 in the limit",
                                    verdict: report.residual < 1e-6 ? "agrees" : "not decided (finite run)"))
        }
        guard case .singleExample(let mu) = m.data, m.model.layerInit == nil, product else { return rows }
        let alpha = m.model.alpha.count == 1 ? Array(repeating: m.model.alpha[0], count: mu.count) : m.model.alpha
        let finalArgmax = run.direction.map(argmaxAbs) ?? 0
        let rho = m.rule.rho, depth = m.model.depth
        switch (m.rule.name, depth) {
        case (GradientDescent.name, 2...):
            rows.append(AnalysisRow(quantity: "limit direction (GD on D_mu: e_d, the l1 max-margin direction)",
                                    simulated: "largest |direction_j| at j = \(finalArgmax)",
                                    predicted: "j = \(argmaxAbs(mu))", verdict: finalArgmax == argmaxAbs(mu) ? "agrees" : "disagrees"))
        case (LInfSAM.name, 2...):
            let first = betas.first, last = betas.last
            for j in 0..<mu.count {
                let fate = LInfTheory.fate(mu: mu[j], alpha: alpha[j], rho: rho, depth: depth)
                var simulated = "not recorded"
                var verdict = "not decided"
                if let first, let last {
                    let grew = abs(last[j]) > abs(first[j])
                    simulated = grew ? "grew (\(first[j]) -> \(last[j]))" : "shrank (\(first[j]) -> \(last[j]))"
                    switch fate {
                    case .grows: verdict = grew ? "agrees" : "disagrees"
                    case .vanishes: verdict = grew ? "disagrees" : "agrees"
                    case .approachesRho: verdict = "not decided"
                    case .constant: verdict = abs(last[j] - first[j]) <= 1e-9 * abs(first[j]) ? "agrees" : "disagrees"
                    }
                }
                rows.append(AnalysisRow(quantity: "Thm 3.2 fate of coordinate \(j + 1) (alpha = \(alpha[j]), rho = \(rho))",
                                        simulated: simulated, predicted: "\(fate)", verdict: verdict))
            }
            let limit = LInfTheory.limitCoordinate(mu: mu, alpha: alpha, rho: rho, depth: depth)
            rows.append(AnalysisRow(quantity: "Cor 3.5 limit direction", simulated: run.direction == nil ? "beta = 0" : "largest |direction_j| at j = \(finalArgmax)",
                                    predicted: limit == 0 ? "0" : "e_\(limit)",
                                    verdict: (limit == 0 ? run.direction == nil || run.status == .collapsed : finalArgmax == limit) ? "agrees" : "not decided (finite run)"))
        case (L2SAM.name, 2) where m.model.alpha.count == 1:
            let theory = L2Theory(mu: mu, rho: rho)
            let alphaC = try theory.criticalAlpha(tolerance: 1e-6)
            let regime = theory.regime(alpha: m.model.alpha[0], alphaC: alphaC)
            let observed = run.regime
            rows.append(AnalysisRow(quantity: "l2-SAM regime (alpha_c = \(alphaC), alpha* = \(theory.alphaStar))",
                                    simulated: observed.rawValue, predicted: regime.rawValue,
                                    verdict: observed == regime ? "agrees" : (run.clock == .step ? "disagrees (discrete run)" : "disagrees")))
            if let firstLeader = listed.first {
                let predicted = theory.initialLeader(alpha: m.model.alpha[0])
                rows.append(AnalysisRow(quantity: "leader at the start", simulated: "\(firstLeader)", predicted: "\(predicted)",
                                        verdict: firstLeader == predicted ? "agrees" : "disagrees"))
            }
        default:
            break
        }
        return rows
    }
}
