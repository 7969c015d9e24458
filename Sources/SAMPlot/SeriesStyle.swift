/// How a series is stroked. Everything left nil follows the palette index, so that color, dash and marker change
/// together (see `Palette`) and a series keeps its look across the panels of a small-multiples figure.
public struct SeriesStyle: Sendable, Codable, Equatable {
    /// Palette index; nil assigns one per label, in order of first appearance in the figure.
    public var colorIndex: Int?
    /// Nil takes the dash pattern of the palette index; set `.solid` to force a solid line.
    public var dash: DashPattern?
    /// Stroke width in points; nil uses the theme's line width.
    public var width: Double?
    /// Draw markers on the line's points (every `markerEvery`-th, or about a dozen along the line).
    public var markers: Bool
    /// Marker shape; nil takes the palette's shape for the index.
    public var marker: MarkerShape?
    /// Put a marker on every n-th point; nil spaces about a dozen along the line.
    public var markerEvery: Int?
    /// Stroke opacity in 0...1.
    public var opacity: Double

    /// A style; everything left nil follows the palette index.
    public init(colorIndex: Int? = nil, dash: DashPattern? = nil, width: Double? = nil, markers: Bool = false,
                marker: MarkerShape? = nil, markerEvery: Int? = nil, opacity: Double = 1) {
        self.colorIndex = colorIndex
        self.dash = dash
        self.width = width
        self.markers = markers
        self.marker = marker
        self.markerEvery = markerEvery
        self.opacity = opacity
    }

    /// Everything from the palette: no fixed color, dash or width, no markers.
    public static let automatic = SeriesStyle()

    /// Palette entry `index` with its matching dash pattern.
    public static func palette(_ index: Int, markers: Bool = false) -> SeriesStyle {
        SeriesStyle(colorIndex: index, markers: markers)
    }
}

/// A style with every choice made, as the renderer draws it.
struct ResolvedStyle: Sendable, Equatable {
    var color: Color
    var dash: DashPattern
    var width: Double
    var marker: MarkerShape?
    var markerEvery: Int?
    var opacity: Double

    init(_ style: SeriesStyle, index: Int, defaultWidth: Double) {
        color = Palette.color(index)
        dash = style.dash ?? Palette.dash(index)
        width = style.width.map { $0.isFinite && $0 > 0 ? $0 : defaultWidth } ?? defaultWidth
        marker = style.markers || style.marker != nil ? (style.marker ?? Palette.marker(index)) : nil
        markerEvery = style.markerEvery
        opacity = style.opacity.isFinite ? min(max(style.opacity, 0.05), 1) : 1
    }

    /// Stroke attributes for SVG.
    var strokeAttributes: SVGWriter.Attributes {
        var a: SVGWriter.Attributes = [("fill", "none"), ("stroke", color.hex), ("stroke-width", SVGWriter.number(width)),
                                       ("stroke-linejoin", "round"), ("stroke-linecap", dash.lineCap)]
        if let array = dash.dashArray(width: width) {
            a.append(("stroke-dasharray", array.map(SVGWriter.number).joined(separator: ",")))
        }
        if opacity < 1 { a.append(("stroke-opacity", SVGWriter.number(opacity))) }
        return a
    }
}
