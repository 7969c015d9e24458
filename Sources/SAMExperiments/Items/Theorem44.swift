import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Thm 4.4 / 4.5: the leading coordinate against rescaled time and against alpha, for the depth-2 l2-SAM flow on
/// D_mu, mu = (4, ..., 8), rho = 1, with c_i, alpha_c and alpha* marked.
enum Theorem44 {
    static let mu = [4.0, 5, 6, 7, 8], rho = 1.0

    static let item = ReproductionItem(
        id: "thm44", title: "Thm 4.4 / 4.5: the leader against time and against alpha",
        caption: "Leading coordinate (colour) of the rescaled ℓ₂-SAM flow on D_μ, μ = (4, …, 8), ρ = 1, over rescaled time (x) and init α (y). Dashed grey lines: α_c (below it the flow collapses) and α* (above it the major coordinate leads from the start); dotted black lines: the growth thresholds c_i (coordinate i grows at s = 0 iff α > c_i)."
    ) { quick in
        let theory = L2Theory(mu: mu, rho: rho)
        let alphaC = try theory.criticalAlpha(tolerance: quick ? 1e-5 : 1e-8)
        let alphas = stride(from: 0.21, through: 0.99, by: quick ? 0.06 : 0.02).map { $0 }
        let times = stride(from: 0.0, through: 1.5, by: quick ? 0.05 : 0.01).map { $0 }
        var output = ItemOutput()
        output.parameters = ["μ = (4, …, 8)", "ρ = 1", "α from 0.21 to 0.99", "α_c = \(fmt(alphaC))", "α* = \(fmt(theory.alphaStar))",
                             "c = \(theory.growthThresholds.map(fmt))"]
        var values = [[Double]]()
        var csv = "alpha,switch_time,leader\n"
        var regimes = "alpha,predicted,observed\n"
        var regimesAgree = 0
        for alpha in alphas {
            let c = CatalogRuns.flow(.singleExample(mu: mu), alpha: [alpha], rule: L2SAM.name, rho: rho, time: 1.5, rescaled: true,
                                     record: .times([]), blowupNorm: 1e12)
            let outcome = try CatalogRuns.run(c)
            for l in outcome.leaders { csv += "\(alpha),\(l.start),\(l.coordinate)\n" }
            values.append(times.map { t in
                if outcome.status == .collapsed, let e = outcome.eventClock, t >= e { return 0 }
                return Double(outcome.leaders.last { $0.start <= t }?.coordinate ?? 0)
            })
            let predicted = theory.regime(alpha: alpha, alphaC: alphaC)
            if outcome.regime == predicted { regimesAgree += 1 }
            regimes += "\(alpha),\(predicted.rawValue),\(outcome.regime.rawValue)\n"
        }
        output.claims.append(.check("thm44", "Thm 4.4/4.5: the regime of every α on the grid (collapse below α_c, minor first below α*, major first above)",
                                    predicted: "the regime from α_c and α*", measured: "\(regimesAgree)/\(alphas.count) agree", regimesAgree == alphas.count))
        var panel = Panel(title: nil, x: Axis("rescaled time s"), y: Axis("init α"))
        let h = alphas.count > 1 ? alphas[1] - alphas[0] : 0.02, dt = times.count > 1 ? times[1] - times[0] : 0.01
        panel.add(HeatMap(values: values, xEdges: times.map { $0 - dt / 2 } + [times.last! + dt / 2],
                          yEdges: alphas.map { $0 - h / 2 } + [alphas.last! + h / 2],
                          categories: ["collapsed"] + mu.indices.map { "β_\($0 + 1)" },
                          colors: [Color(hex: "#BBBBBB")] + mu.indices.map(Palette.color), label: "leader"))
        for (i, c) in theory.growthThresholds.enumerated() where c > alphas.first! - h / 2 && c < alphas.last! + h / 2 {
            panel.add(ReferenceLine(x: 0, y: c, dx: 1, dy: 0, label: "c_\(i + 1)", colorIndex: 6, dash: .dotted))
        }
        panel.add(ReferenceLine.horizontal(alphaC, label: "α_c"))
        panel.add(ReferenceLine.horizontal(theory.alphaStar, label: "α*"))
        output.figures.append(("leaders", Figure(title: "Leader of the rescaled ℓ_2-SAM flow over time and init α, μ = (4, …, 8), ρ = 1", width: 760,
                                                 height: 520, panels: [panel])))
        output.tables.append(("leaders", csv))
        output.tables.append(("regimes", regimes))
        return output
    }
}
