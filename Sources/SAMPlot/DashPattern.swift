/// A stroke pattern. Dash lengths scale with line width so a thick dashed line still reads as dashed.
public enum DashPattern: String, Sendable, Codable, CaseIterable {
    /// The patterns, from solid to dash-dot-dot.
    case solid, dashed, dotted, dashDot, longDash, dashDotDot

    /// The SVG `stroke-dasharray` in points for a line of the given width; nil for solid.
    func dashArray(width w: Double) -> [Double]? {
        let u = max(w, 1)
        switch self {
        case .solid: return nil
        case .dashed: return [4.5 * u, 2.5 * u]
        case .dotted: return [0.01, 2.4 * u]
        case .dashDot: return [5 * u, 2 * u, 0.01, 2 * u]
        case .longDash: return [9 * u, 3 * u]
        case .dashDotDot: return [5 * u, 2 * u, 0.01, 2 * u, 0.01, 2 * u]
        }
    }

    /// Dots are zero-length dashes drawn with round caps; the other patterns keep square-ended dashes.
    var lineCap: String {
        switch self {
        case .dotted, .dashDot, .dashDotDot: return "round"
        default: return "butt"
        }
    }
}
