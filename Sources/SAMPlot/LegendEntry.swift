/// One line of a legend: a small sample drawn like the layer it stands for, and its label.
struct LegendEntry: Sendable, Equatable {
    enum Glyph: Sendable, Equatable {
        case line(ResolvedStyle)
        case marker(ResolvedStyle, size: Double)
        case swatch(Color, opacity: Double, hatched: Bool)
        case trajectory(ResolvedStyle)
    }

    var label: String
    var glyph: Glyph
}
