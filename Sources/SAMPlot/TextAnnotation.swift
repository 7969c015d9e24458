/// Free text at a data position, offset by (dx, dy) points (y down). Drawn on a white halo and kept inside the
/// panel, so it stays readable over data and never spills onto tick labels.
public struct TextAnnotation: Sendable, Codable, Equatable {
    /// The text.
    public var text: String
    /// The anchor's x, in data units.
    public var x: Double
    /// The anchor's y, in data units.
    public var y: Double
    /// Horizontal offset from the anchor, in points.
    public var dx: Double
    /// Vertical offset from the anchor, in points (positive is down).
    public var dy: Double
    /// Which part of the text sits at the anchor.
    public var anchor: TextAnchor
    /// Nil uses the theme's tick font size.
    public var fontSize: Double?
    /// Palette index; nil is near-black.
    public var colorIndex: Int?

    /// Text at (x, y) in data units, offset by (dx, dy) points.
    public init(_ text: String, x: Double, y: Double, dx: Double = 0, dy: Double = 0, anchor: TextAnchor = .start,
                fontSize: Double? = nil, colorIndex: Int? = nil) {
        self.text = text
        self.x = x
        self.y = y
        self.dx = dx
        self.dy = dy
        self.anchor = anchor
        self.fontSize = fontSize
        self.colorIndex = colorIndex
    }
}
