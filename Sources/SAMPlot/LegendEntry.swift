/// One line of a legend: a small sample drawn like the layer it stands for, and its label.
struct LegendEntry: Sendable, Equatable {
    enum Glyph: Sendable, Equatable {
        case line(ResolvedStyle)
        case marker(ResolvedStyle, size: Double)
        case swatch(Color, opacity: Double, hatched: Bool)
        case trajectory(ResolvedStyle)
        /// No sample: a heading (a categorical map's label), written from the sample's left edge.
        case heading
        /// The hatched "no data" key of heat maps.
        case missing
    }

    var label: String
    var glyph: Glyph
}
