import Foundation
import SAMPlot

/// One figure of each kind, on synthetic data shaped like SAMLab's (loss curves over steps, leader periods, β
/// trajectories, phase diagrams). The tests render all of them; with SAMPLOT_EXAMPLES=/some/dir set, the example
/// test also writes them there as SVG, PNG and JSON spec, for looking at.
enum ExampleFigures {
    /// Deterministic noise (SplitMix64), so examples and tests never change between runs.
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53)
        }

        mutating func gaussian() -> Double {
            let u = max(next(), 1e-12), v = next()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
    }

    static let steps = (0...2000).map(Double.init)

    static func loss(rate: Double, floor: Double, wiggle: Double) -> [Double] {
        steps.map { k in 0.69 * exp(-k / rate) + floor * exp(-k / 5000) + wiggle * 0.69 * exp(-k / rate) * sin(k / 37) }
    }

    /// Loss curves on a log axis with the leader periods shaded.
    static var lossCurve: Figure {
        var panel = Panel(title: "Training loss, μ = (1, 2), α = 0.5", x: Axis("step"), y: .log("loss"))
        panel.add(contentsOf: ShadedInterval.runs([(1, 0), (2, 420), (1, 1350)], end: 2000,
                                                  colorIndex: { $0 + 3 }, label: { "β\(["", "₁", "₂"][$0]) leads" },
                                                  labelInside: true))
        panel.add(LineSeries(x: steps, y: loss(rate: 900, floor: 1e-3, wiggle: 0), label: "GD"))
        panel.add(LineSeries(x: steps, y: loss(rate: 260, floor: 2e-5, wiggle: 0.3), label: "ℓ₂-SAM"))
        panel.add(LineSeries(x: steps, y: loss(rate: 140, floor: 1e-6, wiggle: 0.15), label: "ℓ∞-SAM"))
        return Figure(panel, width: 520, height: 320)
    }

    /// Small multiples: one panel per optimizer, a shared legend and a shared y range.
    static var smallMultiples: Figure {
        let optimizers = ["GD", "ℓ₂-SAM", "ℓ∞-SAM", "USAM"]
        var panels: [Panel] = []
        for (i, name) in optimizers.enumerated() {
            var p = Panel(title: name, x: Axis("step"), y: Axis("coordinate of β"))
            let speed = 1 + Double(i) * 0.6
            p.add(LineSeries(x: steps, y: steps.map { 0.5 + 1.8 * (1 - exp(-$0 * speed / 700)) }, label: "β₁"))
            p.add(LineSeries(x: steps, y: steps.map { 0.5 + 2.6 * (1 - exp(-$0 * speed / 1500)) * (1 - 0.2 * Double(i)) },
                             label: "β₂"))
            p.add(ReferenceLine.horizontal(0.5, label: "α = 0.5"))
            panels.append(p)
        }
        return Figure(title: "Coordinates of β by optimizer (depth L = 2)", width: 620, height: 460, columns: 2,
                      panels: panels, sharedLegend: .bottom, shareY: true)
    }

    /// Trajectories in the (β₁, β₂) plane with start markers and arrows, and the max-margin direction.
    static var trajectory: Figure {
        var panel = Panel(title: "β over training", x: Axis("β₁"), y: Axis("β₂"), equalAspect: true)
        panel.add(ReferenceLine.throughOrigin(dx: 1, dy: 2, label: "max-margin direction"))
        for (i, bend) in [0.0, 0.6, -0.5].enumerated() {
            let points = (0...60).map { k -> (Double, Double) in
                let t = Double(k) / 60
                let r = 0.35 + 2.6 * t
                let angle = atan2(2, 1) + bend * (1 - t) * (1 - t) - 0.55 * (1 - t)
                return (r * cos(angle), r * sin(angle))
            }
            panel.add(Trajectory2D(points: points, label: ["GD", "ℓ₂-SAM", "ℓ∞-SAM"][i], arrowEvery: 15))
        }
        panel.add(TextAnnotation("start (α, α)", x: 0.3, y: 0.19, dx: 6, dy: 4))
        return Figure(panel, width: 440, height: 400)
    }

    /// A phase diagram over log-spaced (ρ, η) with diverged runs as missing cells.
    static var phaseDiagram: Figure {
        let rhos = (0..<18).map { pow(10, -3 + 3 * Double($0) / 17) }
        let etas = (0..<14).map { pow(10, -2 + 2 * Double($0) / 13) }
        let values = etas.map { eta in
            rhos.map { rho -> Double in
                if eta * (1 + 8 * rho) > 3.2 { return .nan }  // diverged
                return tanh(3 * rho) * (1 - 0.3 * eta) + 0.05 * log10(eta / 0.01)
            }
        }
        var panel = Panel(title: "Normalized margin after 10⁴ steps", x: .log("ρ"), y: .log("η (learning rate)"))
        panel.add(HeatMap(values: values, xCenters: rhos, yCenters: etas, label: "normalized margin"))
        return Figure(panel, width: 480, height: 360)
    }

    /// Grad-CAM-like saliency over an image: rows grow downwards, a signed map on a diverging scale next to it.
    static var gradCAM: Figure {
        let n = 28
        var noise = Noise(state: 7)
        let saliency = (0..<n).map { r in
            (0..<n).map { c -> Double in
                let a = exp(-(pow(Double(c) - 9, 2) + pow(Double(r) - 11, 2)) / 30)
                let b = 0.7 * exp(-(pow(Double(c) - 19, 2) + pow(Double(r) - 18, 2)) / 18)
                return a + b + 0.03 * noise.next()
            }
        }
        let signed = saliency.enumerated().map { r, row in row.enumerated().map { c, v in v * (c < 14 ? 1 : -1) } }
        var left = Panel(title: "Grad-CAM", x: Axis("pixel column"), y: Axis("pixel row", reversed: true))
        left.add(HeatMap(values: saliency, label: "saliency"))
        var right = Panel(title: "signed attribution", x: Axis("pixel column"), y: Axis("pixel row", reversed: true))
        right.add(HeatMap(values: signed, colorMap: .diverging, label: "attribution"))
        return Figure(title: "Saliency maps", width: 700, height: 320, columns: 2, panels: [left, right])
    }

    /// Two Gaussian clusters with the separating direction.
    static var scatter: Figure {
        var noise = Noise(state: 11)
        var px: [Double] = [], py: [Double] = [], nx: [Double] = [], ny: [Double] = []
        for _ in 0..<60 {
            px.append(1 + 0.35 * noise.gaussian())
            py.append(2 + 0.35 * noise.gaussian())
            nx.append(-1 + 0.35 * noise.gaussian())
            ny.append(-2 + 0.35 * noise.gaussian())
        }
        var panel = Panel(title: "Gaussian clusters, n = 120", x: Axis("x₁"), y: Axis("x₂"), equalAspect: true)
        panel.add(ReferenceLine.throughOrigin(dx: 2, dy: -1, label: "decision boundary"))
        panel.add(ReferenceLine.horizontal(0))
        panel.add(ReferenceLine.vertical(0))
        panel.add(ScatterSeries(x: px, y: py, label: "y = +1"))
        panel.add(ScatterSeries(x: nx, y: ny, label: "y = −1"))
        return Figure(panel, width: 420, height: 380)
    }

    /// Many series on linear axes: palette cycling (color, dash, marker) and an outside legend.
    static var paletteLines: Figure {
        let x = (0...40).map { Double($0) / 4 }
        var panel = Panel(title: "Palette: color, dash and marker cycle together", x: Axis("t"),
                          y: Axis("value"), legend: .outside)
        for i in 0..<8 {
            panel.add(LineSeries(x: x, y: x.map { sin($0 / 2 + Double(i) * 0.4) + Double(i) * 0.35 },
                                 label: "series \(i + 1)", style: SeriesStyle(markers: true, markerEvery: 5)))
        }
        return Figure(panel, width: 560, height: 340)
    }

    /// Log-log axes over many decades, a vertical reference and tiny tick values.
    static var logLog: Figure {
        let t = (0...80).map { pow(10, -1 + 6 * Double($0) / 80) }
        var panel = Panel(title: "Margin growth", x: .log("time t"), y: .log("‖β(t)‖ − ‖β(0)‖"))
        panel.add(LineSeries(x: t, y: t.map { 1e-6 * $0 }, label: "∝ t"))
        panel.add(LineSeries(x: t, y: t.map { 1e-6 * pow($0, 0.5) }, label: "∝ √t"))
        panel.add(LineSeries(x: t, y: t.map { 1e-6 * log(1 + $0) }, label: "∝ log t"))
        panel.add(ReferenceLine.vertical(1000, label: "t = 10³"))
        return Figure(panel, width: 480, height: 330)
    }

    /// Small figure, long labels, many panels, a log axis over 13 decades.
    static var crowded: Figure {
        var panels: [Panel] = []
        for i in 0..<6 {
            var p = Panel(title: "a rather long panel title number \(i) that will not fit",
                          x: Axis("a long x axis label with units (steps × 10³)"),
                          y: Axis("log-scale loss value", scale: .log10))
            p.add(LineSeries(x: [0, 1e5], y: [1e-9, 1e4], label: "series with a long name \(i)"))
            panels.append(p)
        }
        return Figure(title: "Crowded: six panels with long labels in 500 × 380 points", width: 500, height: 380,
                      columns: 3, panels: panels, sharedLegend: .right)
    }

    /// A single panel much too small for its text.
    static var tiny: Figure {
        var p = Panel(title: "tiny", x: Axis("x"), y: Axis("y"))
        p.add(LineSeries(x: [0, 1, 2], y: [3, 1, 2], label: "a"))
        p.add(HeatMap(values: [[1, 2], [3, .nan]], label: "v"))
        return Figure(p, width: 120, height: 90)
    }

    /// Figures that need warnings (shortened text) but must still keep their text apart.
    static let stress: [(name: String, figure: Figure)] = [("crowded", crowded), ("tiny", tiny)]

    static let all: [(name: String, figure: Figure)] = [
        ("loss-curve", lossCurve), ("small-multiples", smallMultiples), ("trajectory", trajectory),
        ("phase-diagram", phaseDiagram), ("grad-cam", gradCAM), ("scatter", scatter), ("palette-lines", paletteLines),
        ("log-log", logLog),
    ]
}
