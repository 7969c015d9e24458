import Foundation
@testable import SAMPlot
import Testing

/// Label markup (sub- and superscripts as tspans) and categorical heat maps (a legend of named swatches instead of
/// a color bar).
@Suite struct MarkupAndCategoryTests {
    @Test func markupSplitsScriptsAndKeepsEverythingElse() {
        #expect(Markup.runs("β_j") == [.init(text: "β", position: .normal), .init(text: "j", position: .sub)])
        #expect(Markup.runs("x^{10}y") == [.init(text: "x", position: .normal), .init(text: "10", position: .sup),
                                            .init(text: "y", position: .normal)])
        #expect(Markup.plain("max_j |β_j − β_j(flow)|") == "maxj |βj − βj(flow)|")
        // Escapes, a trailing marker, a marker before a space and an unclosed group are all valid labels.
        #expect(Markup.plain("a\\_b") == "a_b")
        #expect(Markup.plain("x_") == "x_")
        #expect(Markup.plain("a _ b") == "a _ b")
        #expect(Markup.runs("α_{c") == [.init(text: "α", position: .normal), .init(text: "c", position: .sub)])
        #expect(Markup.plain("step size η") == "step size η")
    }

    @Test func aSubscriptBecomesAShiftedSmallerTspan() {
        var panel = Panel(x: Axis("rescaled time s"), y: .log("β_j"))
        panel.add(LineSeries(x: [0, 1], y: [1, 10], label: "e^{2t}"))
        let out = SVGRenderer.render(Figure(panel))
        let svg = ParsedSVG(out.svg)
        #expect(svg.isWellFormed, "\(svg.error ?? "")")
        #expect(svg.texts(class: "axis-label").contains("βj"))
        #expect(!out.svg.contains("β_j"))
        let spans = svg.all("tspan")
        #expect(spans.contains { $0.text == "j" && $0.attributes["dy"] != nil && $0.attributes["font-size"] == "7.7" })
        // The superscript is raised (negative dy) and the text after a script returns to the baseline.
        #expect(spans.contains { $0.text == "2t" && ($0.attributes["dy"].flatMap(Double.init) ?? 0) < 0 })
        #expect(TextMetrics.width("β_j", fontSize: 10) < TextMetrics.width("βj", fontSize: 10))
        // Spaces at tspan boundaries are kept (librsvg trims them otherwise).
        #expect(svg.all("text", class: "axis-label").contains { $0.attributes["xml:space"] == "preserve" })
        #expect(svg.all("text", class: "axis-label").first { $0.text == "rescaled time s" }?.attributes["xml:space"] == nil)
    }

    @Test func fittingKeepsMarkupIntact() {
        let fit = TextMetrics.fit("max_{jk} |β_{jk}| and a long tail of words", maxWidth: 60, fontSize: 10, minSize: 10)
        #expect(fit.shortened && fit.text.hasSuffix("…"))
        #expect(fit.text.filter { $0 == "{" }.count == fit.text.filter { $0 == "}" }.count)
    }

    @Test func categoricalHeatMapHasALegendOfCategoriesAndNoColorBar() {
        var panel = Panel(x: Axis("α_1"), y: Axis("α_2"))
        panel.add(HeatMap(values: [[0, 1, 2], [2, 1, .nan]], categories: ["β → 0", "e_1", "e_2", "never shown"],
                          label: "limit"))
        let out = SVGRenderer.render(Figure(panel))
        let svg = ParsedSVG(out.svg)
        #expect(svg.isWellFormed, "\(svg.error ?? "")")
        #expect(svg.count("g", class: "colorbar") == 0)
        #expect(svg.texts(class: "colorbar-tick-label").isEmpty)
        #expect(svg.texts(class: "legend-heading") == ["limit"])
        #expect(svg.texts(class: "legend-label") == ["β → 0", "e1", "e2", "no data"])
        // One fill per category present (palette colors 0, 1, 2) plus the hatched missing cell.
        let fills = Set(svg.all("path", class: "cells").compactMap { $0.attributes["fill"] })
        #expect(fills == [Palette.color(0).hex, Palette.color(1).hex, Palette.color(2).hex, "url(#nan-hatch)"])
        #expect(out.warnings.isEmpty, "\(out.warnings)")
    }

    @Test func categoricalHeatMapRoundTripsThroughJSON() throws {
        let figure = Figure(Panel(layers: [.heatMap(HeatMap(values: [[0, 1]], categories: ["a", "b"],
                                                            colors: [Color(hex: "#111111"), Color(hex: "#222222")]))]))
        #expect(try Figure(jsonData: figure.jsonData()) == figure)
    }

    @Test func maxDecadesKeepsTheInformativeEndOfALogAxis() {
        var warnings: [String] = []
        var extent = Extent()
        extent.add(-60)
        extent.add(0)
        let top = PanelData.range(axis: Axis(scale: .log10, padding: 0, maxDecades: 12), extent: extent, hasHeatMap: false,
                                  axisName: "y", panelName: "p", warnings: &warnings)
        #expect(top.lower == -12 && top.upper == 0)
        let bottom = PanelData.range(axis: Axis(scale: .log10, padding: 0, maxDecades: 12, keepsTop: false), extent: extent,
                                     hasHeatMap: false, axisName: "y", panelName: "p", warnings: &warnings)
        #expect(bottom.lower == -60 && bottom.upper == -48)
        // Linear axes and narrower data are untouched.
        let linear = PanelData.range(axis: Axis(padding: 0, maxDecades: 12), extent: extent, hasHeatMap: false,
                                     axisName: "y", panelName: "p", warnings: &warnings)
        #expect(linear.lower == -60)
        #expect(warnings.isEmpty)
    }

    @Test func linesOverBandsGetAWhiteCasing() {
        var panel = Panel()
        panel.add(ShadedInterval(start: 0, end: 1, colorIndex: -1, label: "nothing grows"))
        panel.add(LineSeries(x: [0, 1], y: [0, 1], label: "loss", style: .palette(7)))
        let svg = ParsedSVG(SVGRenderer.render(Figure(panel)).svg)
        #expect(svg.count("path", class: "line-casing") == 1 && svg.count("path", class: "line") == 1)
        // The neutral band: grey, unhatched, with its legend entry.
        #expect(svg.all("rect", class: "interval").first?.attributes["fill"] == "#8c8c8c")
        #expect(svg.count("rect", class: "interval-hatch") == 0)
        #expect(svg.texts(class: "legend-label").contains("nothing grows"))
        // Without bands there is no casing.
        let plain = ParsedSVG(SVGRenderer.render(Figure(Panel(layers: [.line(LineSeries(x: [0, 1], y: [0, 1]))]))).svg)
        #expect(plain.count("path", class: "line-casing") == 0)
    }

    @Test func explicitTicksLabelEveryGridValue() {
        var panel = Panel(x: Axis("step size η", scale: .log10, ticks: [0.0025, 0.005, 0.01, 0.02]), y: .log("error"))
        panel.add(LineSeries(x: [0.0025, 0.005, 0.01, 0.02], y: [1e-4, 2e-4, 4e-4, 8e-4]))
        let svg = ParsedSVG(SVGRenderer.render(Figure(panel)).svg)
        let labels = svg.texts(class: "tick-label")
        #expect(["0.0025", "0.005", "0.01", "0.02"].allSatisfy(labels.contains), "\(labels)")
    }
}
