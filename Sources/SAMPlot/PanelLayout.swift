/// Where everything of one panel goes on the page, and how much room around the plot area that needs.
///
/// The plot area is what is left of the panel's grid cell after margins sized from the actual text: the widest y
/// tick label, the x tick labels' height and their overhang past the plot's ends, axis labels, title, color bar and
/// an outside legend. Ticks depend on the plot's size and margins on the ticks, so `SVGRenderer` alternates the two
/// until they agree, and aligns margins along grid rows and columns so small multiples share their axes' positions.
/// Everything a panel draws lies inside its cell, which is what keeps neighbouring panels' text apart.
struct PanelLayout {
    struct Margins: Equatable {
        var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0

        func differs(from m: Margins, by tolerance: Double) -> Bool {
            abs(left - m.left) > tolerance || abs(right - m.right) > tolerance || abs(top - m.top) > tolerance
                || abs(bottom - m.bottom) > tolerance
        }
    }

    enum LegendMode: Equatable {
        case none, shared, outside
        case inside(LegendPlacement)
    }

    struct ColorBar {
        var heatMap: ResolvedHeatMap
        var bar: Rect
        var map: AxisMap
        var ticks: [Tick]
        /// Widest tick label, and widest label including the "no data" key.
        var tickLabelWidth: Double
        var labelWidth: Double
        var missingSwatch: Rect?
        /// Total width from the plot's right edge.
        var extent: Double
    }

    var cell: Rect
    var plot: Rect
    var x: AxisMap
    var y: AxisMap
    var xTicks: [Tick]
    var yTicks: [Tick]
    var legendMode: LegendMode
    var legend: LegendBox
    var colorBar: ColorBar?
    var required: Margins
    /// Left edge of an outside legend.
    var outsideLegendX: Double

    /// Fixed distances, in points.
    static let pad = 6.0
    static let tickLength = 4.0
    static let minorTickLength = 2.2
    static let tickLabelGap = 3.0
    static let axisLabelGap = 5.0
    static let titleGap = 6.0
    static let colorBarGap = 10.0
    static let colorBarWidth = 12.0
    static let legendGap = 10.0
    static let legendInset = 6.0

    /// Lays out `data` with its plot area at `plot` inside `cell`, and reports the margins that would be needed.
    init(data: PanelData, xRange: (lower: Double, upper: Double), yRange: (lower: Double, upper: Double),
         cell: Rect, plot: Rect, theme: Theme, legendMode requestedMode: LegendMode) {
        self.cell = cell
        let panel = data.panel
        let fs = theme.tickFontSize, ls = theme.labelFontSize, ts = theme.titleFontSize
        var xr = xRange, yr = yRange
        var plot = plot
        if panel.equalAspect && panel.x.scale == .linear && panel.y.scale == .linear && plot.width > 0 && plot.height > 0 {
            let ux = (xr.upper - xr.lower) / plot.width, uy = (yr.upper - yr.lower) / plot.height
            if panel.hasHeatMap {
                // Cells meet the frame: the plot area shrinks to the data's aspect (centered in the room it had)
                // instead of the range growing past the cells, which would leave blank strips beside an image.
                if ux > uy {
                    let height = plot.height * uy / ux
                    plot = Rect(x: plot.minX, y: plot.minY + (plot.height - height) / 2, width: plot.width, height: height)
                } else if uy > ux {
                    let width = plot.width * ux / uy
                    plot = Rect(x: plot.minX + (plot.width - width) / 2, y: plot.minY, width: width, height: plot.height)
                }
            } else if ux > uy {
                let mid = (yr.lower + yr.upper) / 2, half = ux * plot.height / 2
                yr = (mid - half, mid + half)
            } else {
                let mid = (xr.lower + xr.upper) / 2, half = uy * plot.width / 2
                xr = (mid - half, mid + half)
            }
        }
        self.plot = plot
        x = AxisMap(scale: panel.x.scale, lower: xr.lower, upper: xr.upper,
                    start: panel.x.reversed ? plot.maxX : plot.minX, end: panel.x.reversed ? plot.minX : plot.maxX)
        y = AxisMap(scale: panel.y.scale, lower: yr.lower, upper: yr.upper,
                    start: panel.y.reversed ? plot.minY : plot.maxY, end: panel.y.reversed ? plot.maxY : plot.minY)
        xTicks = Ticks.fitted(scale: x.scale, lower: x.scale.inverse(xr.lower), upper: x.scale.inverse(xr.upper),
                              length: plot.width, fontSize: fs, horizontal: true)
        yTicks = Ticks.fitted(scale: y.scale, lower: y.scale.inverse(yr.lower), upper: y.scale.inverse(yr.upper),
                              length: plot.height, fontSize: fs, horizontal: false)
        xTicks = Self.explicit(panel.x.ticks, automatic: xTicks, lower: x.scale.inverse(xr.lower), upper: x.scale.inverse(xr.upper))
        yTicks = Self.explicit(panel.y.ticks, automatic: yTicks, lower: y.scale.inverse(yr.lower), upper: y.scale.inverse(yr.upper))
        if panel.x.isHidden { xTicks = [] }
        if panel.y.isHidden { yTicks = [] }

        // Left: y label, widest y tick label, tick; or the first x tick label's overhang.
        let yLabelWidth = yTicks.compactMap { $0.label.map { TextMetrics.width($0, fontSize: fs) } }.max() ?? 0
        var m = Margins()
        m.left = panel.y.isHidden ? Self.pad
            : Self.pad + (panel.y.label == nil ? 0 : TextMetrics.height(fontSize: ls) + Self.axisLabelGap)
                + yLabelWidth + Self.tickLabelGap + Self.tickLength
        var overhangLeft = 0.0, overhangRight = 0.0
        for tick in xTicks {
            guard let label = tick.label, let p = x.pixel(tick.value) else { continue }
            let half = TextMetrics.width(label, fontSize: fs) / 2
            overhangLeft = max(overhangLeft, half - (p - plot.minX))
            overhangRight = max(overhangRight, half - (plot.maxX - p))
        }
        m.left = max(m.left, Self.pad + overhangLeft)
        m.bottom = panel.x.isHidden ? Self.pad
            : Self.tickLength + Self.tickLabelGap + TextMetrics.height(fontSize: fs)
                + (panel.x.label == nil ? 0 : Self.axisLabelGap + TextMetrics.height(fontSize: ls)) + Self.pad
        m.top = Self.pad + (panel.title == nil ? 0 : TextMetrics.height(fontSize: ts) + Self.titleGap) + 0.6 * fs

        // Right: x overhang, color bar, outside legend.
        var right = panel.x.isHidden ? 0 : max(overhangRight, 0.3 * fs)
        colorBar = nil
        if let (_, heat) = data.heatMaps.sorted(by: { $0.key < $1.key }).first(where: { $0.value.source.showsColorBar && !$0.value.source.isCategorical }) {
            let swatch = heat.hasMissing ? 10.0 : 0
            let barHeight = max(plot.height - (swatch > 0 ? swatch + max(8, 1.1 * fs) : 0), 10)
            let bar = Rect(x: plot.maxX + Self.colorBarGap, y: plot.minY, width: Self.colorBarWidth, height: barHeight)
            let scale = heat.source.colorScale
            let map = AxisMap(scale: scale, lower: heat.colorLower, upper: heat.colorUpper, start: bar.maxY, end: bar.minY)
            let ticks = Ticks.fitted(scale: scale, lower: scale.inverse(heat.colorLower),
                                     upper: scale.inverse(heat.colorUpper), length: barHeight, fontSize: fs,
                                     horizontal: false)
            let tickLabelWidth = ticks.compactMap { $0.label.map { TextMetrics.width($0, fontSize: fs) } }.max() ?? 0
            var labelWidth = tickLabelWidth
            var missing: Rect?
            if heat.hasMissing {
                missing = Rect(x: bar.minX, y: plot.maxY - swatch, width: Self.colorBarWidth, height: swatch)
                labelWidth = max(labelWidth, TextMetrics.width(Self.missingLabel, fontSize: fs))
            }
            let extent = Self.colorBarGap + Self.colorBarWidth + Self.tickLength + Self.tickLabelGap + labelWidth
                + (heat.source.label == nil ? 0 : Self.axisLabelGap + TextMetrics.height(fontSize: ls))
            colorBar = ColorBar(heatMap: heat, bar: bar, map: map, ticks: ticks, tickLabelWidth: tickLabelWidth,
                                labelWidth: labelWidth,
                                missingSwatch: missing, extent: extent)
            right = max(right, extent)
        }
        legend = LegendBox(entries: data.legendEntries, fontSize: theme.legendFontSize)
        var mode = requestedMode
        if legend.entries.isEmpty { mode = .none }
        if case let .inside(placement) = mode, placement == .auto {
            let size = legend.size
            if data.panel.hasHeatMap || size.width > 0.55 * plot.width || size.height > 0.7 * plot.height {
                mode = .outside
            }
        }
        legendMode = mode
        outsideLegendX = plot.maxX + right + Self.legendGap
        if mode == .outside {
            if colorBar == nil && legend.size.height <= plot.height + 0.6 * fs {
                // The legend stays beside the plot, clear of the x tick labels below it.
                outsideLegendX = plot.maxX + Self.legendGap
            }
            right = outsideLegendX - plot.maxX + legend.size.width
        }
        m.right = Self.pad + right
        required = m
    }

    static let missingLabel = "no data"

    /// An axis's own tick values (those in lower...upper, labeled compactly) with the automatic minor ticks; the
    /// automatic ticks when the axis has none.
    static func explicit(_ values: [Double]?, automatic: [Tick], lower: Double, upper: Double) -> [Tick] {
        guard let values, !values.isEmpty else { return automatic }
        let tolerance = abs(upper - lower) * 1e-9
        let shown = values.filter { $0.isFinite && $0 >= lower - tolerance && $0 <= upper + tolerance }
        return shown.map { Tick(value: $0, label: NumberLabel.compact($0)) } + automatic.filter { !$0.isMajor }
    }
}
