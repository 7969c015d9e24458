import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Fig 2: gradient flow against the l_inf-SAM flow on D_mu, mu = (1, 2), rho = 1, from a grid of inits, with the
/// regions of Thm 3.2 (alpha_j against rho) drawn as predicted. The flows run in rescaled time; beta is shown on
/// log axes so that exponential growth reads as straight lines.
enum Figure2 {
    static let mu = [1.0, 2.0], rho = 1.0

    static let item = ReproductionItem(
        id: "fig2", title: "Fig 2: gradient flow against the l_inf-SAM flow",
        caption: "Paths of the balanced weights (a₁, a₂) under GF (left) and the ℓ∞-SAM flow (right), μ = (1, 2), ρ = 1, rescaled time; the lines a_j = ρ separate the regions of Thm 3.2 (a coordinate grows iff α_j > ρ)."
    ) { quick in
        let grid = quick ? [0.4, 1.4] : [0.4, 0.8, 1.2, 1.6]
        var output = ItemOutput()
        output.parameters = ["μ = (1, 2)", "ρ = 1", "inits α ∈ \(grid)²", "rescaled time, s ≤ 1.5", "plotted: the first layer's weights (a₁, a₂)"]
        var panels: [Panel] = []
        var csv = "optimizer,alpha_1,alpha_2,time,a_1,a_2\n"
        var fatesAgree = true, checked = 0
        for optimizer in [GradientDescent.name, LInfSAM.name] {
            var panel = Panel(title: optimizer == GradientDescent.name ? "gradient flow" : "ℓ∞-SAM flow", x: Axis("a₁", domain: 0...4), y: Axis("a₂", domain: 0...4),
                              equalAspect: true)
            if optimizer == LInfSAM.name {
                panel.add(ReferenceLine.vertical(rho, label: "α₁ = ρ"))
                panel.add(ReferenceLine.horizontal(rho, label: "α₂ = ρ"))
            }
            var k = 0
            for a1 in grid {
                for a2 in grid {
                    let c = CatalogRuns.flow(.singleExample(mu: mu), alpha: [a1, a2], rule: optimizer, rho: rho, time: 1.5, rescaled: true,
                                             record: .every(0.01), blowupNorm: 50)
                    let outcome = try CatalogRuns.run(c)
                    // The weights of the first layer (equal to the second: balanced); beta_j = a_j^2.
                    let a = outcome.rows.map { r in r.beta!.map { $0.squareRoot() } }
                    for (row, w) in zip(outcome.rows, a) { csv += "\(optimizer),\(a1),\(a2),\(row.clock),\(w[0]),\(w[1])\n" }
                    panel.add(Trajectory2D(x: a.map { min($0[0], 4.5) }, y: a.map { min($0[1], 4.5) }, style: .palette(k % 8), arrowEvery: 40))
                    k += 1
                    if optimizer == LInfSAM.name {
                        for j in 0..<2 {
                            let grew = a.last![j] > [a1, a2][j]
                            fatesAgree = fatesAgree && grew == ([a1, a2][j] > rho)
                            checked += 1
                        }
                    }
                }
            }
            panels.append(panel)
        }
        output.claims.append(.check("fig2", "Thm 3.2 (L = 2): under the ℓ∞-SAM flow a_j grows iff α_j > ρ", predicted: "grows iff α_j > ρ",
                                    measured: fatesAgree ? "all \(checked) coordinates" : "some coordinates disagree", fatesAgree))
        output.figures.append(("paths", Figure(title: "GF and the ℓ∞-SAM flow, μ = (1, 2), ρ = 1", width: 820, height: 440, columns: 2, panels: panels)))
        output.tables.append(("paths", csv))
        return output
    }
}
