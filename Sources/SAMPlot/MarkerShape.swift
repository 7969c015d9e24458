/// Shapes for data markers. Shape carries identity when color cannot (grayscale print, color blindness).
public enum MarkerShape: String, Sendable, Codable, CaseIterable {
    /// The shapes: filled circle, square, triangles, diamond; stroked plus and cross.
    case circle, square, triangleUp, triangleDown, diamond, plus, cross

    /// Plus and cross are strokes only; the others are filled.
    var isStrokeOnly: Bool { self == .plus || self == .cross }

    /// SVG path data for a marker of the given size (its nominal diameter, in points) centered at (x, y).
    /// Sizes are tuned so that shapes of the same `size` look equally heavy.
    func pathData(x: Double, y: Double, size: Double) -> String {
        let r = size / 2
        func n(_ v: Double) -> String { SVGWriter.number(v) }
        switch self {
        case .circle:
            return "M\(n(x - r)),\(n(y))a\(n(r)),\(n(r)) 0 1,0 \(n(2 * r)),0a\(n(r)),\(n(r)) 0 1,0 \(n(-2 * r)),0Z"
        case .square:
            let h = r * 0.88
            return "M\(n(x - h)),\(n(y - h))h\(n(2 * h))v\(n(2 * h))h\(n(-2 * h))Z"
        case .triangleUp:
            let h = r * 1.15
            return "M\(n(x)),\(n(y - h))L\(n(x + h * 0.95)),\(n(y + h * 0.75))L\(n(x - h * 0.95)),\(n(y + h * 0.75))Z"
        case .triangleDown:
            let h = r * 1.15
            return "M\(n(x)),\(n(y + h))L\(n(x + h * 0.95)),\(n(y - h * 0.75))L\(n(x - h * 0.95)),\(n(y - h * 0.75))Z"
        case .diamond:
            let h = r * 1.2
            return "M\(n(x)),\(n(y - h))L\(n(x + h * 0.8)),\(n(y))L\(n(x)),\(n(y + h))L\(n(x - h * 0.8)),\(n(y))Z"
        case .plus:
            let h = r * 1.1
            return "M\(n(x - h)),\(n(y))h\(n(2 * h))M\(n(x)),\(n(y - h))v\(n(2 * h))"
        case .cross:
            let h = r * 0.85
            return "M\(n(x - h)),\(n(y - h))l\(n(2 * h)),\(n(2 * h))M\(n(x - h)),\(n(y + h))l\(n(2 * h)),\(n(-2 * h))"
        }
    }
}
