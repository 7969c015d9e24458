import Foundation

/// Draws one laid-out panel: data layers inside a clip path, then frame, ticks, labels, in-plot text and legend.
///
/// Text is placed last and checked against the text already on the page: interval and reference-line labels take
/// the first free spot among a few candidates (or are left out with a warning), and the legend takes the corner
/// with the least data under it. Data coordinates that the axes cannot show are gaps, never clamped to the frame.
struct PanelRenderer {
    let data: PanelData
    let layout: PanelLayout
    let theme: Theme
    let index: Int
    /// Page positions covered by data, sampled every few points, for choosing the legend corner.
    private var occupied: [Point] = []
    private var pendingReferenceLabels: [(label: String, candidates: [(Point, TextAnchor)], color: Color, line: Int)] = []
    /// Samples of each reference line, so labels avoid the other lines (and the legend avoids all of them).
    private var referenceSamples: [[Point]] = []

    init(data: PanelData, layout: PanelLayout, theme: Theme, index: Int) {
        self.data = data
        self.layout = layout
        self.theme = theme
        self.index = index
    }

    private var plot: Rect { layout.plot }
    private var hasIntervals: Bool { data.panel.layers.contains { if case .interval = $0 { return true } else { return false } } }
    private var fs: Double { theme.tickFontSize }
    private static let ink = "#333333"

    mutating func draw(into svg: inout SVGWriter, warnings: inout [String]) {
        let n = SVGWriter.number
        let layers = data.panel.layers
        let clipID = "clip-\(index)"
        svg.define("<clipPath id=\"\(clipID)\"><rect x=\"\(n(plot.minX))\" y=\"\(n(plot.minY))\" "
                   + "width=\"\(n(plot.width))\" height=\"\(n(plot.height))\"/></clipPath>")
        svg.open("g", [("class", "panel"), ("id", "panel-\(index)")])
        svg.open("g", [("class", "data"), ("clip-path", "url(#\(clipID))")])
        for (i, layer) in layers.enumerated() {
            if case .heatMap = layer, let h = data.heatMaps[i] { drawHeatMap(h, into: &svg) }
        }
        for layer in layers { if case let .interval(s) = layer { drawInterval(s, into: &svg) } }
        if data.panel.grid && !data.panel.hasHeatMap { drawGrid(into: &svg) }
        for layer in layers { if case let .reference(r) = layer { drawReference(r, into: &svg) } }
        for (i, layer) in layers.enumerated() {
            if case let .line(s) = layer, let style = data.styles[i] { drawLine(s, style: style, into: &svg) }
        }
        for (i, layer) in layers.enumerated() {
            if case let .scatter(s) = layer, let style = data.styles[i] { drawScatter(s, style: style, into: &svg) }
        }
        for (i, layer) in layers.enumerated() {
            if case let .trajectory(s) = layer, let style = data.styles[i] { drawTrajectory(s, style: style, into: &svg) }
        }
        svg.close("g")

        svg.element("rect", [("class", "frame"), ("x", n(plot.minX)), ("y", n(plot.minY)), ("width", n(plot.width)),
                             ("height", n(plot.height)), ("fill", "none"), ("stroke", Self.ink), ("stroke-width", "0.8")])
        drawAxes(into: &svg, warnings: &warnings)
        for layer in layers { if case let .interval(s) = layer { drawIntervalLabel(s, into: &svg) } }
        for pending in pendingReferenceLabels {
            let others = referenceSamples.enumerated().filter { $0.offset != pending.line }.flatMap(\.element)
            place(pending.label, candidates: pending.candidates, avoiding: occupied + others, role: "reference-label",
                  color: pending.color, into: &svg, warnings: &warnings)
        }
        occupied += referenceSamples.flatMap { $0 }
        for layer in layers { if case let .text(t) = layer { drawAnnotation(t, into: &svg, warnings: &warnings) } }
        drawLegend(into: &svg)
        if let bar = layout.colorBar { drawColorBar(bar, into: &svg, warnings: &warnings) }
        svg.close("g")
    }

    // MARK: - Data layers

    private func pixel(_ x: Double, _ y: Double) -> Point? {
        guard let px = layout.x.pixel(x), let py = layout.y.pixel(y) else { return nil }
        return Point(x: px, y: py)
    }

    private func pixels(_ xs: [Double], _ ys: [Double]) -> [Point?] {
        (0..<min(xs.count, ys.count)).map { pixel(xs[$0], ys[$0]) }
    }

    /// Cells are quantized to 256 color levels (the usual color-map table size, finer than the eye separates),
    /// merged into runs along rows, and written as one path per level, so a 200 × 200 map stays around a megabyte.
    private mutating func drawHeatMap(_ h: ResolvedHeatMap, into svg: inout SVGWriter) {
        let n = SVGWriter.number
        let values = h.source.values
        let missing = -1
        func level(_ v: Double) -> Int {
            if h.source.isCategorical { return h.source.category(v) ?? missing }
            return h.colorPosition(v).map { Int(($0 * 255).rounded()) } ?? missing
        }
        var paths: [Int: (d: String, cells: Int)] = [:]
        var order: [Int] = []
        for r in 0..<values.count {
            let y0 = layout.y.pixel(scaled: h.yEdges[r]), y1 = layout.y.pixel(scaled: h.yEdges[r + 1])
            guard max(y0, y1) >= plot.minY - 1, min(y0, y1) <= plot.maxY + 1 else { continue }
            let top = hundredths(min(y0, y1)), height = hundredths(max(y0, y1)) - top
            let row = values[r].map(level)
            var c = 0
            while c < row.count {
                var e = c + 1
                while e < row.count && row[e] == row[c] { e += 1 }
                let x0 = layout.x.pixel(scaled: h.xEdges[c]), x1 = layout.x.pixel(scaled: h.xEdges[e])
                // Sizes are differences of rounded edges, so neighbouring cells share their edge exactly and
                // no hairline of background shows between them.
                let left = hundredths(min(x0, x1)), width = hundredths(max(x0, x1)) - left
                let rect = "M\(n(left / 100)),\(n(top / 100))h\(n(width / 100))v\(n(height / 100))h\(n(-width / 100))z"
                if paths[row[c]] == nil { order.append(row[c]) }
                paths[row[c], default: ("", 0)].d += rect
                paths[row[c], default: ("", 0)].cells += e - c
                c = e
            }
        }
        svg.open("g", [("class", "heatmap"), ("shape-rendering", "crispEdges")])
        for key in order {
            let fill = key == missing ? "url(#nan-hatch)"
                : h.source.isCategorical ? h.source.categoryColor(key).hex : h.source.colorMap.color(at: Double(key) / 255).hex
            svg.element("path", [("class", key == missing ? "cells nan" : "cells"),
                                 ("data-count", String(paths[key]!.cells)), ("d", paths[key]!.d), ("fill", fill)])
        }
        svg.close("g")
    }

    private func hundredths(_ v: Double) -> Double { (v * 100).rounded() }

    /// Page x-range of [start, end), with ends the axis cannot show (start ≤ 0 on a log axis) at the frame.
    private func intervalSpan(_ s: ShadedInterval) -> (Double, Double)? {
        guard s.start.isFinite, s.end.isFinite, s.end > s.start else { return nil }
        let a = layout.x.pixel(s.start) ?? layout.x.pixel(scaled: layout.x.lower)
        guard let b = layout.x.pixel(s.end) else { return nil }
        let lo = max(min(a, b), plot.minX), hi = min(max(a, b), plot.maxX)
        return hi > lo ? (lo, hi) : nil
    }

    private func drawInterval(_ s: ShadedInterval, into svg: inout SVGWriter) {
        guard let (x0, x1) = intervalSpan(s) else { return }
        let n = SVGWriter.number
        let color = s.color
        let opacity = s.opacity.isFinite ? min(max(s.opacity, 0.02), 1) : 0.18
        svg.element("rect", [("class", "interval"), ("x", n(x0)), ("y", n(plot.minY)), ("width", n(x1 - x0)),
                             ("height", n(plot.height)), ("fill", color.hex), ("fill-opacity", n(opacity))])
        if s.hatched {
            svg.element("rect", [("class", "interval-hatch"), ("x", n(x0)), ("y", n(plot.minY)), ("width", n(x1 - x0)),
                                 ("height", n(plot.height)), ("fill", svg.hatchFill(color))])
        }
        var edges = ""
        for x in [x0, x1] where x > plot.minX + 0.5 && x < plot.maxX - 0.5 {
            edges += "M\(n(x)),\(n(plot.minY))V\(n(plot.maxY))"
        }
        if !edges.isEmpty {
            svg.element("path", [("class", "interval-edge"), ("d", edges), ("stroke", color.hex),
                                 ("stroke-opacity", "0.55"), ("stroke-width", "0.7"), ("fill", "none")])
        }
    }

    private func drawIntervalLabel(_ s: ShadedInterval, into svg: inout SVGWriter) {
        guard s.labelInside, let label = s.label, let (x0, x1) = intervalSpan(s) else { return }
        let size = fs * 0.9
        let w = TextMetrics.width(label, fontSize: size)
        guard w + 4 <= x1 - x0 else { return }
        let baseline = plot.minY + 3 + TextMetrics.ascent * size
        let box = SVGWriter.box(label, x: (x0 + x1) / 2, y: baseline, fontSize: size, anchor: .middle)
        guard !svg.textBoxes.contains(where: { $0.rect.intersects(box, tolerance: 0.5) }) else { return }
        svg.text(label, x: (x0 + x1) / 2, y: baseline, fontSize: size, anchor: .middle, role: "interval-label",
                 color: s.color.mixed(with: .black, amount: 0.45).hex)
    }

    private func drawGrid(into svg: inout SVGWriter) {
        let n = SVGWriter.number
        var major = "", minor = ""
        for tick in layout.xTicks {
            guard let p = layout.x.pixel(tick.value), p > plot.minX + 0.5, p < plot.maxX - 0.5 else { continue }
            let seg = "M\(n(p)),\(n(plot.minY))V\(n(plot.maxY))"
            if tick.isMajor { major += seg } else { minor += seg }
        }
        for tick in layout.yTicks {
            guard let p = layout.y.pixel(tick.value), p > plot.minY + 0.5, p < plot.maxY - 0.5 else { continue }
            let seg = "M\(n(plot.minX)),\(n(p))H\(n(plot.maxX))"
            if tick.isMajor { major += seg } else { minor += seg }
        }
        if !minor.isEmpty {
            svg.element("path", [("class", "grid minor"), ("d", minor), ("stroke", "#f0f0f0"), ("stroke-width", "0.5"),
                                 ("fill", "none")])
        }
        if !major.isEmpty {
            svg.element("path", [("class", "grid"), ("d", major), ("stroke", "#e3e3e3"), ("stroke-width", "0.6"),
                                 ("fill", "none")])
        }
    }

    private mutating func drawReference(_ r: ReferenceLine, into svg: inout SVGWriter) {
        guard r.x.isFinite, r.y.isFinite, r.dx.isFinite, r.dy.isFinite, r.dx != 0 || r.dy != 0 else { return }
        var points: [Point] = []
        if r.isHorizontal {
            guard let py = layout.y.pixel(r.y) else { return }
            points = [Point(x: plot.minX, y: py), Point(x: plot.maxX, y: py)]
        } else if r.isVertical {
            guard let px = layout.x.pixel(r.x) else { return }
            points = [Point(x: px, y: plot.maxY), Point(x: px, y: plot.minY)]
        } else {
            // Clip the line to the visible rectangle in data space, then map (a curve if an axis is logarithmic).
            let xs = [layout.x.scale.inverse(layout.x.lower), layout.x.scale.inverse(layout.x.upper)]
            let ys = [layout.y.scale.inverse(layout.y.lower), layout.y.scale.inverse(layout.y.upper)]
            var t0 = -Double.infinity, t1 = Double.infinity
            for (p, d, lo, hi) in [(r.x, r.dx, xs[0], xs[1]), (r.y, r.dy, ys[0], ys[1])] {
                if d == 0 {
                    if p < lo || p > hi { return }
                } else {
                    let a = (lo - p) / d, b = (hi - p) / d
                    t0 = max(t0, min(a, b))
                    t1 = min(t1, max(a, b))
                }
            }
            guard t1 > t0 else { return }
            let linear = layout.x.scale == .linear && layout.y.scale == .linear
            let count = linear ? 1 : 200
            for k in 0...count {
                let t = t0 + (t1 - t0) * Double(k) / Double(count)
                if let p = pixel(r.x + t * r.dx, r.y + t * r.dy) { points.append(p) }
            }
            // Label at the right-hand end.
            if let first = points.first, let last = points.last, first.x > last.x { points.reverse() }
        }
        guard points.count >= 2 else { return }
        // A light palette colour (the yellow) is darkened for a 1-point line and its label, which would otherwise
        // hardly show on white: WCAG relative luminance above 0.5 is mixed 40% with black.
        let palette = r.colorIndex.map(Palette.color) ?? Palette.neutral
        let color = palette.luminance > 0.5 ? palette.mixed(with: .black, amount: 0.4) : palette
        var a: SVGWriter.Attributes = [("class", "reference"), ("d", SVGWriter.pathData(points)), ("fill", "none"),
                                       ("stroke", color.hex), ("stroke-width", "1"), ("stroke-linecap", r.dash.lineCap)]
        if let dashes = r.dash.dashArray(width: 1) {
            a.append(("stroke-dasharray", dashes.map(SVGWriter.number).joined(separator: ",")))
        }
        svg.element("path", a)
        let saved = occupied
        occupied = []
        for (p, q) in zip(points, points.dropFirst()) { sample([p, q]) }
        referenceSamples.append(occupied)
        occupied = saved
        guard let label = r.label else { return }
        let s = fs * 0.9, up = 4.0, down = 4 + TextMetrics.ascent * s
        let candidates: [(Point, TextAnchor)]
        if r.isVertical {
            let px = points[0].x, top = plot.minY + 4 + TextMetrics.ascent * s, bottom = plot.maxY - 4 - TextMetrics.descent * s
            candidates = [(Point(x: px + 4, y: top), .start), (Point(x: px - 4, y: top), .end),
                          (Point(x: px + 4, y: bottom), .start), (Point(x: px - 4, y: bottom), .end)]
        } else if r.isHorizontal {
            let end = points[points.count - 1], start = points[0]
            let e = Point(x: min(end.x, plot.maxX - 4), y: end.y), b = Point(x: max(start.x, plot.minX + 4), y: start.y)
            candidates = [(Point(x: e.x, y: e.y - up), .end), (Point(x: e.x, y: e.y + down), .end),
                          (Point(x: b.x, y: b.y - up), .start), (Point(x: b.x, y: b.y + down), .start)]
        } else {
            // Slanted: spots along the line, the text's corner touching it on the side away from the line.
            var spots: [(Point, TextAnchor)] = []
            for f in [0.9, 0.75, 0.5, 0.25, 0.1] {
                let u = f * Double(points.count - 1)
                let i = min(Int(u), points.count - 2), w = u - Double(i)
                let a = points[i], b = points[i + 1]
                let p = Point(x: a.x + (b.x - a.x) * w, y: a.y + (b.y - a.y) * w)
                let rising = (b.y - a.y) * (b.x - a.x) < 0  // up and to the right on the page
                if rising {
                    spots += [(Point(x: p.x - 4, y: p.y - up), .end), (Point(x: p.x + 4, y: p.y + down), .start)]
                } else {
                    spots += [(Point(x: p.x + 4, y: p.y - up), .start), (Point(x: p.x - 4, y: p.y + down), .end)]
                }
            }
            candidates = spots
        }
        pendingReferenceLabels.append((label, candidates, color.mixed(with: .black, amount: 0.2), referenceSamples.count - 1))
    }

    /// Draws `text` at the first candidate that lies inside the plot and clear of all text so far.
    private func place(_ text: String, candidates: [(Point, TextAnchor)], avoiding obstacles: [Point], role: String,
                       color: Color,
                       into svg: inout SVGWriter, warnings: inout [String]) {
        let s = fs * 0.9
        // Among spots inside the plot and clear of other text, the one over the least data (first on ties).
        var best: (x: Double, y: Double, anchor: TextAnchor, covered: Int)?
        for (p, anchor) in candidates {
            var box = SVGWriter.box(text, x: p.x, y: p.y, fontSize: s, anchor: anchor)
            var shift = 0.0
            if box.maxY > plot.maxY - 1 { shift = plot.maxY - 1 - box.maxY }
            if box.minY < plot.minY + 1 { shift = plot.minY + 1 - box.minY }
            box.y += shift
            guard plot.contains(box, tolerance: 0.5),
                  !svg.textBoxes.contains(where: { $0.rect.intersects(box, tolerance: 0.5) }) else { continue }
            let covered = obstacles.filter(box.insetBy(-2).contains).count
            if best == nil || covered < best!.covered { best = (p.x, p.y + shift, anchor, covered) }
            if covered == 0 { break }
        }
        if let best {
            svg.text(text, x: best.x, y: best.y, fontSize: s, anchor: best.anchor, role: role, color: color.hex,
                     halo: true)
        } else {
            warnings.append("\(data.name): no free room for the label '\(text)'; it is left out")
        }
    }

    private mutating func drawLine(_ s: LineSeries, style: ResolvedStyle, into svg: inout SVGWriter) {
        let mapped = pixels(s.x, s.y)
        let clipped = PolylineClipper.clip(mapped, to: plot.insetBy(-style.width))
        let runs = clipped.filter { $0.count >= 2 }.map { PolylineClipper.thin($0) }
        // A point with gaps on both sides has no segment to draw; show it as a dot rather than lose it.
        let isolated = clipped.filter { $0.count == 1 }.map { $0[0] }.filter(plot.contains)
        if !isolated.isEmpty && style.marker == nil {
            Self.drawMarkers(isolated, shape: .circle, size: 2 * style.width + 1.5, color: style.color,
                             opacity: style.opacity, into: &svg)
            occupied += isolated
        }
        if !runs.isEmpty {
            if hasIntervals {
                // Over tinted bands a line (a light one above all) loses contrast: a white casing keeps it apart.
                svg.element("path", [("class", "line-casing"), ("d", runs.map(SVGWriter.pathData).joined()), ("fill", "none"),
                                     ("stroke", "#ffffff"), ("stroke-opacity", "0.85"),
                                     ("stroke-width", SVGWriter.number(style.width + 2.4)), ("stroke-linejoin", "round"),
                                     ("stroke-linecap", "round")])
            }
            var a: SVGWriter.Attributes = [("class", "line"), ("d", runs.map(SVGWriter.pathData).joined())]
            a += style.strokeAttributes
            svg.element("path", a)
            for run in runs { sample(run) }
        }
        if let marker = style.marker {
            let every = max(style.markerEvery ?? (mapped.count <= 15 ? 1 : mapped.count / 12), 1)
            let points = stride(from: 0, to: mapped.count, by: every).compactMap { mapped[$0] }.filter(plot.contains)
            Self.drawMarkers(points, shape: marker, size: 4.5 + style.width, color: style.color, opacity: style.opacity,
                             into: &svg)
        }
    }

    private mutating func drawScatter(_ s: ScatterSeries, style: ResolvedStyle, into svg: inout SVGWriter) {
        let points = pixels(s.x, s.y).compactMap { $0 }.filter { plot.insetBy(-s.size / 2).contains($0) }
        occupied += points
        Self.drawMarkers(points, shape: style.marker ?? .circle, size: s.size.isFinite ? max(s.size, 1) : 5,
                         color: style.color, opacity: style.opacity, into: &svg)
    }

    private mutating func drawTrajectory(_ s: Trajectory2D, style: ResolvedStyle, into svg: inout SVGWriter) {
        let mapped = pixels(s.x, s.y)
        let runs = PolylineClipper.clip(mapped, to: plot.insetBy(-style.width)).filter { $0.count >= 2 }
            .map { PolylineClipper.thin($0) }
        if !runs.isEmpty {
            var a: SVGWriter.Attributes = [("class", "trajectory"), ("d", runs.map(SVGWriter.pathData).joined())]
            a += style.strokeAttributes
            svg.element("path", a)
            for run in runs { sample(run) }
        }
        var taken: [Point] = []
        let startPoint = mapped.first { $0 != nil } ?? nil
        if s.startMarker, let p = startPoint, plot.contains(p) { taken.append(p) }
        // Arrow tips: the end first, so it wins over a nearby periodic arrow.
        var tips: [Int] = []
        if s.arrowAtEnd, let last = mapped.lastIndex(where: { $0 != nil }) { tips.append(last) }
        if let k = s.arrowEvery, k > 0 { tips += stride(from: k, to: mapped.count - 1, by: k).map { $0 } }
        for i in tips {
            guard let tip = mapped[i], plot.contains(tip),
                  !taken.contains(where: { $0.distance(to: tip) < 12 }) else { continue }
            // Direction from the nearest earlier point at least 6 pt back, so stalls do not spin the head.
            var j = i - 1
            while j >= 0, let q = mapped[j], q.distance(to: tip) < 6 { j -= 1 }
            guard j >= 0, let from = mapped[j] else { continue }
            Self.drawArrowhead(tip: tip, from: from, width: style.width, color: style.color, into: &svg)
            taken.append(tip)
        }
        if s.startMarker, let p = startPoint, plot.contains(p) {
            let n = SVGWriter.number
            svg.element("circle", [("class", "start-marker"), ("cx", n(p.x)), ("cy", n(p.y)),
                                   ("r", n(3.2 + style.width * 0.5)), ("fill", style.color.hex),
                                   ("stroke", "#ffffff"), ("stroke-width", "1")])
            occupied.append(p)
        }
    }

    /// Samples a polyline every 4 points for legend placement.
    private mutating func sample(_ run: [Point]) {
        guard occupied.count < 60_000 else { return }
        occupied.append(run[0])
        for (a, b) in zip(run, run.dropFirst()) {
            let steps = Int(min(a.distance(to: b) / 4, 400))
            if steps > 1 {
                for k in 1..<steps {
                    let t = Double(k) / Double(steps)
                    occupied.append(Point(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)))
                }
            }
            occupied.append(b)
        }
    }

    static func drawMarkers(_ points: [Point], shape: MarkerShape, size: Double, color: Color, opacity: Double,
                            into svg: inout SVGWriter) {
        guard !points.isEmpty else { return }
        let d = points.map { shape.pathData(x: $0.x, y: $0.y, size: size) }.joined()
        var a: SVGWriter.Attributes = [("class", "markers"), ("data-count", String(points.count)), ("d", d)]
        if shape.isStrokeOnly {
            a += [("fill", "none"), ("stroke", color.hex), ("stroke-width", "1.3")]
        } else {
            a += [("fill", color.hex), ("stroke", "#ffffff"), ("stroke-width", "0.5")]
        }
        if opacity < 1 { a.append(("opacity", SVGWriter.number(opacity))) }
        svg.element("path", a)
    }

    static func drawArrowhead(tip: Point, from: Point, width: Double, color: Color, role: String = "arrowhead",
                              into svg: inout SVGWriter) {
        let dx = tip.x - from.x, dy = tip.y - from.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return }
        let ux = dx / length, uy = dy / length
        let l = 6 + 1.6 * width, h = l * 0.42
        let bx = tip.x - ux * l, by = tip.y - uy * l
        let n = SVGWriter.number
        svg.element("path", [("class", role),
                             ("d", "M\(n(tip.x)),\(n(tip.y))L\(n(bx - uy * h)),\(n(by + ux * h))"
                                 + "L\(n(bx + uy * h)),\(n(by - ux * h))Z"),
                             ("fill", color.hex)])
    }

    private func drawAnnotation(_ t: TextAnnotation, into svg: inout SVGWriter, warnings: inout [String]) {
        guard !t.text.isEmpty else { return }
        guard let p = pixel(t.x, t.y), plot.insetBy(-0.5).contains(p) else {
            warnings.append("\(data.name): the annotation '\(t.text)' at (\(t.x), \(t.y)) is outside the axes; it is left out")
            return
        }
        let size = t.fontSize.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? fs
        var x = p.x + (t.dx.isFinite ? t.dx : 0), y = p.y + (t.dy.isFinite ? t.dy : 0)
        let box = SVGWriter.box(t.text, x: x, y: y, fontSize: size, anchor: t.anchor)
        let inner = plot.insetBy(2)
        if box.maxX > inner.maxX { x -= box.maxX - inner.maxX }
        if box.minX < inner.minX { x += inner.minX - box.minX }
        if box.maxY > inner.maxY { y -= box.maxY - inner.maxY }
        if box.minY < inner.minY { y += inner.minY - box.minY }
        let color = t.colorIndex.map { Palette.color($0).mixed(with: .black, amount: 0.2).hex } ?? "#222222"
        svg.text(t.text, x: x, y: y, fontSize: size, anchor: t.anchor, role: "annotation", color: color, halo: true)
    }

    // MARK: - Axes

    private func drawAxes(into svg: inout SVGWriter, warnings: inout [String]) {
        let n = SVGWriter.number
        let tl = PanelLayout.tickLength, ml = PanelLayout.minorTickLength, gap = PanelLayout.tickLabelGap
        var major = "", minor = ""
        let xBaseline = plot.maxY + tl + gap + TextMetrics.ascent * fs
        for tick in layout.xTicks {
            guard let p = layout.x.pixel(tick.value), p >= plot.minX - 0.5, p <= plot.maxX + 0.5 else { continue }
            if tick.isMajor { major += "M\(n(p)),\(n(plot.maxY))v\(n(tl))" } else { minor += "M\(n(p)),\(n(plot.maxY))v\(n(ml))" }
            if let label = tick.label {
                svg.text(label, x: p, y: xBaseline, fontSize: fs, anchor: .middle, role: "tick-label", droppable: true)
            }
        }
        var yLabelWidth = 0.0
        for tick in layout.yTicks {
            guard let p = layout.y.pixel(tick.value), p >= plot.minY - 0.5, p <= plot.maxY + 0.5 else { continue }
            if tick.isMajor { major += "M\(n(plot.minX)),\(n(p))h\(n(-tl))" } else { minor += "M\(n(plot.minX)),\(n(p))h\(n(-ml))" }
            if let label = tick.label {
                if svg.text(label, x: plot.minX - tl - gap, y: p + 0.33 * fs, fontSize: fs, anchor: .end,
                            role: "tick-label", droppable: true) {
                    yLabelWidth = max(yLabelWidth, TextMetrics.width(label, fontSize: fs))
                }
            }
        }
        if !major.isEmpty {
            svg.element("path", [("class", "ticks"), ("d", major), ("stroke", Self.ink), ("stroke-width", "0.8"), ("fill", "none")])
        }
        if !minor.isEmpty {
            svg.element("path", [("class", "ticks minor"), ("d", minor), ("stroke", Self.ink), ("stroke-width", "0.6"), ("fill", "none")])
        }

        let cell = layout.cell, pad = PanelLayout.pad
        let ls = theme.labelFontSize, ts = theme.titleFontSize
        if let label = data.panel.x.label, !data.panel.x.isHidden {
            let fit = fitted(label, maxWidth: cell.width - 2 * pad, size: ls, what: "x axis label", warnings: &warnings)
            let baseline = plot.maxY + tl + gap + TextMetrics.height(fontSize: fs) + PanelLayout.axisLabelGap
                + TextMetrics.ascent * fit.size
            svg.text(fit.text, x: clampedCenter(plot.midX, width: TextMetrics.width(fit.text, fontSize: fit.size),
                                                 low: cell.minX + pad, high: cell.maxX - pad),
                     y: baseline, fontSize: fit.size, anchor: .middle, role: "axis-label")
        }
        if let label = data.panel.y.label, !data.panel.y.isHidden {
            let fit = fitted(label, maxWidth: cell.height - 2 * pad, size: ls, what: "y axis label", warnings: &warnings)
            let x = plot.minX - tl - gap - yLabelWidth - PanelLayout.axisLabelGap - TextMetrics.descent * fit.size
            let center = clampedCenter(plot.midY, width: TextMetrics.width(fit.text, fontSize: fit.size),
                                       low: cell.minY + pad, high: cell.maxY - pad)
            svg.text(fit.text, x: x, y: center, fontSize: fit.size, anchor: .middle, role: "axis-label", rotation: -90)
        }
        if let title = data.panel.title {
            let fit = fitted(title, maxWidth: cell.width - 2 * pad, size: ts, bold: true, what: "title",
                             warnings: &warnings)
            let baseline = plot.minY - 0.6 * fs - PanelLayout.titleGap - TextMetrics.descent * fit.size
            svg.text(fit.text, x: clampedCenter(plot.midX, width: TextMetrics.width(fit.text, fontSize: fit.size, bold: true),
                                                 low: cell.minX + pad, high: cell.maxX - pad),
                     y: baseline, fontSize: fit.size, anchor: .middle, role: "panel-title", bold: true, color: "#111111")
        }
    }

    private func fitted(_ text: String, maxWidth: Double, size: Double, bold: Bool = false, what: String,
                        warnings: inout [String]) -> (text: String, size: Double) {
        let fit = TextMetrics.fit(text, maxWidth: maxWidth, fontSize: size, minSize: max(size * 0.8, 7), bold: bold)
        if fit.shortened { warnings.append("\(data.name): the \(what) '\(text)' is too long; shortened to '\(fit.text)'") }
        return (fit.text, fit.fontSize)
    }

    // MARK: - Legend and color bar

    private func drawLegend(into svg: inout SVGWriter) {
        let legend = layout.legend
        let size = legend.size
        switch layout.legendMode {
        case .none, .shared:
            return
        case .outside:
            legend.drawList(at: Point(x: layout.outsideLegendX, y: plot.minY), framed: false, into: &svg)
        case let .inside(placement):
            let inset = PanelLayout.legendInset
            func rect(_ corner: LegendPlacement) -> Rect {
                let left = plot.minX + inset, right = plot.maxX - inset - size.width
                let top = plot.minY + inset, bottom = plot.maxY - inset - size.height
                switch corner {
                case .upperLeft: return Rect(x: left, y: top, width: size.width, height: size.height)
                case .lowerLeft: return Rect(x: left, y: bottom, width: size.width, height: size.height)
                case .lowerRight: return Rect(x: right, y: bottom, width: size.width, height: size.height)
                default: return Rect(x: right, y: top, width: size.width, height: size.height)
                }
            }
            var corner = placement
            if placement == .auto {
                let order: [LegendPlacement] = [.upperRight, .upperLeft, .lowerRight, .lowerLeft]
                func quadrant(_ c: LegendPlacement) -> Int {
                    occupied.filter { p in
                        let right = p.x >= plot.midX, top = p.y <= plot.midY
                        switch c {
                        case .upperLeft: return !right && top
                        case .lowerLeft: return !right && !top
                        case .lowerRight: return right && !top
                        default: return right && top
                        }
                    }.count
                }
                let scored = order.map { c -> (LegendPlacement, Int, Int) in
                    let r = rect(c).insetBy(-3)
                    let covered = occupied.filter(r.contains).count
                    let texts = svg.textBoxes.filter { $0.rect.intersects(r) }.count
                    return (c, covered + 100_000 * texts, quadrant(c))
                }
                corner = scored.min { ($0.1, $0.2) < ($1.1, $1.2) }!.0
            }
            let r = rect(corner)
            legend.drawList(at: Point(x: r.minX, y: r.minY), framed: true, into: &svg)
        }
    }

    private func drawColorBar(_ bar: PanelLayout.ColorBar, into svg: inout SVGWriter, warnings: inout [String]) {
        let r = bar.bar
        svg.open("g", [("class", "colorbar")])
        let tl = PanelLayout.tickLength, gap = PanelLayout.tickLabelGap
        if let s = bar.missingSwatch {
            let n = SVGWriter.number
            svg.element("rect", [("class", "missing-key"), ("x", n(s.minX)), ("y", n(s.minY)), ("width", n(s.width)),
                                 ("height", n(s.height)), ("fill", "url(#nan-hatch)"), ("stroke", Self.ink),
                                 ("stroke-width", "0.6")])
            svg.text(PanelLayout.missingLabel, x: s.maxX + tl + gap, y: s.midY + 0.33 * fs, fontSize: fs,
                     role: "colorbar-tick-label", droppable: true)
        }
        _ColorBarPainter.draw(r, colorMap: bar.heatMap.source.colorMap, map: bar.map, ticks: bar.ticks,
                              id: "colorbar-\(index)", fontSize: fs, into: &svg)
        if let label = bar.heatMap.source.label {
            let ls = theme.labelFontSize
            let fit = fitted(label, maxWidth: layout.cell.height - 2 * PanelLayout.pad, size: ls,
                             what: "color bar label", warnings: &warnings)
            let center = clampedCenter(plot.midY, width: TextMetrics.width(fit.text, fontSize: fit.size),
                                       low: layout.cell.minY + PanelLayout.pad, high: layout.cell.maxY - PanelLayout.pad)
            // Beside the tick labels; further out only if the "no data" key would be in the way.
            var x = r.maxX + tl + gap + bar.tickLabelWidth + PanelLayout.axisLabelGap + TextMetrics.ascent * fit.size
            let box = SVGWriter.box(fit.text, x: x, y: center, fontSize: fit.size, anchor: .middle, rotation: -90)
            if svg.textBoxes.contains(where: { $0.rect.intersects(box, tolerance: 0.5) }) {
                x = r.maxX + tl + gap + bar.labelWidth + PanelLayout.axisLabelGap + TextMetrics.ascent * fit.size
            }
            svg.text(fit.text, x: x, y: center, fontSize: fit.size, anchor: .middle, role: "axis-label", rotation: -90)
        }
        svg.close("g")
    }

    /// The center of a span of `width` nearest to `center` that stays within low...high.
    private func clampedCenter(_ center: Double, width: Double, low: Double, high: Double) -> Double {
        min(max(center, low + width / 2), high - width / 2)
    }
}
