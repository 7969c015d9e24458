/// Measures and draws legends: a boxed vertical list (in a panel corner, in a margin, or right of the figure) or
/// wrapped rows (a shared legend under the figure).
///
/// Samples are 22 pt wide so dash patterns show at least one full period; labels longer than `maxLabelWidth` are
/// cut with an ellipsis (reported as a warning) rather than pushing the plot off the page.
struct LegendBox {
    var entries: [LegendEntry]
    var fontSize: Double

    static let sampleWidth = 22.0
    static let padding = 5.0
    static let sampleGap = 5.0
    static let columnGap = 14.0

    var rowHeight: Double { max(fontSize * 1.45, 11) }

    func labelWidth(_ e: LegendEntry) -> Double { TextMetrics.width(e.label, fontSize: fontSize) }

    func entryWidth(_ e: LegendEntry) -> Double {
        e.glyph == .heading ? labelWidth(e) : Self.sampleWidth + Self.sampleGap + labelWidth(e)
    }

    /// Size of the vertical list with its frame.
    var size: (width: Double, height: Double) {
        let w = entries.map(entryWidth).max() ?? 0
        return (w + 2 * Self.padding, Double(entries.count) * rowHeight + 2 * Self.padding - (rowHeight - fontSize * 1.2))
    }

    /// Cuts labels to `maxLabelWidth`.
    mutating func limitLabels(to maxLabelWidth: Double, warnings: inout [String]) {
        for i in entries.indices {
            let fitted = TextMetrics.fit(entries[i].label, maxWidth: maxLabelWidth, fontSize: fontSize, minSize: fontSize)
            if fitted.shortened {
                warnings.append("legend label '\(entries[i].label)' is too long; shortened to '\(fitted.text)'")
                entries[i].label = fitted.text
            }
        }
    }

    /// Rows for a horizontal legend at most `maxWidth` wide.
    func rows(maxWidth: Double) -> [[LegendEntry]] {
        var rows: [[LegendEntry]] = []
        var current: [LegendEntry] = []
        var width = 0.0
        for e in entries {
            let w = entryWidth(e) + (current.isEmpty ? 0 : Self.columnGap)
            if !current.isEmpty && width + w > maxWidth - 2 * Self.padding {
                rows.append(current)
                current = []
                width = 0
            }
            width += current.isEmpty ? entryWidth(e) : w
            current.append(e)
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    func rowsHeight(_ rows: [[LegendEntry]]) -> Double {
        Double(rows.count) * rowHeight + 2 * Self.padding - (rowHeight - fontSize * 1.2)
    }

    /// Vertical list with its top-left corner at `origin`.
    func drawList(at origin: Point, framed: Bool, into svg: inout SVGWriter) {
        let (w, h) = size
        svg.open("g", [("class", "legend")])
        if framed {
            svg.element("rect", [("x", SVGWriter.number(origin.x)), ("y", SVGWriter.number(origin.y)),
                                 ("width", SVGWriter.number(w)), ("height", SVGWriter.number(h)), ("rx", "2"),
                                 ("fill", "#ffffff"), ("fill-opacity", "0.9"), ("stroke", "#b0b0b0"),
                                 ("stroke-width", "0.6")])
        }
        for (i, e) in entries.enumerated() {
            let centerY = origin.y + Self.padding + fontSize * 0.6 + Double(i) * rowHeight
            drawEntry(e, x: origin.x + Self.padding, centerY: centerY, into: &svg)
        }
        svg.close("g")
    }

    /// Rows centered on `centerX`, the first row's top at `top`.
    func drawRows(_ rows: [[LegendEntry]], centerX: Double, top: Double, into svg: inout SVGWriter) {
        svg.open("g", [("class", "legend")])
        for (r, row) in rows.enumerated() {
            let total = row.map(entryWidth).reduce(0, +) + Double(row.count - 1) * Self.columnGap
            var x = centerX - total / 2
            let centerY = top + Self.padding + fontSize * 0.6 + Double(r) * rowHeight
            for e in row {
                drawEntry(e, x: x, centerY: centerY, into: &svg)
                x += entryWidth(e) + Self.columnGap
            }
        }
        svg.close("g")
    }

    private func drawEntry(_ e: LegendEntry, x: Double, centerY y: Double, into svg: inout SVGWriter) {
        let n = SVGWriter.number
        let x1 = x + Self.sampleWidth
        switch e.glyph {
        case let .line(style):
            var a: SVGWriter.Attributes = [("class", "legend-sample"), ("d", "M\(n(x)),\(n(y))H\(n(x1))")]
            a += style.strokeAttributes
            svg.element("path", a)
            if let m = style.marker {
                PanelRenderer.drawMarkers([Point(x: (x + x1) / 2, y: y)], shape: m, size: 5 + style.width,
                                          color: style.color, opacity: style.opacity, into: &svg)
            }
        case let .marker(style, size):
            PanelRenderer.drawMarkers([Point(x: (x + x1) / 2, y: y)], shape: style.marker ?? .circle,
                                      size: min(size, fontSize), color: style.color, opacity: style.opacity, into: &svg)
        case let .swatch(color, opacity, hatched):
            let box: SVGWriter.Attributes = [("x", n(x + 2)), ("y", n(y - fontSize * 0.45)),
                                             ("width", n(Self.sampleWidth - 4)), ("height", n(fontSize * 0.9))]
            svg.element("rect", [("class", "legend-sample")] + box
                        + [("fill", color.hex), ("fill-opacity", n(min(1, max(opacity * 1.6, 0.3)))),
                           ("stroke", color.hex), ("stroke-opacity", "0.8"), ("stroke-width", "0.6")])
            if hatched { svg.element("rect", [("class", "legend-sample")] + box + [("fill", svg.hatchFill(color))]) }
        case .heading:
            svg.text(e.label, x: x, y: y + fontSize * 0.33, fontSize: fontSize, role: "legend-heading", bold: true)
            return
        case .missing:
            svg.element("rect", [("class", "legend-sample missing-key"), ("x", n(x + 2)), ("y", n(y - fontSize * 0.45)),
                                 ("width", n(Self.sampleWidth - 4)), ("height", n(fontSize * 0.9)),
                                 ("fill", "url(#nan-hatch)"), ("stroke", "#333333"), ("stroke-width", "0.6")])
        case let .trajectory(style):
            var a: SVGWriter.Attributes = [("class", "legend-sample"), ("d", "M\(n(x + 3)),\(n(y))H\(n(x1 - 3))")]
            a += style.strokeAttributes
            svg.element("path", a)
            svg.element("circle", [("cx", n(x + 3)), ("cy", n(y)), ("r", n(2.5 + style.width * 0.4)),
                                   ("fill", style.color.hex), ("stroke", "#ffffff"), ("stroke-width", "0.8")])
            PanelRenderer.drawArrowhead(tip: Point(x: x1, y: y), from: Point(x: x, y: y), width: style.width,
                                        color: style.color, role: "legend-sample", into: &svg)
        }
        svg.text(e.label, x: x1 + Self.sampleGap, y: y + fontSize * 0.33, fontSize: fontSize, role: "legend-label")
    }
}
