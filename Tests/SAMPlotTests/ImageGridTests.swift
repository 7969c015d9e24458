import Foundation
@testable import SAMPlot
import Testing

/// Small multiples of images (the Grad-CAM grids): hidden axes, a frame fitted to the image, one color bar.
@Suite struct ImageGridTests {
    /// A 28 x 28 heat map in a panel with hidden axes over exactly the image, rows downwards.
    func image(_ fill: Double, title: String? = nil) -> Panel {
        var panel = Panel(title: title, x: .hidden(domain: 0...28), y: .hidden(domain: 0...28, reversed: true),
                          grid: false, equalAspect: true)
        let rows = (0..<28).map { r in (0..<28).map { c in fill * Double(r + c) / 54 } }
        panel.add(HeatMap(values: rows, xEdges: (0...28).map(Double.init), yEdges: (0...28).map(Double.init),
                          valueRange: 0...1, showsColorBar: false))
        return panel
    }

    func frames(_ svg: ParsedSVG) -> [(x: Double, y: Double, w: Double, h: Double)] {
        svg.all("rect", class: "frame").map {
            (Double($0.attributes["x"]!)!, Double($0.attributes["y"]!)!, Double($0.attributes["width"]!)!,
             Double($0.attributes["height"]!)!)
        }
    }

    @Test func imagePanelsAreSquareFramesWithoutTicksAndShareOneColorBar() {
        let panels = [image(1, title: "input"), image(0.5, title: "GD"), image(0.25), image(1)]
        // Tall cells: a widened range would leave blank strips above and below each image.
        let figure = Figure(title: "grid", width: 500, height: 700, columns: 2, panels: panels,
                            colorBar: FigureColorBar(range: 0...1, label: "relative CAM"))
        let out = SVGRenderer.render(figure)
        let svg = ParsedSVG(out.svg)
        #expect(svg.isWellFormed, "\(svg.error ?? "")")
        #expect(out.warnings.isEmpty, "\(out.warnings)")
        #expect(svg.texts(class: "tick-label").isEmpty)
        let boxes = frames(svg)
        #expect(boxes.count == 4)
        for b in boxes { #expect(abs(b.w - b.h) < 0.02, "frame \(b.w) x \(b.h) is not square") }
        // Every image the same size, and the cells (first row's first run) start at the frame's corner.
        #expect(Set(boxes.map { Int(($0.w * 10).rounded()) }).count == 1)
        let firstCells = svg.all("path", class: "cells").first!.attributes["d"]!
        #expect(firstCells.hasPrefix("M\(SVGWriter.number(boxes[0].x)),\(SVGWriter.number(boxes[0].y))"), "\(firstCells.prefix(40))")
        // One bar for the figure, right of every image, labeled 0 to 1 with its title.
        #expect(svg.count("g", class: "figure-colorbar") == 1)
        let barTicks = svg.texts(class: "colorbar-tick-label")
        #expect(barTicks.first == "0" && barTicks.last == "1", "\(barTicks)")
        #expect(svg.texts(class: "axis-label") == ["relative CAM"])
        let bar = svg.all("g", class: "figure-colorbar")
        #expect(!bar.isEmpty)
        let barX = svg.all("rect").compactMap { e -> Double? in
            e.attributes["fill"] == "url(#colorbar-figure)" ? Double(e.attributes["x"]!) : nil
        }
        #expect(barX.count == 1)
        #expect(boxes.allSatisfy { $0.x + $0.w < barX[0] })
    }

    @Test func aColorBarWithAnEmptyRangeIsLeftOutWithAWarning() {
        let figure = Figure(width: 300, height: 300, panels: [image(1)],
                            colorBar: FigureColorBar(range: 0...0))
        let out = SVGRenderer.render(figure)
        #expect(out.warnings.contains { $0.contains("color bar range") })
        #expect(ParsedSVG(out.svg).count("g", class: "figure-colorbar") == 0)
    }

    @Test func hiddenAxesRoundTripThroughJSONAndOldSpecsStillRead() throws {
        let figure = Figure(panels: [image(1)], colorBar: FigureColorBar(range: 0...1))
        #expect(try Figure(jsonData: figure.jsonData()) == figure)
        // A spec written before `hidden` and `colorBar` existed has neither key.
        let old = try JSONSerialization.jsonObject(with: Figure(Panel(x: Axis("a"))).jsonData()) as! [String: Any]
        #expect(old["colorBar"] == nil)
        let axis = ((old["panels"] as! [[String: Any]])[0]["x"] as! [String: Any])
        #expect(axis["hidden"] == nil)
    }
}
