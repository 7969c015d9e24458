/// A band over x in [start, end), full panel height, drawn behind every line: "coordinate j leads during these
/// steps" in a loss-curve figure.
///
/// Bands with the same label form one legend entry. Tints are light (the data on top must stay readable). Since all
/// light tints turn the same grey in print, odd palette indices also get a faint diagonal hatch (see
/// `Palette.hatched`), every band gets faint edge lines, and `labelInside` writes the label at the top of the band
/// when it fits, the most robust way to name leaders. A negative `colorIndex` gives a neutral grey band, unhatched,
/// for spans where no key applies ("nothing grows").
public struct ShadedInterval: Sendable, Codable, Equatable {
    /// Where the band starts on x.
    public var start: Double
    /// Where it ends on x (exclusive).
    public var end: Double
    /// Palette index of its tint; a negative index is the neutral grey of "nothing in particular" (no leader), which
    /// no palette color can be mistaken for.
    public var colorIndex: Int
    /// Legend text (bands with the same label share one entry); nil for none.
    public var label: String?
    /// Tint opacity in 0...1 (light by default).
    public var opacity: Double
    /// Write the label at the top of the band when it fits.
    public var labelInside: Bool

    /// A band over [start, end) with the given tint and label.
    public init(start: Double, end: Double, colorIndex: Int = 0, label: String? = nil, opacity: Double = 0.18,
                labelInside: Bool = false) {
        self.start = start
        self.end = end
        self.colorIndex = colorIndex
        self.label = label
        self.opacity = opacity
        self.labelInside = labelInside
    }

    /// The tint of this band: palette color `colorIndex`, or neutral grey for a negative index.
    var color: Color { colorIndex < 0 ? ShadedInterval.neutralColor : Palette.color(colorIndex) }
    /// Whether the band carries the light hatch (alternate palette indices; never the neutral band).
    var hatched: Bool { colorIndex >= 0 && Palette.hatched(colorIndex) }
    static let neutralColor = Color(hex: "#8c8c8c")

    /// Consecutive bands from a list of changes: each (key, start) runs until the next start, the last until `end`.
    /// `colorIndex` and `label` map the key (e.g. the leading coordinate) to the band's look; a nil label is fine.
    /// This is the shape of SAMCore's leader list (`{"coordinate": j, "start": k}`).
    public static func runs(_ changes: [(key: Int, start: Double)], end: Double,
                            colorIndex: (Int) -> Int = { $0 }, label: (Int) -> String? = { _ in nil },
                            labelInside: Bool = false) -> [ShadedInterval] {
        var out: [ShadedInterval] = []
        for (i, change) in changes.enumerated() {
            let stop = i + 1 < changes.count ? changes[i + 1].start : end
            guard stop > change.start else { continue }
            out.append(ShadedInterval(start: change.start, end: stop, colorIndex: colorIndex(change.key),
                                      label: label(change.key), labelInside: labelInside))
        }
        return out
    }
}
