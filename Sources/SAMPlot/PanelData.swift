/// A panel's layers checked against its axes: which points can be shown, the range they cover, palette indices,
/// resolved heat-map grids and legend entries. Everything the layout needs before any page coordinate exists, and
/// the place where unshowable data is counted and reported.
struct PanelData {
    var panel: Panel
    /// How warnings name the panel.
    var name: String
    var xExtent = Extent()
    var yExtent = Extent()
    var styles: [Int: ResolvedStyle] = [:]
    var heatMaps: [Int: ResolvedHeatMap] = [:]
    var legendEntries: [LegendEntry] = []

    init(panel: Panel, index: Int, columns: Int, assigner: StyleAssigner, theme: Theme, warnings: inout [String]) {
        self.panel = panel
        let position = "row \(index / columns + 1), column \(index % columns + 1)"
        name = panel.title.map { "panel '\($0)' (\(position))" } ?? "panel at \(position)"
        let xs = panel.x.scale, ys = panel.y.scale
        let indices = assigner.indices(for: panel)

        for (i, layer) in panel.layers.enumerated() {
            switch layer {
            case let .line(s):
                addPoints(s.x, s.y, what: seriesName("line", s.label, i), warnings: &warnings)
                let style = ResolvedStyle(s.style, index: indices[i] ?? 0, defaultWidth: theme.lineWidth)
                styles[i] = style
                if let l = s.label { addEntry(LegendEntry(label: l, glyph: .line(style))) }
            case let .scatter(s):
                addPoints(s.x, s.y, what: seriesName("scatter", s.label, i), warnings: &warnings)
                let k = indices[i] ?? 0
                var style = ResolvedStyle(SeriesStyle(colorIndex: k, marker: s.marker ?? Palette.marker(k)), index: k,
                                          defaultWidth: theme.lineWidth)
                style.opacity = s.opacity.isFinite ? min(max(s.opacity, 0.05), 1) : 1
                styles[i] = style
                if let l = s.label { addEntry(LegendEntry(label: l, glyph: .marker(style, size: s.size))) }
            case let .trajectory(s):
                addPoints(s.x, s.y, what: seriesName("trajectory", s.label, i), warnings: &warnings)
                let style = ResolvedStyle(s.style, index: indices[i] ?? 0, defaultWidth: theme.lineWidth)
                styles[i] = style
                if let l = s.label { addEntry(LegendEntry(label: l, glyph: .trajectory(style))) }
            case let .interval(s):
                let what = "shaded interval" + (s.label.map { " '\($0)'" } ?? " #\(i + 1)")
                guard s.start.isFinite, s.end.isFinite, s.end > s.start else {
                    warnings.append("\(name): \(what) has no extent ([\(s.start), \(s.end))); it is left out")
                    continue
                }
                if let t = xs.transform(s.start) { xExtent.add(t) }
                if let t = xs.transform(s.end) { xExtent.add(t) }
                if let l = s.label {
                    addEntry(LegendEntry(label: l, glyph: .swatch(s.color, opacity: s.opacity, hatched: s.hatched)))
                }
            case let .reference(r):
                let what = "reference line" + (r.label.map { " '\($0)'" } ?? " #\(i + 1)")
                guard r.x.isFinite, r.y.isFinite, r.dx.isFinite, r.dy.isFinite, r.dx != 0 || r.dy != 0 else {
                    warnings.append("\(name): \(what) is not a line (non-finite or zero direction); it is left out")
                    continue
                }
                if r.isHorizontal {
                    if let t = ys.transform(r.y) { yExtent.add(t) } else {
                        warnings.append("\(name): \(what) at y = \(r.y) cannot be shown on a log axis; it is left out")
                    }
                } else if r.isVertical {
                    if let t = xs.transform(r.x) { xExtent.add(t) } else {
                        warnings.append("\(name): \(what) at x = \(r.x) cannot be shown on a log axis; it is left out")
                    }
                }
            case let .heatMap(h):
                if let resolved = ResolvedHeatMap(h, xScale: xs, yScale: ys, name: name, index: i, warnings: &warnings) {
                    heatMaps[i] = resolved
                    xExtent.add(resolved.xEdges.min()!)
                    xExtent.add(resolved.xEdges.max()!)
                    yExtent.add(resolved.yEdges.min()!)
                    yExtent.add(resolved.yEdges.max()!)
                    if let names = h.categories, h.isCategorical, h.showsColorBar {
                        // The categories' legend: the map's label as heading, one swatch per category shown.
                        let present = Set(h.values.joined().compactMap(h.category))
                        if let l = h.label { addEntry(LegendEntry(label: l, glyph: .heading)) }
                        for (k, name) in names.enumerated() where present.contains(k) {
                            addEntry(LegendEntry(label: name, glyph: .swatch(h.categoryColor(k), opacity: 1, hatched: false)))
                        }
                        if resolved.hasMissing { addEntry(LegendEntry(label: PanelLayout.missingLabel, glyph: .missing)) }
                    }
                }
            case .text:
                break
            }
        }
    }

    private func seriesName(_ kind: String, _ label: String?, _ i: Int) -> String {
        label.map { "\(kind) '\($0)'" } ?? "\(kind) #\(i + 1)"
    }

    private mutating func addEntry(_ entry: LegendEntry) {
        if !legendEntries.contains(entry) { legendEntries.append(entry) }
    }

    /// Adds the showable points to the extents; counts and reports the others.
    private mutating func addPoints(_ x: [Double], _ y: [Double], what: String, warnings: inout [String]) {
        let xs = panel.x.scale, ys = panel.y.scale
        if x.count != y.count {
            warnings.append("\(name): \(what) has \(x.count) x and \(y.count) y values; only the first "
                            + "\(min(x.count, y.count)) pairs are drawn")
        }
        var nonFinite = 0, nonPositiveX = 0, nonPositiveY = 0
        for i in 0..<min(x.count, y.count) {
            let tx = xs.transform(x[i]), ty = ys.transform(y[i])
            if let tx, let ty {
                xExtent.add(tx)
                yExtent.add(ty)
                continue
            }
            if !x[i].isFinite || !y[i].isFinite { nonFinite += 1; continue }
            if tx == nil { nonPositiveX += 1 }
            if ty == nil { nonPositiveY += 1 }
        }
        if nonPositiveX > 0 {
            warnings.append("\(name): log10 x axis cannot show \(nonPositiveX) non-positive x value"
                            + "\(nonPositiveX == 1 ? "" : "s") of \(what); those points are left out")
        }
        if nonPositiveY > 0 {
            warnings.append("\(name): log10 y axis cannot show \(nonPositiveY) non-positive y value"
                            + "\(nonPositiveY == 1 ? "" : "s") of \(what); those points are left out")
        }
        if nonFinite > 0 {
            warnings.append("\(name): \(what) has \(nonFinite) NaN or infinite value"
                            + "\(nonFinite == 1 ? "" : "s"); the line is broken there")
        }
    }

    /// The visible range of one axis in scale space: the fixed domain if valid, else the data extent padded.
    static func range(axis: Axis, extent: Extent, hasHeatMap: Bool, axisName: String, panelName: String,
                      warnings: inout [String]) -> (lower: Double, upper: Double) {
        let scale = axis.scale
        if let domain = axis.domain {
            if let lo = scale.transform(domain.lowerBound), let hi = scale.transform(domain.upperBound), hi > lo {
                return (lo, hi)
            }
            warnings.append("\(panelName): the \(axisName) domain \(domain.lowerBound)...\(domain.upperBound) "
                            + "cannot be shown on a \(scale.rawValue) axis; the data range is used instead")
        }
        guard !extent.isEmpty else {
            return scale == .log10 ? (0, 1) : (0, 1)
        }
        var lo = extent.lower, hi = extent.upper
        if scale == .log10, let decades = axis.maxDecades, decades > 0, hi - lo > decades {
            if axis.keepsTop ?? true { lo = hi - decades } else { hi = lo + decades }
        }
        if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1e-300) {
            let half = scale == .log10 ? 0.5 : (lo == 0 ? 1 : abs(lo) * 0.1)
            return (lo - half, hi + half)
        }
        let padding = max(0, axis.padding ?? (hasHeatMap ? 0 : 0.04))
        let span = hi - lo
        lo -= padding * span
        hi += padding * span
        return (lo, hi)
    }
}

/// A heat map with its grid in scale space and its color range settled.
struct ResolvedHeatMap {
    var source: HeatMap
    var xEdges: [Double]
    var yEdges: [Double]
    /// Color range in color-scale space.
    var colorLower: Double
    var colorUpper: Double
    var hasMissing: Bool

    init?(_ h: HeatMap, xScale: Scale, yScale: Scale, name: String, index: Int, warnings: inout [String]) {
        let what = "heat map" + (h.label.map { " '\($0)'" } ?? " #\(index + 1)")
        let rows = h.rowCount, columns = h.columnCount
        guard rows > 0, columns > 0 else {
            warnings.append("\(name): \(what) has no cells; it is left out")
            return nil
        }
        guard h.values.allSatisfy({ $0.count == columns }) else {
            warnings.append("\(name): \(what) has rows of different lengths; it is left out")
            return nil
        }
        switch (HeatMap.edges(count: columns, edges: h.xEdges, centers: h.xCenters, scale: xScale),
                HeatMap.edges(count: rows, edges: h.yEdges, centers: h.yCenters, scale: yScale)) {
        case let (.success(xe), .success(ye)):
            xEdges = xe
            yEdges = ye
        case let (.failure(e), _):
            warnings.append("\(name): \(what) \(e.text) along x; it is left out")
            return nil
        case let (_, .failure(e)):
            warnings.append("\(name): \(what) \(e.text) along y; it is left out")
            return nil
        }
        source = h
        if h.isCategorical {
            hasMissing = h.values.joined().contains { h.category($0) == nil }
            (colorLower, colorUpper) = (0, 1)
            return
        }
        var extent = Extent()
        var missing = 0, nonPositive = 0
        for row in h.values {
            for v in row {
                if let t = h.colorScale.transform(v) { extent.add(t) } else if v.isFinite { nonPositive += 1 } else { missing += 1 }
            }
        }
        hasMissing = missing + nonPositive > 0
        if nonPositive > 0 {
            warnings.append("\(name): \(what) has \(nonPositive) non-positive value\(nonPositive == 1 ? "" : "s") "
                            + "on its log color scale; those cells are drawn as missing")
        }
        if let range = h.valueRange {
            if let lo = h.colorScale.transform(range.lowerBound), let hi = h.colorScale.transform(range.upperBound),
               hi > lo {
                colorLower = lo
                colorUpper = hi
                return
            }
            warnings.append("\(name): \(what) value range \(range.lowerBound)...\(range.upperBound) cannot be used on "
                            + "a \(h.colorScale.rawValue) color scale; the data range is used instead")
        }
        if extent.isEmpty {
            warnings.append("\(name): \(what) has no finite values")
            (colorLower, colorUpper) = (0, 1)
            return
        }
        var lo = extent.lower, hi = extent.upper
        if h.colorMap.isDiverging && h.colorScale == .linear {
            let m = max(abs(lo), abs(hi))
            (lo, hi) = m > 0 ? (-m, m) : (-1, 1)
        }
        if hi <= lo {
            let half = h.colorScale == .log10 ? 0.5 : (lo == 0 ? 1 : abs(lo) * 0.1)
            (lo, hi) = (lo - half, hi + half)
        }
        (colorLower, colorUpper) = (lo, hi)
    }

    /// Position 0...1 of a value on the color bar, nil for missing data.
    func colorPosition(_ v: Double) -> Double? {
        if source.isCategorical { return nil }
        guard let t = source.colorScale.transform(v) else { return nil }
        return min(max((t - colorLower) / (colorUpper - colorLower), 0), 1)
    }
}
