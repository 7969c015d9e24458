/// y against x, drawn as a polyline. Non-finite values, and non-positive ones on a log axis, break the line
/// (they are never joined across), so a diverged run shows as a gap rather than a spike to the frame.
public struct LineSeries: Sendable, Codable, Equatable {
    /// The x values.
    public var x: [Double]
    /// The y values (as many as x).
    public var y: [Double]
    /// Legend text; series without a label are not listed.
    public var label: String?
    /// Color, dash, width and markers (automatic: from the palette, per series).
    public var style: SeriesStyle

    /// A line through the points (x[i], y[i]).
    public init(x: [Double], y: [Double], label: String? = nil, style: SeriesStyle = .automatic) {
        self.x = x
        self.y = y
        self.label = label
        self.style = style
    }

    /// y against 0, 1, 2, … (steps).
    public init(y: [Double], label: String? = nil, style: SeriesStyle = .automatic) {
        self.init(x: (0..<y.count).map(Double.init), y: y, label: label, style: style)
    }
}
