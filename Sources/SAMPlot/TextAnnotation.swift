/// Free text at a data position, offset by (dx, dy) points (y down). Drawn on a white halo and kept inside the
/// panel, so it stays readable over data and never spills onto tick labels.
public struct TextAnnotation: Sendable, Codable, Equatable {
    public var text: String
    public var x: Double
    public var y: Double
    public var dx: Double
    public var dy: Double
    public var anchor: TextAnchor
    /// Nil uses the theme's tick font size.
    public var fontSize: Double?
    /// Palette index; nil is near-black.
    public var colorIndex: Int?

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
