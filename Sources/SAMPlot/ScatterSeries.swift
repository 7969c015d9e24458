/// Unconnected points, one marker each.
public struct ScatterSeries: Sendable, Codable, Equatable {
    /// The x values.
    public var x: [Double]
    /// The y values (as many as x).
    public var y: [Double]
    /// Legend text; nil for none.
    public var label: String?
    /// Palette index; nil assigns one per label like line series.
    public var colorIndex: Int?
    /// Nil takes the palette's shape for the index.
    public var marker: MarkerShape?
    /// Marker diameter in points.
    public var size: Double
    /// Marker opacity in 0...1.
    public var opacity: Double

    /// Points (x[i], y[i]) with the given look.
    public init(x: [Double], y: [Double], label: String? = nil, colorIndex: Int? = nil, marker: MarkerShape? = nil,
                size: Double = 5.5, opacity: Double = 0.9) {
        self.x = x
        self.y = y
        self.label = label
        self.colorIndex = colorIndex
        self.marker = marker
        self.size = size
        self.opacity = opacity
    }
}
