import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Fig 3: the rescaled l2-SAM flow on D_mu, mu = (4, ..., 8), rho = 1: coordinates of beta over rescaled time for
/// inits across the regimes (collapse, minor-first, major-first), with GD alongside (a reviewer asked for it).
enum Figure3 {
    static let mu = [4.0, 5, 6, 7, 8], rho = 1.0

    static let item = ReproductionItem(
        id: "fig3", title: "Fig 3: rescaled l2-SAM flow, minor first and major last",
        caption: "β_j(s) of the rescaled ℓ₂-SAM flow on D_μ, μ = (4, …, 8), ρ = 1, for α across the regimes, and GD; shaded bands mark the leading coordinate (largest d log|β_j|/ds; grey: none grows). The y axis shows 12 decades below the top: a collapsing run leaves it at the bottom."
    ) { quick in
        var output = ItemOutput()
        let theory = L2Theory(mu: mu, rho: rho)
        let alphaC = try theory.criticalAlpha(tolerance: quick ? 1e-5 : 1e-8)
        let alphas = [0.3, 0.45, 0.6, 0.9]
        output.parameters = ["μ = (4, 5, 6, 7, 8)", "ρ = 1", "rescaled time", "α_c = \(fmt(alphaC)) (bisection on the flow)",
                             "α* = \(fmt(theory.alphaStar))", "α ∈ \(alphas)", "stop at ||w|| = 10⁴ or s = 4"]
        var panels: [Panel] = []
        var csv = "optimizer,alpha,time," + (1...mu.count).map { "beta_\($0)" }.joined(separator: ",") + ",leader\n"
        for (optimizer, alpha) in alphas.map({ (L2SAM.name, $0) }) + [(GradientDescent.name, 0.45)] {
            let c = CatalogRuns.flow(.singleExample(mu: mu), alpha: [alpha], rule: optimizer, rho: rho, time: 4, rescaled: true,
                                     record: .every(quick ? 0.02 : 0.005), blowupNorm: 1e4)
            let outcome = try CatalogRuns.run(c)
            let name = optimizer == GradientDescent.name ? "GD, α = \(alpha)" : "ℓ₂-SAM, α = \(alpha)"
            var panel = Panel(title: name, x: Axis("rescaled time s"), y: Axis("β_j", scale: .log10, maxDecades: 12))
            panel.add(contentsOf: ShadedInterval.runs(outcome.leaders.map { ($0.coordinate, $0.start) }, end: outcome.endClock,
                                                      colorIndex: { $0 - 1 }, label: { $0 == 0 ? "nothing grows" : "β\(subscriptDigit($0)) leads" }))
            for j in 0..<mu.count {
                let points = outcome.rows.map { ($0.clock, $0.beta![j]) }.filter { $0.1 > 0 }
                panel.add(LineSeries(x: points.map(\.0), y: points.map(\.1), label: "β\(subscriptDigit(j + 1))", style: .palette(j)))
            }
            panels.append(panel)
            for row in outcome.rows {
                csv += "\(optimizer),\(alpha),\(row.clock)," + row.beta!.map { "\($0)" }.joined(separator: ",") + ",\(row.leader)\n"
            }
            let order = outcome.leaders.map(\.coordinate)
            if optimizer == GradientDescent.name {
                output.claims.append(.check("fig3", "GD (rescaled flow): the major coordinate leads throughout",
                                            predicted: "5", measured: order.map(String.init).joined(separator: " → "), order == [5]))
                continue
            }
            let predicted = theory.regime(alpha: alpha, alphaC: alphaC)
            let observed = outcome.regime
            output.claims.append(.check("fig3", "Thm 4.4/4.5 regime of α = \(alpha) (α_c = \(fmt(alphaC)), α* = \(fmt(theory.alphaStar)))",
                                        predicted: predicted.rawValue,
                                        measured: "\(observed.rawValue): leaders \(order.map(String.init).joined(separator: " → "))\(outcome.status == .collapsed ? ", collapsed at s = \(fmt(outcome.eventClock ?? .nan))" : "")",
                                        observed == predicted))
        }
        output.figures.append(("beta", Figure(title: "Rescaled ℓ₂-SAM flow on D_μ, μ = (4, …, 8), ρ = 1", width: 1100, height: 620,
                                              columns: 3, panels: panels, sharedLegend: .bottom)))
        output.tables.append(("beta", csv))
        return output
    }
}

func subscriptDigit(_ n: Int) -> String {
    String(String(n).map { Character(Unicode.Scalar(0x2080 + Int(String($0))!)!) })
}
