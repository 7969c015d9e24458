/// The figure-wide cycle of colors, dash patterns and marker shapes.
///
/// Colors are Okabe & Ito's set, chosen to stay distinct for the common forms of color blindness. Their order puts
/// the strongest colors first and yellow (hard to see as a thin line on white) last. Because several of them have
/// nearly the same lightness, color alone does not survive a grayscale printer: index i also gets dash pattern i
/// and marker i, so series stay distinguishable without color. Past the cycle length the dash cycle is shifted, so
/// index 8 is not a copy of index 0.
public enum Palette {
    /// Okabe–Ito, in the order series receive them.
    public static let colors: [Color] = [
        Color(hex: "#0072B2"),  // blue
        Color(hex: "#D55E00"),  // vermillion
        Color(hex: "#009E73"),  // bluish green
        Color(hex: "#CC79A7"),  // reddish purple
        Color(hex: "#E69F00"),  // orange
        Color(hex: "#56B4E9"),  // sky blue
        Color(hex: "#000000"),  // black
        Color(hex: "#F0E442"),  // yellow
    ]

    /// Dash patterns in step with `colors`.
    public static let dashes: [DashPattern] = [.solid, .dashed, .dotted, .dashDot, .longDash, .dashDotDot]

    /// Marker shapes in step with `colors`.
    public static let markers: [MarkerShape] = [
        .circle, .square, .triangleUp, .diamond, .triangleDown, .plus, .cross,
    ]

    /// Neutral grey for reference lines, frames and other non-data ink.
    public static let neutral = Color(hex: "#555555")

    /// The color of palette index `index` (cycling).
    public static func color(_ index: Int) -> Color { colors[wrap(index, colors.count)] }

    /// The dash pattern of palette index `index` (cycling, shifted past each color cycle).
    public static func dash(_ index: Int) -> DashPattern {
        dashes[wrap(index + wrap(index / colors.count, dashes.count), dashes.count)]
    }

    /// The marker shape of palette index `index` (cycling, shifted past each color cycle).
    public static func marker(_ index: Int) -> MarkerShape {
        markers[wrap(index + 2 * (index / colors.count), markers.count)]
    }

    /// Whether fills of this index (shaded intervals) carry a light hatch. Alternate indices do, so neighbouring
    /// bands of different indices stay apart in grayscale, where the tints all turn the same light grey.
    public static func hatched(_ index: Int) -> Bool { wrap(index, 2) == 1 }

    static func wrap(_ i: Int, _ n: Int) -> Int { ((i % n) + n) % n }
}
