/// One color bar for a whole figure, beside the panel grid on the right: the scale of small multiples that share a
/// color map and range (the Grad-CAM maps of Fig 5), where a bar in every panel would repeat itself and make one
/// column's images smaller than the others'.
///
/// The panels' own heat maps should then set `showsColorBar: false` and use the same `colorMap` and `valueRange`;
/// the bar states that scale once, vertically centered on the grid.
public struct FigureColorBar: Sendable, Codable, Equatable {
    /// The map the panels' heat maps use.
    public var colorMap: ColorMap
    /// The values at the bar's bottom and top (the panels' `valueRange`).
    public var range: ClosedRange<Double>
    /// Linear or log10 spacing of the values along the bar.
    public var scale: Scale
    /// The bar's title, written along it; nil for none.
    public var label: String?

    /// A color bar for `colorMap` over `range`, with an optional title.
    public init(colorMap: ColorMap = .viridis, range: ClosedRange<Double>, scale: Scale = .linear, label: String? = nil) {
        self.colorMap = colorMap
        self.range = range
        self.scale = scale
        self.label = label
    }
}

/// The gradient and the ticks of a color bar, shared by a panel's bar and a figure's (`FigureColorBar`).
enum _ColorBarPainter {
    static let ink = "#333333"

    /// Draws the bar `r` filled with `colorMap` bottom to top, framed, with ticks (and their labels) at `map`'s
    /// pixels on its right; returns nothing, the labels go through `svg.text` so overlaps are checked.
    static func draw(_ r: Rect, colorMap: ColorMap, map: AxisMap, ticks: [Tick], id: String, fontSize fs: Double,
                     into svg: inout SVGWriter) {
        let n = SVGWriter.number
        var stops = ""
        for k in 0...16 {
            let t = Double(k) / 16
            stops += "<stop offset=\"\(n(t))\" stop-color=\"\(colorMap.color(at: t).hex)\"/>"
        }
        svg.define("<linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\(stops)</linearGradient>")
        svg.element("rect", [("x", n(r.minX)), ("y", n(r.minY)), ("width", n(r.width)), ("height", n(r.height)),
                             ("fill", "url(#\(id))"), ("stroke", ink), ("stroke-width", "0.6")])
        let tl = PanelLayout.tickLength, gap = PanelLayout.tickLabelGap
        var major = "", minor = ""
        for tick in ticks {
            guard let p = map.pixel(tick.value), p >= r.minY - 0.5, p <= r.maxY + 0.5 else { continue }
            if tick.isMajor { major += "M\(n(r.maxX)),\(n(p))h\(n(tl))" } else { minor += "M\(n(r.maxX)),\(n(p))h\(n(PanelLayout.minorTickLength))" }
            if let label = tick.label {
                svg.text(label, x: r.maxX + tl + gap, y: p + 0.33 * fs, fontSize: fs, role: "colorbar-tick-label",
                         droppable: true)
            }
        }
        for (d, w) in [(major, "0.8"), (minor, "0.6")] where !d.isEmpty {
            svg.element("path", [("class", "ticks"), ("d", d), ("stroke", ink), ("stroke-width", w), ("fill", "none")])
        }
    }

    /// A figure's bar laid out at the right of `area`: its rectangle, value map, ticks and the width it takes
    /// (from the grid's right edge to the figure's).
    static func layout(_ bar: FigureColorBar, area: Rect, theme: Theme)
        -> (rect: Rect, map: AxisMap, ticks: [Tick], tickLabelWidth: Double, extent: Double) {
        let fs = theme.tickFontSize, ls = theme.labelFontSize
        let lower = bar.scale.transform(bar.range.lowerBound) ?? 0, upper = bar.scale.transform(bar.range.upperBound) ?? 1
        let height = max(min(area.height * 0.7, area.height - 2 * PanelLayout.pad), 20)
        let ticks = Ticks.fitted(scale: bar.scale, lower: bar.range.lowerBound, upper: bar.range.upperBound,
                                 length: height, fontSize: fs, horizontal: false)
        let tickLabelWidth = ticks.compactMap { $0.label.map { TextMetrics.width($0, fontSize: fs) } }.max() ?? 0
        let extent = PanelLayout.colorBarGap + PanelLayout.colorBarWidth + PanelLayout.tickLength + PanelLayout.tickLabelGap
            + tickLabelWidth + (bar.label == nil ? 0 : PanelLayout.axisLabelGap + TextMetrics.height(fontSize: ls))
            + PanelLayout.pad
        let rect = Rect(x: area.maxX - extent + PanelLayout.colorBarGap, y: area.minY + (area.height - height) / 2,
                        width: PanelLayout.colorBarWidth, height: height)
        let map = AxisMap(scale: bar.scale, lower: lower, upper: upper, start: rect.maxY, end: rect.minY)
        return (rect, map, ticks, tickLabelWidth, extent)
    }
}
