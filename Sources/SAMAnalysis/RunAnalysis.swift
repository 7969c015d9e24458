import Foundation
import SAMCore

/// Simulated against predicted, one row per claim that applies to a run (PAPER.md).
public struct AnalysisRow: Codable, Sendable {
    public var quantity: String
    public var simulated: String
    public var predicted: String
    /// `agrees`, `disagrees`, or `not decided` (the run is too short to tell, or the claim is about a limit).
    public var verdict: String
}

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

    static func argmaxAbs(_ v: [Double]) -> Int {
        (v.indices.max { abs(v[$0]) < abs(v[$1]) } ?? -1) + 1
    }

    public static func analyze(_ run: RecordedRun) throws -> [AnalysisRow] {
        var rows: [AnalysisRow] = []
        let m = run.model
        let listed = run.leaders.map(\.coordinate)
        if run.betas.count >= 2 {
            let recomputed = leaders(from: run.betas, clock: run.clock).map(\.coordinate)
            let everyStep = run.kind == .train && zip(run.clock, run.clock.dropFirst()).allSatisfy { $1 - $0 == 1 }
            rows.append(AnalysisRow(quantity: "leader sequence (from trajectory rows vs the run's list)",
                                    simulated: recomputed.map(String.init).joined(separator: " -> "),
                                    predicted: listed.map(String.init).joined(separator: " -> "),
                                    verdict: recomputed == listed ? "agrees" : (everyStep ? "disagrees" : "not decided (coarse grid)")))
        }
        guard case .singleExample(let mu) = m.data, m.layerInit == nil, m.parametrization == .product else { return rows }
        let alpha = m.alpha.count == 1 ? Array(repeating: m.alpha[0], count: mu.count) : m.alpha
        let finalArgmax = run.direction.map(argmaxAbs) ?? 0
        switch (m.optimizer, m.depth) {
        case (.gd, 2...):
            rows.append(AnalysisRow(quantity: "limit direction (GD on D_mu: e_d, the l1 max-margin direction)",
                                    simulated: "largest |direction_j| at j = \(finalArgmax)",
                                    predicted: "j = \(argmaxAbs(mu))", verdict: finalArgmax == argmaxAbs(mu) ? "agrees" : "disagrees"))
        case (.linfSAM, 2...):
            let first = run.betas.first, last = run.betas.last
            for j in 0..<mu.count {
                let fate = LInfTheory.fate(mu: mu[j], alpha: alpha[j], rho: m.rho, depth: m.depth)
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
                rows.append(AnalysisRow(quantity: "Thm 3.2 fate of coordinate \(j + 1) (alpha = \(alpha[j]), rho = \(m.rho))",
                                        simulated: simulated, predicted: "\(fate)", verdict: verdict))
            }
            let limit = LInfTheory.limitCoordinate(mu: mu, alpha: alpha, rho: m.rho, depth: m.depth)
            rows.append(AnalysisRow(quantity: "Cor 3.5 limit direction", simulated: run.direction == nil ? "beta = 0" : "largest |direction_j| at j = \(finalArgmax)",
                                    predicted: limit == 0 ? "0" : "e_\(limit)",
                                    verdict: (limit == 0 ? run.direction == nil || run.status == "collapsed" : finalArgmax == limit) ? "agrees" : "not decided (finite run)"))
        case (.l2SAM, 2) where m.alpha.count == 1:
            let theory = L2Theory(mu: mu, rho: m.rho)
            let alphaC = try theory.criticalAlpha(tolerance: 1e-6)
            let regime = theory.regime(alpha: m.alpha[0], alphaC: alphaC)
            let observed: String
            if run.status == "collapsed" { observed = "collapse" } else if listed.count > 1 && listed.first != argmaxAbs(mu) {
                observed = "minor-first"
            } else { observed = listed == [argmaxAbs(mu)] ? "major-first" : "undecided" }
            rows.append(AnalysisRow(quantity: "l2-SAM regime (alpha_c = \(alphaC), alpha* = \(theory.alphaStar))",
                                    simulated: observed, predicted: regime.rawValue,
                                    verdict: observed == regime.rawValue ? "agrees" : (run.kind == .train ? "disagrees (discrete run)" : "disagrees")))
            if let firstLeader = listed.first {
                let predicted = theory.initialLeader(alpha: m.alpha[0])
                rows.append(AnalysisRow(quantity: "leader at the start", simulated: "\(firstLeader)", predicted: "\(predicted)",
                                        verdict: firstLeader == predicted ? "agrees" : "disagrees"))
            }
        default:
            break
        }
        return rows
    }
}
