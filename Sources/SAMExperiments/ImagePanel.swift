import SAMPlot

/// A grayscale or colour-mapped image (row-major, rows growing downwards) as a panel without axes clutter: the
/// inputs and Grad-CAM maps of `samlab vision gradcam` and of the Fig 5 entry.
public enum ImagePanel {
    /// A panel showing `values` (`height` rows of `width` values in [0, 1]) through `colorMap`, with square pixels and no axes.
    public static func make(_ values: [Double], height: Int, width: Int, title: String?, colorMap: ColorMap) -> Panel {
        let rows = (0..<height).map { r in Array(values[(r * width)..<((r + 1) * width)]) }
        var panel = Panel(title: title, x: Axis(nil), y: Axis(nil, reversed: true), grid: false, equalAspect: true)
        panel.add(HeatMap(values: rows, xEdges: (0...width).map(Double.init), yEdges: (0...height).map(Double.init), colorMap: colorMap,
                          valueRange: 0...1, showsColorBar: false))
        return panel
    }
}
