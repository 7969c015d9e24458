import Foundation
import SAMPlot
import Testing

/// The usage example of the module overview (SAMPlot.swift), kept compiling and passing.
@Suite struct APIExampleTests {
    @Test func twoPanelsLogAxisIntervalAndLegend() throws {
        let steps = (0...1000).map(Double.init)
        let loss = steps.map { 0.7 * exp(-$0 / 150) }, margin = steps.map { 1 - exp(-$0 / 300) }

        var lossPanel = Panel(title: "loss", x: Axis("step"), y: .log("loss"))
        lossPanel.add(ShadedInterval(start: 0, end: 400, colorIndex: 1, label: "β₁ leads"))
        lossPanel.add(LineSeries(x: steps, y: loss, label: "ℓ₂-SAM"))
        let marginPanel = Panel(title: "margin", x: Axis("step"), y: Axis("normalized margin"))
            .adding(LineSeries(x: steps, y: margin, label: "ℓ₂-SAM"))
        let figure = Figure(title: "ℓ₂-SAM on D_μ", width: 640, height: 280, columns: 2,
                            panels: [lossPanel, marginPanel], sharedLegend: .bottom)
        let rendered = SVGRenderer.render(figure)          // .svg, .warnings

        #expect(rendered.warnings.isEmpty)
        let svg = ParsedSVG(rendered.svg)
        #expect(svg.count("g", class: "panel") == 2)
        #expect(svg.texts(class: "legend-label") == ["β₁ leads", "ℓ₂-SAM"])
        if PNGExport.isAvailable, let dir = ProcessInfo.processInfo.environment["SAMPLOT_EXAMPLES"] {
            let base = URL(fileURLWithPath: dir).appendingPathComponent("api-example")
            try rendered.writeSVG(to: base.appendingPathExtension("svg"))
            try rendered.writePNG(to: base.appendingPathExtension("png"), scale: 2)
            try figure.save(to: base.appendingPathExtension("json"))
        }
    }
}
