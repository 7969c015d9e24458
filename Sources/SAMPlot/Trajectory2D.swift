/// A path through the plane (e.g. (β₁, β₂) over training), drawn so its direction can be read without color:
/// a round marker where it starts and arrowheads along it.
///
/// Arrowheads go at every `arrowEvery`-th point and, if `arrowAtEnd`, at the last point. An arrow is skipped when it
/// would land within 12 points of another arrow or of the start marker, so a trajectory that stalls or converges
/// does not end in a blot of overlapping heads. Use `Panel.equalAspect` so that angles in the figure are true.
public struct Trajectory2D: Sendable, Codable, Equatable {
    /// The path's x values.
    public var x: [Double]
    /// The path's y values (as many as x).
    public var y: [Double]
    /// Legend text; nil for none.
    public var label: String?
    /// Color, dash and width (automatic: from the palette).
    public var style: SeriesStyle
    /// Draw a round marker at the first point.
    public var startMarker: Bool
    /// Put an arrowhead at every n-th point; nil for none along the way.
    public var arrowEvery: Int?
    /// Put an arrowhead at the last point.
    public var arrowAtEnd: Bool

    /// A path through the points (x[i], y[i]).
    public init(x: [Double], y: [Double], label: String? = nil, style: SeriesStyle = .automatic,
                startMarker: Bool = true, arrowEvery: Int? = nil, arrowAtEnd: Bool = true) {
        self.x = x
        self.y = y
        self.label = label
        self.style = style
        self.startMarker = startMarker
        self.arrowEvery = arrowEvery
        self.arrowAtEnd = arrowAtEnd
    }

    /// From (x, y) pairs.
    public init(points: [(Double, Double)], label: String? = nil, style: SeriesStyle = .automatic,
                startMarker: Bool = true, arrowEvery: Int? = nil, arrowAtEnd: Bool = true) {
        self.init(x: points.map(\.0), y: points.map(\.1), label: label, style: style, startMarker: startMarker,
                  arrowEvery: arrowEvery, arrowAtEnd: arrowAtEnd)
    }
}
