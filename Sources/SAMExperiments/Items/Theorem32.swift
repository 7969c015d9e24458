import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Thm 3.2 / Cor 3.5 at L = 2 and L = 3: the predicted and the simulated fate of every coordinate over a grid of
/// inits, for the rescaled l_inf-SAM flow on D_mu, mu = (1, 2), rho = 1.
enum Theorem32 {
    static let mu = [1.0, 2.0], rho = 1.0

    static let item = ReproductionItem(
        id: "thm32", title: "Thm 3.2 / Cor 3.5: l_inf-SAM fates over a grid of inits",
        caption: "Limit direction of the rescaled ℓ∞-SAM flow on D_μ, μ = (1, 2), ρ = 1, over a grid of inits (α₁, α₂): 0 = β → 0, j = e_j. Left: predicted by Cor 3.5; right: simulated. Top row L = 2, bottom row L = 3."
    ) { quick in
        let grid = quick ? [0.5, 0.9, 1.3, 1.7] : [0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.9]
        var output = ItemOutput()
        output.parameters = ["μ = (1, 2)", "ρ = 1", "rescaled flow", "α grid \(grid)", "L ∈ {2, 3}"]
        var panels: [Panel] = []
        var csv = "depth,alpha_1,alpha_2,predicted,simulated,status\n"
        for depth in [2, 3] {
            var predicted = [[Double]](), simulated = [[Double]]()
            var agree = 0, total = 0
            for a2 in grid {
                var pRow = [Double](), sRow = [Double]()
                for a1 in grid {
                    let p = LInfTheory.limitCoordinate(mu: mu, alpha: [a1, a2], rho: rho, depth: depth)
                    let c = CatalogRuns.flow(.singleExample(mu: mu), depth: depth, alpha: [a1, a2], rule: LInfSAM.name, rho: rho,
                                             time: depth == 2 ? 8 : 20, rescaled: true, record: .times([]), blowupNorm: 1e6)
                    let outcome = try CatalogRuns.run(c)
                    let beta = outcome.rows.last!.beta!
                    // Simulated limit: the coordinate that dominates |beta| once something has grown; 0 when beta
                    // went to 0, or (odd L) stays bounded near rho^L without any coordinate growing.
                    let grew = beta.map(abs).max()! > 10 * pow(max(a1, a2, rho), Double(depth))
                    let s = outcome.status == .collapsed || !grew ? 0 : (abs(beta[0]) > abs(beta[1]) ? 1 : 2)
                    pRow.append(Double(p))
                    sRow.append(Double(s))
                    total += 1
                    if p == s { agree += 1 }
                    csv += "\(depth),\(a1),\(a2),\(p),\(s),\(outcome.status.rawValue)\n"
                }
                predicted.append(pRow)
                simulated.append(sRow)
            }
            output.claims.append(.check("thm32", "Cor 3.5 at L = \(depth): the limit direction over \(total) inits", predicted: "Cor 3.5 for every init",
                                        measured: "\(agree)/\(total) agree", agree == total))
            let edges = edgesOf(grid)
            for (title, values) in [("predicted, L = \(depth)", predicted), ("simulated, L = \(depth)", simulated)] {
                var panel = Panel(title: title, x: Axis("α₁"), y: Axis("α₂"))
                panel.add(HeatMap(values: values, xEdges: edges, yEdges: edges, categories: ["β → 0", "β ∝ e_1", "β ∝ e_2"],
                                  colors: [Color(hex: "#BBBBBB"), Palette.color(0), Palette.color(1)], label: "limit"))
                panel.add(ReferenceLine.vertical(rho, label: "α₁ = ρ"))
                panel.add(ReferenceLine.horizontal(rho, label: "α₂ = ρ"))
                panels.append(panel)
            }
        }
        output.figures.append(("fates", Figure(title: "ℓ∞-SAM limit directions, μ = (1, 2), ρ = 1", width: 900, height: 760, columns: 2, panels: panels)))
        output.tables.append(("fates", csv))
        return output
    }

    static func edgesOf(_ centers: [Double]) -> [Double] {
        let h = centers.count > 1 ? centers[1] - centers[0] : 1
        return centers.map { $0 - h / 2 } + [centers.last! + h / 2]
    }
}
