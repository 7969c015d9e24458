import SAMPlot

/// A grayscale or colour-mapped image (row-major, rows growing downwards) as a panel without axes clutter: the
/// inputs and Grad-CAM maps of `samlab vision gradcam` and of the Fig 5 entry.
public enum ImagePanel {
    /// A panel showing `values` (`height` rows of `width` values in [0, 1]) through `colorMap`, with square pixels and no axes (the
    /// frame alone, fitted to the image); its color scale is the figure's (`FigureColorBar`), so the panel has no bar.
    public static func make(_ values: [Double], height: Int, width: Int, title: String?, colorMap: ColorMap) -> Panel {
        let rows = (0..<height).map { r in Array(values[(r * width)..<((r + 1) * width)]) }
        var panel = Panel(title: title, x: .hidden(domain: 0...Double(width)), y: .hidden(domain: 0...Double(height), reversed: true),
                          grid: false, equalAspect: true)
        panel.add(HeatMap(values: rows, xEdges: (0...width).map(Double.init), yEdges: (0...height).map(Double.init), colorMap: colorMap,
                          valueRange: 0...1, showsColorBar: false))
        return panel
    }

    /// The scale of Grad-CAM maps (each divided by its maximum, so 0...1, viridis), once per figure.
    public static let gradCAMColorBar = FigureColorBar(colorMap: .viridis, range: 0...1, label: "Grad-CAM, relative to its maximum")
}
