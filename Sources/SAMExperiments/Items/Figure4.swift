import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Fig 4: loss curves of GD and l2-SAM (discrete, depth 2) with the leading coordinate shaded, at the caption's
/// parameters (alpha = 0.35, mu = (1, ..., 6), rho = 0.1) and at rho = 1. The theory shows that the caption's
/// setting shows the major coordinate leading from step 0 (THEORY.md §5): that is reported as measured, not bent.
enum Figure4 {
    static let mu = [1.0, 2, 3, 4, 5, 6], alpha = 0.35, eta = 0.1

    static let item = ReproductionItem(
        id: "fig4", title: "Fig 4: loss curves of GD and l2-SAM with the leading coordinate",
        caption: "Training loss of discrete GD and ℓ₂-SAM, depth 2, α = 0.35, μ = (1, …, 6), η = 0.1; bands mark the coordinate with the highest relative growth (grey: none grows). Left: GD (it has no ρ); middle: ℓ₂-SAM at the caption's ρ = 0.1; right: ℓ₂-SAM at ρ = 1."
    ) { quick in
        let steps = quick ? 4000 : 40000
        var output = ItemOutput()
        output.parameters = ["α = 0.35", "μ = (1, …, 6)", "η = 0.1", "ρ ∈ {0.1 (caption), 1}", "steps = \(steps)"]
        var panels: [Panel] = []
        var csv = "rho,optimizer,step,loss,leader\n"
        for rho in [0.1, 1.0] {
            // GD has no ρ: its curve is drawn once, in the first panel.
            for optimizer in rho == 0.1 ? [GradientDescent.name, L2SAM.name] : [L2SAM.name] {
                let c = CatalogRuns.discrete(.singleExample(mu: mu), alpha: [alpha], rule: optimizer, rho: rho, lr: eta, steps: steps,
                                             record: .log(300))
                let state = try CatalogRuns.run(c)
                var panel = Panel(title: optimizer == GradientDescent.name ? "GD" : "ℓ₂-SAM, ρ = \(rho)", x: .log("step"), y: .log("loss"))
                // Log x axis: the first period starts at step 0, shown from step 1.
                panel.add(contentsOf: ShadedInterval.runs(state.leaders.map { ($0.coordinate, max(1, Double($0.start))) }, end: Double(steps),
                                                          colorIndex: { $0 - 1 }, label: { $0 == 0 ? "nothing grows" : "β\(subscriptDigit($0)) leads" }))
                let rows = state.rows.filter { $0.step > 0 }
                panel.add(LineSeries(x: rows.map { Double($0.step) }, y: rows.map { exp($0.logLoss) }, label: "loss", style: .palette(6)))
                panels.append(panel)
                for row in state.rows { csv += "\(rho),\(optimizer),\(row.step),\(exp(row.logLoss)),\(row.leader)\n" }
                guard optimizer == L2SAM.name else { continue }
                let order = state.leaders.map(\.coordinate)
                let text = order.map(String.init).joined(separator: " → ")
                if rho == 0.1 {
                    // The paper's caption claims minor-first amplification here; the thresholds say otherwise.
                    let theory = L2Theory(mu: mu, rho: rho)
                    output.claims.append(Claim(item: "fig4", statement: "Fig 4 caption (ρ = 0.1): ℓ₂-SAM amplifies minor coordinates first",
                                               prediction: "paper: minor first; THEORY.md: major leads from step 0 (α/ρ = 3.5 > α*/ρ = \(fmt(theory.alphaStar / rho)))",
                                               measurement: "leaders \(text)",
                                               verdict: order == [6] ? .documentedDiscrepancy : .fails))
                } else {
                    output.claims.append(.check("fig4", "At ρ = 1 the same α gives minor first, major last (discrete ℓ₂-SAM)",
                                                predicted: "leader index increases from 2", measured: "leaders \(text)",
                                                order.first == 2 && order.count >= 3 && order == order.sorted()))
                }
            }
        }
        output.figures.append(("loss", Figure(title: "Loss curves with the leading coordinate, α = 0.35, μ = (1, …, 6)", width: 1100, height: 420,
                                              columns: 3, panels: panels, sharedLegend: .bottom)))
        output.tables.append(("loss", csv))
        return output
    }
}
