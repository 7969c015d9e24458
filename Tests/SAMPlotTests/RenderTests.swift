import Foundation
@testable import SAMPlot
import Testing

@Suite struct RenderTests {
    func render(_ figure: Figure) -> (RenderedFigure, ParsedSVG) {
        let out = SVGRenderer.render(figure)
        return (out, ParsedSVG(out.svg))
    }

    @Test func linePlotHasOnePathPerSeriesAndLabeledTicks() {
        var panel = Panel(title: "two lines", x: Axis("step"), y: Axis("value"))
        panel.add(LineSeries(x: [0, 1, 2, 3], y: [0, 1, 4, 9], label: "squares"))
        panel.add(LineSeries(x: [0, 1, 2, 3], y: [0, 1, 2, 3], label: "identity"))
        let (out, svg) = render(Figure(panel))
        #expect(svg.isWellFormed, "\(svg.error ?? "")")
        #expect(out.warnings.isEmpty)
        #expect(svg.count("path", class: "line") == 2)
        #expect(svg.texts(class: "legend-label") == ["squares", "identity"])
        #expect(svg.texts(class: "axis-label") == ["step", "value"])
        #expect(svg.texts(class: "panel-title") == ["two lines"])
        let tickLabels = svg.texts(class: "tick-label")
        #expect(tickLabels.contains("0") && tickLabels.contains("3") && tickLabels.contains("8"))
        // Two series: different colors and different dash patterns (grayscale).
        let lines = svg.all("path", class: "line")
        #expect(lines[0].attributes["stroke"] != lines[1].attributes["stroke"])
        #expect(lines[0].attributes["stroke-dasharray"] != lines[1].attributes["stroke-dasharray"])
        // Every data group is clipped to its panel.
        #expect(svg.all("g", class: "data").allSatisfy { $0.attributes["clip-path"] == "url(#clip-0)" })
        #expect(svg.count("clipPath") == 1)
        #expect(svg.elements.first?.attributes["font-family"] == "DejaVu Sans, sans-serif")
    }

    @Test func numbersAreShort() {
        let panel = Panel(layers: [.line(LineSeries(x: [0, 1 / 3, 2 / 3], y: [0.123456789, 0.987654321, 0.5]))])
        let svg = SVGRenderer.render(Figure(panel)).svg
        let numbers = svg.split { !"0123456789.".contains($0) }.filter { $0.contains(".") && $0.count > 1 }
        let long = numbers.filter { $0.split(separator: ".", omittingEmptySubsequences: false).last!.count > 2 }
        #expect(!numbers.isEmpty && long.isEmpty, "\(long)")
    }

    @Test func logAxisDropsNonPositiveValuesWithAWarning() {
        var panel = Panel(title: "loss", x: Axis("step"), y: .log("loss"))
        panel.add(LineSeries(x: [0, 1, 2, 3, 4, 5], y: [1, 0.1, 0, -1, 0.01, 0.001], label: "GD"))
        let (out, svg) = render(Figure(panel))
        #expect(svg.isWellFormed)
        #expect(out.warnings.count == 1)
        #expect(out.warnings[0].contains("2 non-positive y values of line 'GD'"))
        #expect(out.warnings[0].contains("panel 'loss'"))
        // The line is broken at the gap: two subpaths, never joined across it.
        let d = svg.all("path", class: "line")[0].attributes["d"]!
        #expect(d.filter { $0 == "M" }.count == 2)
        #expect(svg.texts(class: "tick-label").contains("10⁻²"))
    }

    @Test func logDomainThatCannotBeShownFallsBackToData() {
        let panel = Panel(x: Axis(), y: Axis(scale: .log10, domain: -1...10),
                          layers: [.line(LineSeries(y: [1, 10, 100]))])
        let out = SVGRenderer.render(Figure(panel))
        #expect(out.warnings.contains { $0.contains("domain") })
        #expect(ParsedSVG(out.svg).isWellFormed)
    }

    @Test func emptyAndDegenerateInputsRenderWithoutCrashing() {
        let figures = [
            Figure(),
            Figure(Panel()),
            Figure(Panel(layers: [.line(LineSeries(x: [1], y: [1]))])),
            Figure(Panel(y: .log(), layers: [.line(LineSeries(x: [0, 1], y: [0, -2]))])),
            Figure(Panel(layers: [.line(LineSeries(x: [.nan, .infinity], y: [1, 2]))])),
            Figure(Panel(layers: [.heatMap(HeatMap(values: []))])),
            Figure(Panel(layers: [.heatMap(HeatMap(values: [[1, 2], [3]]))])),
            Figure(Panel(layers: [.reference(.throughOrigin(dx: 0, dy: 0))])),
            Figure(Panel(layers: [.interval(ShadedInterval(start: 3, end: 1))])),
            Figure(Panel(), width: 0, height: .nan),
            Figure(columns: 0, panels: [Panel(), Panel()]),
        ]
        for figure in figures {
            let out = SVGRenderer.render(figure)
            #expect(ParsedSVG(out.svg).isWellFormed)
        }
    }

    @Test func shadedIntervalsAreBehindLinesAndLegendedOnce() {
        var panel = Panel(x: Axis("step"), y: Axis("loss"))
        panel.add(LineSeries(x: [0, 10], y: [1, 0], label: "loss"))
        panel.add(contentsOf: ShadedInterval.runs([(1, 0), (2, 3), (1, 6)], end: 10, label: { "β\($0) leads" }))
        let (_, svg) = render(Figure(panel))
        #expect(svg.count("rect", class: "interval") == 3)
        #expect(svg.texts(class: "legend-label") == ["loss", "β1 leads", "β2 leads"])
        let order = svg.elements.map { $0.attributes["class"] ?? "" }
        #expect(order.lastIndex(of: "interval")! < order.firstIndex(of: "line")!)
    }

    @Test func trajectoryHasStartMarkerAndArrows() {
        let points = (0...20).map { k in (Double(k), Double(k % 7)) }
        var panel = Panel(x: Axis("β₁"), y: Axis("β₂"))
        panel.add(Trajectory2D(points: points, label: "path", arrowEvery: 5))
        let (_, svg) = render(Figure(panel))
        #expect(svg.count("path", class: "trajectory") == 1)
        #expect(svg.count("circle", class: "start-marker") == 1)
        // Arrows at points 5, 10, 15 and at the end (20).
        #expect(svg.count("path", class: "arrowhead") == 4)
    }

    @Test func scatterAndReferenceLines() {
        var panel = Panel(x: Axis("x"), y: Axis("y"))
        panel.add(ScatterSeries(x: [1, 2, 3], y: [1, 3, 2], label: "points"))
        panel.add(ReferenceLine.horizontal(0, label: "zero"))
        panel.add(ReferenceLine.vertical(2))
        panel.add(ReferenceLine.throughOrigin(dx: 1, dy: 1, label: "diagonal"))
        panel.add(TextAnnotation("note", x: 2, y: 3))
        let (out, svg) = render(Figure(panel))
        #expect(out.warnings.isEmpty, "\(out.warnings)")
        #expect(svg.all("path", class: "markers").first?.attributes["data-count"] == "3")
        #expect(svg.count("path", class: "reference") == 3)
        #expect(Set(svg.texts(class: "reference-label")) == ["zero", "diagonal"])
        #expect(svg.texts(class: "annotation") == ["note"])
    }

    /// A light palette colour (the yellow, index 7) is darkened for a reference line (WCAG luminance above 0.5 mixed
    /// 40% with black); a dark one (blue, index 0) is drawn as it is.
    @Test func lightReferenceLinesAreDarkened() {
        var panel = Panel(x: Axis("x"), y: Axis("y"))
        panel.add(LineSeries(x: [0, 1], y: [0, 1], label: "data"))
        panel.add(ReferenceLine.horizontal(0.5, label: "light", colorIndex: 7))
        panel.add(ReferenceLine.vertical(0.5, label: "dark", colorIndex: 0))
        let (_, svg) = render(Figure(panel))
        let strokes = svg.all("path", class: "reference").compactMap { $0.attributes["stroke"]?.uppercased() }
        let yellow = Palette.color(7), blue = Palette.color(0)
        #expect(yellow.luminance > 0.5 && blue.luminance < 0.5)
        #expect(strokes.contains(yellow.mixed(with: .black, amount: 0.4).hex.uppercased()) && !strokes.contains(yellow.hex.uppercased()), "\(strokes)")
        #expect(strokes.contains(blue.hex.uppercased()), "\(strokes)")
    }

    @Test func heatMapWithMissingCells() {
        let values: [[Double]] = [[1, .nan, 3], [4, 5, .nan]]
        var panel = Panel(x: Axis("ρ"), y: Axis("η"))
        panel.add(HeatMap(values: values, xCenters: [0.1, 0.2, 0.3], yCenters: [1, 2], label: "margin"))
        let (out, svg) = render(Figure(panel))
        #expect(svg.isWellFormed)
        #expect(out.warnings.isEmpty, "\(out.warnings)")
        func cells(_ cls: String) -> Int {
            svg.all("path", class: cls).map { Int($0.attributes["data-count"]!)! }.reduce(0, +)
        }
        #expect(cells("nan") == 2)
        #expect(cells("cells") == 6)
        #expect(svg.all("path", class: "nan").allSatisfy { $0.attributes["fill"] == "url(#nan-hatch)" })
        #expect(svg.count("pattern") == 1)
        #expect(svg.count("rect", class: "missing-key") == 1)
        #expect(svg.texts(class: "colorbar-tick-label").contains("no data"))
        #expect(svg.texts(class: "axis-label").contains("margin"))
        // Data cells take colors from the map: the lowest value gets its first color, the highest its last.
        let fills = Set(svg.all("path", class: "cells").map { $0.attributes["fill"]! })
        #expect(fills.contains(ColorMap.viridis.color(at: 0).hex) && fills.contains(ColorMap.viridis.color(at: 1).hex))
    }

    @Test func heatMapOnLogAxesWithBadEdgesIsLeftOutWithAWarning() {
        let panel = Panel(x: .log(), y: Axis(),
                          layers: [.heatMap(HeatMap(values: [[1, 2]], xEdges: [-1, 1, 2], yEdges: [0, 1]))])
        let out = SVGRenderer.render(Figure(panel))
        #expect(out.warnings.contains { $0.contains("heat map") && $0.contains("log axis") })
        #expect(ParsedSVG(out.svg).count("path", class: "cells") == 0)
    }

    @Test func textIsEscaped() {
        let nasty = "a < b & c > \"d\" 'e' \u{1}"
        var panel = Panel(title: nasty, x: Axis("<x>"), y: Axis("&y"))
        panel.add(LineSeries(x: [0, 1], y: [0, 1], label: "</text><script>alert(1)</script>"))
        var figure = Figure(panel)
        figure.title = "]]> & <!-- -->"
        let (_, svg) = render(figure)
        #expect(svg.isWellFormed, "\(svg.error ?? "")")
        #expect(svg.texts(class: "panel-title") == ["a < b & c > \"d\" 'e' "])
        #expect(svg.texts(class: "legend-label") == ["</text><script>alert(1)</script>"])
        #expect(svg.count("script") == 0)
        #expect(svg.texts(class: "figure-title") == ["]]> & <!-- -->"])
        #expect(SVGWriter.escape("<&>\"'") == "&lt;&amp;&gt;&quot;&apos;")
    }

    @Test func smallMultiplesShareStylesAndLegend() {
        let figure = ExampleFigures.smallMultiples
        let (out, svg) = render(figure)
        #expect(out.warnings.isEmpty, "\(out.warnings)")
        #expect(svg.count("g", class: "panel") == 4)
        #expect(svg.count("clipPath") == 4)
        #expect(svg.count("g", class: "legend") == 1)
        #expect(svg.texts(class: "legend-label") == ["β₁", "β₂"])
        // "β₁" has the same stroke in every panel.
        let lines = svg.all("path", class: "line")
        #expect(lines.count == 8)
        #expect(Set(stride(from: 0, to: 8, by: 2).map { lines[$0].attributes["stroke"]! }).count == 1)
        // Shared y range: the same tick labels in every panel.
        #expect(svg.texts(class: "panel-title") == ["GD", "ℓ₂-SAM", "ℓ∞-SAM", "USAM"])
    }

    @Test func jsonRoundTripRendersTheSameSVG() throws {
        for (name, figure) in ExampleFigures.all {
            let data = try figure.jsonData()
            let back = try Figure(jsonData: data)
            #expect(SVGRenderer.render(back).svg == SVGRenderer.render(figure).svg, "\(name)")
        }
        let text = String(decoding: try ExampleFigures.phaseDiagram.jsonData(), as: UTF8.self)
        #expect(text.contains("\"heatMap\"") && text.contains("\"NaN\""))
    }

    @Test func legendAvoidsTheData() {
        // Data fills the upper right and lower left: the legend must go to another corner.
        var panel = Panel(x: Axis("x"), y: Axis("y"))
        let x = (0...100).map { Double($0) / 100 }
        panel.add(LineSeries(x: x, y: x.map { $0 < 0.5 ? 0.05 : 0.95 }, label: "step"))
        let out = SVGRenderer.render(Figure(panel))
        let box = out.textBoxes.first { $0.role == "legend-label" }!.rect
        // Upper right (y = 0.95 for x > 0.5) and lower left are occupied: upper left or lower right it is.
        let left = box.midX < out.width / 2, top = box.midY < out.height / 2
        #expect(left == top, "legend at \(box)")
    }
}

@Suite struct LargeInputTests {
    @Test func longSeriesAndBigHeatMapsStayCompact() {
        let n = 100_000
        let x = (0..<n).map(Double.init)
        var panel = Panel(x: Axis("step"), y: .log("loss"))
        panel.add(LineSeries(x: x, y: x.map { exp(-$0 / 20_000) * (1.1 + sin($0 / 500)) }, label: "loss"))
        let start = Date()
        let out = SVGRenderer.render(Figure(panel))
        var heat = Panel()
        heat.add(HeatMap(values: (0..<200).map { r in (0..<200).map { c in Double(r * c % 17) } }))
        let heatOut = SVGRenderer.render(Figure(heat))
        let elapsed = Date().timeIntervalSince(start)
        print("100k-point line: \(out.svg.utf8.count) bytes; 200×200 heat map: \(heatOut.svg.utf8.count) bytes; \(elapsed) s")
        // A 480 × 320 figure cannot show more than a few thousand distinct vertices.
        #expect(out.svg.utf8.count < 400_000)
        #expect(heatOut.svg.utf8.count < 1_500_000)
        #expect(elapsed < 20)
    }
}

@Suite struct EdgeCaseTests {
    @Test func isolatedPointsBetweenGapsStayVisible() {
        let panel = Panel(layers: [.line(LineSeries(x: [0, 1, 2, 3, 4], y: [1, .nan, 2, .nan, 3]))])
        let out = SVGRenderer.render(Figure(panel))
        let svg = ParsedSVG(out.svg)
        #expect(svg.count("path", class: "line") == 0)
        #expect(svg.all("path", class: "markers").first?.attributes["data-count"] == "3")
        #expect(out.warnings.count == 1 && out.warnings[0].contains("2 NaN or infinite values"))
    }

    @Test func annotationsOutsideTheAxesAreReported() {
        var panel = Panel(x: Axis(domain: 0...1), y: Axis(domain: 0...1))
        panel.add(TextAnnotation("inside", x: 0.5, y: 0.5))
        panel.add(TextAnnotation("outside", x: 5, y: 0.5))
        let out = SVGRenderer.render(Figure(panel))
        #expect(ParsedSVG(out.svg).texts(class: "annotation") == ["inside"])
        #expect(out.warnings.contains { $0.contains("'outside'") })
    }

    @Test func explicitLegendCornerAndOutsideLegend() {
        for placement in LegendPlacement.allCases {
            var panel = Panel(legend: placement)
            panel.add(LineSeries(x: [0, 1], y: [0, 1], label: "a"))
            let out = SVGRenderer.render(Figure(panel))
            let svg = ParsedSVG(out.svg)
            #expect(svg.count("g", class: "legend") == (placement == .none ? 0 : 1), "\(placement)")
            if placement == .outside {
                let label = out.textBoxes.first { $0.role == "legend-label" }!.rect
                let frame = svg.all("rect", class: "frame")[0]
                #expect(label.minX > Double(frame.attributes["x"]!)! + Double(frame.attributes["width"]!)!)
            }
        }
    }

    @Test func explicitPaletteIndicesAreRespectedAndAutoIndicesAvoidThem() {
        var panel = Panel()
        panel.add(LineSeries(x: [0, 1], y: [0, 1], label: "fixed", style: .palette(0)))
        panel.add(LineSeries(x: [0, 1], y: [1, 0], label: "auto"))
        let lines = ParsedSVG(SVGRenderer.render(Figure(panel)).svg).all("path", class: "line")
        #expect(lines[0].attributes["stroke"] == Palette.color(0).hex)
        #expect(lines[1].attributes["stroke"] == Palette.color(1).hex)
    }
}
