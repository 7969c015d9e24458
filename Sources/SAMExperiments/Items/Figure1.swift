import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Fig 1: discrete GD, l_inf-SAM and l2-SAM trajectories of beta in R^2 from identical inits on D_mu, mu = (1, 2),
/// eta = 0.3, rho = 1. The inits are chosen so that l_inf-SAM ends at 0, at e_1 and at e_2 (Thm 3.2, Cor 3.5).
enum Figure1 {
    static let mu = [1.0, 2.0], eta = 0.3, rho = 1.0
    static let inits: [[Double]] = [[0.5, 0.5], [1.5, 0.5], [0.5, 1.5], [1.2, 0.9], [1.5, 1.5]]

    static let item = ReproductionItem(
        id: "fig1", title: "Fig 1: GD, l_inf-SAM and l2-SAM trajectories on D_mu",
        caption: "beta(k) in the plane under discrete GD, l_inf-SAM and l2-SAM from the same inits; mu = (1, 2), eta = 0.3, rho = 1. Circles mark the starts."
    ) { quick in
        let steps = quick ? 30 : 60
        var output = ItemOutput()
        output.parameters = ["mu = (1, 2)", "eta = 0.3", "rho = 1", "steps = \(steps)", "inits alpha = \(inits.map { "(\($0[0]), \($0[1]))" }.joined(separator: ", "))"]
        var panels: [Panel] = []
        var csv = "optimizer,alpha_1,alpha_2,step,beta_1,beta_2\n"
        for optimizer in [GradientDescent.name, LInfSAM.name, L2SAM.name] {
            var panel = Panel(title: CatalogRuns.displayName(optimizer), x: Axis("β₁"), y: Axis("β₂"), equalAspect: true)
            var gdLeadersAllMajor = true
            for (k, alpha) in inits.enumerated() {
                let c = CatalogRuns.discrete(.singleExample(mu: mu), alpha: alpha, rule: optimizer, rho: rho, lr: eta, steps: steps,
                                             record: .every(1))
                let state = try CatalogRuns.run(c)
                let betas = state.rows.map { $0.beta! }
                for (row, beta) in zip(state.rows, betas) { csv += "\(optimizer),\(alpha[0]),\(alpha[1]),\(row.step),\(beta[0]),\(beta[1])\n" }
                panel.add(Trajectory2D(x: betas.map { $0[0] }, y: betas.map { $0[1] }, label: "α = (\(alpha[0]), \(alpha[1]))",
                                       style: .palette(k), arrowEvery: max(1, steps / 6)))
                let final = betas.last!
                switch optimizer {
                case GradientDescent.name:
                    gdLeadersAllMajor = gdLeadersAllMajor && state.leaders.map(\.coordinate) == [2]
                case LInfSAM.name:
                    let predicted = LInfTheory.limitCoordinate(mu: mu, alpha: alpha, rho: rho, depth: 2)
                    let measured: Int
                    if state.status == .collapsed || final.allSatisfy({ abs($0) < 1e-9 }) { measured = 0 } else {
                        measured = final[0] * final[0] > final[1] * final[1] ? 1 : 2
                    }
                    // Thm 3.2: coordinates with alpha_j < rho end at 0 (in the discrete run, within the step size).
                    let vanishing = (0..<2).filter { alpha[$0] < rho }
                    let vanished = vanishing.allSatisfy { abs(final[$0]) <= eta * rho }
                    output.claims.append(.check("fig1", "Cor 3.5 / Thm 3.2: l_inf-SAM from α = (\(alpha[0]), \(alpha[1])) ends at \(predicted == 0 ? "0" : "e_\(predicted)")",
                                                predicted: predicted == 0 ? "0" : "e_\(predicted)",
                                                measured: measured == 0 ? "0 (\(state.status.rawValue))" : "e_\(measured), β = (\(fmt(final[0])), \(fmt(final[1])))",
                                                measured == predicted && vanished))
                default:
                    break
                }
            }
            if optimizer == GradientDescent.name {
                output.claims.append(.check("fig1", "GD on D_mu: the major coordinate grows fastest at every step, from every init",
                                            predicted: "leader 2 throughout", measured: gdLeadersAllMajor ? "leader 2 throughout" : "another leader appears",
                                            gdLeadersAllMajor))
            }
            panels.append(panel)
        }
        output.figures.append(("trajectories", Figure(title: "Trajectories of β, μ = (1, 2), η = 0.3, ρ = 1", width: 960, height: 360,
                                                      columns: 3, panels: panels, sharedLegend: .bottom)))
        output.tables.append(("trajectories", csv))
        return output
    }
}

func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
