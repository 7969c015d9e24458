/// Font sizes and line widths, in points. Saved with the figure so a reloaded spec renders identically.
///
/// The defaults suit a figure printed at its size in points (a 480 × 320 figure is 6.7 × 4.4 inches): tick labels
/// at 10 pt are the smallest text, axis labels and titles a little larger.
public struct Theme: Sendable, Codable, Equatable {
    /// The CSS font family of all text.
    public var fontFamily: String
    /// Tick labels, in points.
    public var tickFontSize: Double
    /// Axis labels, in points.
    public var labelFontSize: Double
    /// Panel titles, in points.
    public var titleFontSize: Double
    /// The figure's title, in points.
    public var figureTitleFontSize: Double
    /// Legend entries, in points.
    public var legendFontSize: Double
    /// The default stroke width of series, in points.
    public var lineWidth: Double

    /// A theme; the defaults are those of `paper`.
    public init(fontFamily: String = "DejaVu Sans, sans-serif", tickFontSize: Double = 10,
                labelFontSize: Double = 11, titleFontSize: Double = 11.5, figureTitleFontSize: Double = 13,
                legendFontSize: Double = 9.5, lineWidth: Double = 1.6) {
        self.fontFamily = fontFamily
        self.tickFontSize = tickFontSize
        self.labelFontSize = labelFontSize
        self.titleFontSize = titleFontSize
        self.figureTitleFontSize = figureTitleFontSize
        self.legendFontSize = legendFontSize
        self.lineWidth = lineWidth
    }

    /// The default theme: DejaVu Sans, 10 pt ticks, 1.6 pt lines.
    public static let paper = Theme()

    /// Every size multiplied by `factor` (slides want about 1.4).
    public func scaled(by factor: Double) -> Theme {
        Theme(fontFamily: fontFamily, tickFontSize: tickFontSize * factor, labelFontSize: labelFontSize * factor,
              titleFontSize: titleFontSize * factor, figureTitleFontSize: figureTitleFontSize * factor,
              legendFontSize: legendFontSize * factor, lineWidth: lineWidth * factor)
    }
}
