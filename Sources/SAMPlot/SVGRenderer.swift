import Foundation

/// Renders any `Figure` to SVG. One code path for every figure, so they all share fonts, palette, ticks and layout.
///
/// Steps: check every panel's data against its axes (collecting warnings), settle axis ranges (shared ones across
/// panels if asked), lay out title, shared legend and the panel grid, size margins from the text they must hold,
/// then draw. The document is self-contained SVG 1.1: no scripts, no external references, text as text (so it
/// stays searchable and editable), font-family "DejaVu Sans, sans-serif".
public enum SVGRenderer {
    /// The figure as SVG, with warnings for whatever could not be shown; never fails.
    public static func render(_ figure: Figure) -> RenderedFigure {
        var warnings: [String] = []
        var figure = figure
        if !(figure.width.isFinite && figure.width >= 50) || !(figure.height.isFinite && figure.height >= 50) {
            warnings.append("figure size \(figure.width) × \(figure.height) is too small; 480 × 320 is used instead")
            figure.width = 480
            figure.height = 320
        }
        let theme = figure.theme
        let columns = figure.gridColumns, rows = figure.gridRows
        if figure.panels.count > rows * columns {
            warnings.append("the figure has \(figure.panels.count) panels but a \(rows) × \(columns) grid; "
                            + "the last \(figure.panels.count - rows * columns) are left out")
        }
        let panels = Array(figure.panels.prefix(rows * columns))

        // Data against axes.
        let assigner = StyleAssigner(figure: figure)
        let data = panels.enumerated().map { i, panel in
            PanelData(panel: panel, index: i, columns: columns, assigner: assigner, theme: theme, warnings: &warnings)
        }
        var xExtents = data.map(\.xExtent), yExtents = data.map(\.yExtent)
        for (share, isX) in [(figure.shareX, true), (figure.shareY, false)] where share {
            for scale in Scale.allCases {
                let members = data.indices.filter {
                    let axis = isX ? data[$0].panel.x : data[$0].panel.y
                    return axis.scale == scale && axis.domain == nil
                }
                var union = Extent()
                for i in members { union.add(isX ? data[i].xExtent : data[i].yExtent) }
                for i in members { if isX { xExtents[i] = union } else { yExtents[i] = union } }
            }
        }
        let xRanges = data.indices.map {
            PanelData.range(axis: data[$0].panel.x, extent: xExtents[$0], hasHeatMap: data[$0].panel.hasHeatMap,
                            axisName: "x", panelName: data[$0].name, warnings: &warnings)
        }
        let yRanges = data.indices.map {
            PanelData.range(axis: data[$0].panel.y, extent: yExtents[$0], hasHeatMap: data[$0].panel.hasHeatMap,
                            axisName: "y", panelName: data[$0].name, warnings: &warnings)
        }
        for d in data where d.panel.equalAspect && (d.panel.x.scale != .linear || d.panel.y.scale != .linear) {
            warnings.append("\(d.name): equal aspect needs two linear axes; it is ignored")
        }
        for d in data where d.heatMaps.values.filter({ $0.source.showsColorBar }).count > 1 {
            warnings.append("\(d.name): several heat maps with color bars; only the first one's color bar is drawn")
        }

        var svg = SVGWriter()
        let pad = PanelLayout.pad
        svg.element("rect", [("class", "background"), ("width", SVGWriter.number(figure.width)),
                             ("height", SVGWriter.number(figure.height)), ("fill", "#ffffff")])
        var area = Rect(x: 0, y: 0, width: figure.width, height: figure.height)

        // Figure title.
        if let title = figure.title {
            let size = theme.figureTitleFontSize
            let fit = TextMetrics.fit(title, maxWidth: figure.width - 2 * pad, fontSize: size, minSize: max(size * 0.8, 7),
                                      bold: true)
            if fit.shortened { warnings.append("the figure title '\(title)' is too long; shortened to '\(fit.text)'") }
            svg.text(fit.text, x: figure.width / 2, y: pad + TextMetrics.ascent * fit.fontSize, fontSize: fit.fontSize,
                     anchor: .middle, role: "figure-title", bold: true, color: "#111111")
            let used = pad + TextMetrics.height(fontSize: fit.fontSize) + 2
            area.y += used
            area.height -= used
        }

        // Shared legend: entries of all panels that defer to it, each label once.
        var sharedBox: LegendBox?
        var sharedRows: [[LegendEntry]] = []
        if let placement = figure.sharedLegend {
            var entries: [LegendEntry] = []
            for d in data where d.panel.legend == .auto {
                for e in d.legendEntries where !entries.contains(where: { $0.label == e.label }) { entries.append(e) }
            }
            if !entries.isEmpty {
                var box = LegendBox(entries: entries, fontSize: theme.legendFontSize)
                let limit = placement == .bottom ? figure.width - 2 * pad - 40 : figure.width * 0.3
                box.limitLabels(to: limit, warnings: &warnings)
                sharedBox = box
                switch placement {
                case .bottom:
                    sharedRows = box.rows(maxWidth: figure.width - 2 * pad)
                    area.height -= box.rowsHeight(sharedRows) + pad
                case .right:
                    area.width -= box.size.width + 2 * pad
                }
            }
        }
        var figureBar: (rect: Rect, map: AxisMap, ticks: [Tick], tickLabelWidth: Double, extent: Double)?
        if let bar = figure.colorBar {
            if bar.range.lowerBound.isFinite && bar.range.upperBound.isFinite && bar.range.lowerBound < bar.range.upperBound
                && (bar.scale == .linear || bar.range.lowerBound > 0) {
                let laid = _ColorBarPainter.layout(bar, area: area, theme: theme)
                figureBar = laid
                area.width -= laid.extent
            } else {
                warnings.append("the figure's color bar range \(bar.range) cannot be shown on a \(bar.scale) scale; it is left out")
            }
        }
        if area.width < 60 || area.height < 60 {
            warnings.append("the figure is too small for its title and legend; panels are drawn smaller than legible")
            area.width = max(area.width, 60)
            area.height = max(area.height, 60)
        }

        // Grid cells, then margins until ticks and margins agree.
        let cellWidth = area.width / Double(columns), cellHeight = area.height / Double(rows)
        let cells = data.indices.map { i in
            Rect(x: area.minX + Double(i % columns) * cellWidth, y: area.minY + Double(i / columns) * cellHeight,
                 width: cellWidth, height: cellHeight)
        }
        let modes: [PanelLayout.LegendMode] = data.map { d in
            switch d.panel.legend {
            case .none: return .none
            case .outside: return .outside
            case .auto where sharedBox != nil: return .shared
            default: return .inside(d.panel.legend)
            }
        }
        func layouts(_ margins: [PanelLayout.Margins]) -> [PanelLayout] {
            let aligned = align(margins, rows: rows, columns: columns)
            return data.indices.map { i in
                let m = aligned[i], cell = cells[i]
                let plot = Rect(x: cell.minX + m.left, y: cell.minY + m.top,
                                width: max(cell.width - m.left - m.right, 20), height: max(cell.height - m.top - m.bottom, 20))
                return PanelLayout(data: data[i], xRange: xRanges[i], yRange: yRanges[i], cell: cell, plot: plot,
                                   theme: theme, legendMode: modes[i])
            }
        }
        var margins = data.map { _ in PanelLayout.Margins(left: 50, right: 12, top: 20, bottom: 36) }
        var laid = layouts(margins)
        for pass in 0..<8 {
            let required = laid.map(\.required)
            if !zip(required, margins).contains(where: { $0.differs(from: $1, by: 0.25) }) { break }
            // After a few passes margins may only grow, so ticks and margins cannot chase each other forever.
            margins = pass < 3 ? required : zip(required, margins).map { n, o in
                PanelLayout.Margins(left: max(n.left, o.left), right: max(n.right, o.right), top: max(n.top, o.top),
                                    bottom: max(n.bottom, o.bottom))
            }
            laid = layouts(margins)
        }
        for (i, l) in laid.enumerated() {
            if l.plot.width <= 20.5 || l.plot.height <= 20.5 {
                warnings.append("\(data[i].name) is too small for its labels; enlarge the figure or shorten the labels")
            }
        }

        // Draw.
        if data.contains(where: { $0.heatMaps.values.contains { $0.hasMissing } }) {
            svg.define("<pattern id=\"nan-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\">"
                       + "<rect width=\"6\" height=\"6\" fill=\"#e4e4e4\"/>"
                       + "<path d=\"M-1,1L1,-1M0,6L6,0M5,7L7,5\" stroke=\"#8a8a8a\" stroke-width=\"0.9\"/></pattern>")
        }
        for i in data.indices {
            var renderer = PanelRenderer(data: data[i], layout: laid[i], theme: theme, index: i)
            renderer.draw(into: &svg, warnings: &warnings)
        }
        if let box = sharedBox, let placement = figure.sharedLegend {
            switch placement {
            case .bottom:
                box.drawRows(sharedRows, centerX: figure.width / 2, top: area.maxY, into: &svg)
            case .right:
                let size = box.size
                box.drawList(at: Point(x: area.maxX + pad, y: area.minY + max((area.height - size.height) / 2, 0)),
                             framed: false, into: &svg)
            }
        }

        if let bar = figure.colorBar, let laid = figureBar {
            svg.open("g", [("class", "colorbar figure-colorbar")])
            _ColorBarPainter.draw(laid.rect, colorMap: bar.colorMap, map: laid.map, ticks: laid.ticks, id: "colorbar-figure",
                                  fontSize: theme.tickFontSize, into: &svg)
            if let label = bar.label {
                let ls = theme.labelFontSize
                let fit = TextMetrics.fit(label, maxWidth: area.height, fontSize: ls, minSize: max(ls * 0.8, 7))
                if fit.shortened { warnings.append("the color bar label '\(label)' is too long; shortened to '\(fit.text)'") }
                let x = laid.rect.maxX + PanelLayout.tickLength + PanelLayout.tickLabelGap + laid.tickLabelWidth
                    + PanelLayout.axisLabelGap + TextMetrics.ascent * fit.fontSize
                svg.text(fit.text, x: x, y: laid.rect.midY, fontSize: fit.fontSize, anchor: .middle, role: "axis-label",
                         rotation: -90)
            }
            svg.close("g")
        }

        var seen = Set<String>()
        let unique = warnings.filter { seen.insert($0).inserted }
        return RenderedFigure(svg: svg.document(width: figure.width, height: figure.height, fontFamily: theme.fontFamily),
                              warnings: unique, width: figure.width, height: figure.height, textBoxes: svg.textBoxes)
    }

    /// Margins made equal along grid columns (left, right) and rows (top, bottom), so panels line up.
    static func align(_ margins: [PanelLayout.Margins], rows: Int, columns: Int) -> [PanelLayout.Margins] {
        var left = [Double](repeating: 0, count: columns), right = left
        var top = [Double](repeating: 0, count: rows), bottom = top
        for (i, m) in margins.enumerated() {
            let r = i / columns, c = i % columns
            left[c] = max(left[c], m.left)
            right[c] = max(right[c], m.right)
            top[r] = max(top[r], m.top)
            bottom[r] = max(bottom[r], m.bottom)
        }
        return margins.indices.map { i in
            PanelLayout.Margins(left: left[i % columns], right: right[i % columns], top: top[i / columns],
                                bottom: bottom[i / columns])
        }
    }
}
