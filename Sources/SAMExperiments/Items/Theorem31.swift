import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow
import SAMPlot

/// Thm 3.1 (L = 1): GD, l2-SAM and l_inf-SAM flows on multi-point separable data approach the l2 max-margin
/// direction: the angle to it against (log) time, on Gaussian clusters around (1, 2) and (-1, -2) (the reviewers'
/// guess of Fig 7) and on a small fixed dataset.
enum Theorem31 {
    static let item = ReproductionItem(
        id: "thm31", title: "Thm 3.1: at L = 1 every flow approaches the l2 max-margin direction",
        caption: "Angle between β(t) and the ℓ₂ max-margin direction for the GF, ℓ₂-SAM and ℓ∞-SAM flows of the linear model (L = 1), ρ = 0.1, integrated in log time; left: Gaussian clusters around ±(1, 2) (n = 40, σ = 0.3, seed 7); right: a fixed 4-point dataset. Top: the transient, t ≤ 10⁴ (a run to 10⁴ sampled as finely); bottom: the whole run."
    ) { quick in
        let datasets: [(String, DataSource)] = [
            ("Gaussian clusters", .gaussian(try GaussianClusters(count: 40, mean: [1, 2], sigma: 0.3, seed: 7))),
            ("4 points", .csv(path: "four-points", embedded: EmbeddedData(points: [[2, 1], [1, 3], [-1, -1], [-2, 0.5]], labels: [1, 1, -1, -1]))),
        ]
        let end = quick ? 1e60 : 1e200
        var output = ItemOutput()
        output.parameters = ["L = 1", "ρ = 0.1", "α = 0.1 (both coordinates)", "log time, t ≤ \(end)"]
        var panels: [Panel] = [], transients: [Panel] = []
        var csv = "dataset,optimizer,time,angle_degrees\n"
        for (name, source) in datasets {
            let dataset = try source.load()
            let reference = try MaxMargin.solve(points: dataset.points, labels: dataset.labels, norm: .l2).direction
            var panel = Panel(title: name, x: .log("time t"), y: .log("angle to the ℓ₂ max-margin direction (degrees)"))
            // The whole run spans up to 200 decades of t, which squeezes the transient (t ≲ 10⁴: the dip and the
            // overshoot) into a few pixels: a second run to t = 10⁴, sampled as finely, shows it in the top row.
            var transient = Panel(title: "\(name): t ≤ 10⁴", x: .log("time t"), y: panel.y)
            panel.title = "\(name): the whole run"
            for (k, optimizer) in [GradientDescent.name, L2SAM.name, LInfSAM.name].enumerated() {
                func angles(until time: Double) throws -> [(Double, Double)] {
                    let c = CatalogRuns.flow(source, depth: 1, alpha: [0.1], rule: optimizer, rho: 0.1, time: time, logTime: true, record: .log(120))
                    return try c.run(on: dataset).rows.compactMap { row in
                        let b = row.beta!
                        let n = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
                        guard n > 0, row.clock > 0 else { return nil }
                        let cosine = min(1, zip(b, reference).reduce(0) { $0 + $1.0 * $1.1 } / n)
                        return (row.clock, acos(cosine) * 180 / .pi)
                    }
                }
                let points = try angles(until: end)
                let early = try angles(until: 1e4).filter { $0.1 > 0 }
                transient.add(LineSeries(x: early.map(\.0), y: early.map(\.1), label: CatalogRuns.displayName(optimizer), style: .palette(k)))
                for p in points { csv += "\(name),\(optimizer),\(p.0),\(p.1)\n" }
                let shown = points.filter { $0.1 > 0 }
                panel.add(LineSeries(x: shown.map(\.0), y: shown.map(\.1), label: CatalogRuns.displayName(optimizer), style: .palette(k)))
                let first = points.first!.1, last = points.last!.1
                output.claims.append(.check("thm31", "Thm 3.1: the \(CatalogRuns.displayName(optimizer)) flow (L = 1) approaches the ℓ₂ max-margin direction (\(name))",
                                            predicted: "angle → 0", measured: "angle \(fmt(first))° → \(fmt(last))°", last < first && last < 1))
            }
            transients.append(transient)
            panels.append(panel)
        }
        output.figures.append(("angle", Figure(title: "Linear model: angle to the ℓ₂ max-margin direction", width: 900, height: 720, columns: 2,
                                               panels: transients + panels, sharedLegend: .bottom)))
        output.tables.append(("angle", csv))
        return output
    }
}
