/// A straight reference: y = c, x = c, or a line through a point along a direction (in data coordinates, e.g. the
/// max-margin direction through the origin). Drawn thin, dashed and neutral, under the data, with its label at the
/// line's right or top end on a white halo.
///
/// Horizontal and vertical lines widen the axis range to include themselves, because a reference that falls off
/// the panel says nothing; slanted ones do not. On log axes a slanted line is a curve, and is drawn as one.
public struct ReferenceLine: Sendable, Codable, Equatable {
    /// A point on the line.
    public var x: Double
    /// The point's y.
    public var y: Double
    /// Direction (dx, dy); (1, 0) is horizontal, (0, 1) vertical.
    public var dx: Double
    /// The direction's y component.
    public var dy: Double
    /// Text at the line's end; nil for none.
    public var label: String?
    /// Palette index; nil draws it in neutral grey.
    public var colorIndex: Int?
    /// The stroke pattern (dashed by default).
    public var dash: DashPattern

    /// The line through (x, y) along (dx, dy).
    public init(x: Double, y: Double, dx: Double, dy: Double, label: String? = nil, colorIndex: Int? = nil,
                dash: DashPattern = .dashed) {
        self.x = x
        self.y = y
        self.dx = dx
        self.dy = dy
        self.label = label
        self.colorIndex = colorIndex
        self.dash = dash
    }

    /// The horizontal line at height y.
    public static func horizontal(_ y: Double, label: String? = nil, colorIndex: Int? = nil) -> ReferenceLine {
        ReferenceLine(x: 0, y: y, dx: 1, dy: 0, label: label, colorIndex: colorIndex)
    }

    /// The vertical line at position x.
    public static func vertical(_ x: Double, label: String? = nil, colorIndex: Int? = nil) -> ReferenceLine {
        ReferenceLine(x: x, y: 0, dx: 0, dy: 1, label: label, colorIndex: colorIndex)
    }

    /// The line through the origin along (dx, dy).
    public static func throughOrigin(dx: Double, dy: Double, label: String? = nil,
                                     colorIndex: Int? = nil) -> ReferenceLine {
        ReferenceLine(x: 0, y: 0, dx: dx, dy: dy, label: label, colorIndex: colorIndex)
    }

    var isHorizontal: Bool { dy == 0 && dx != 0 }
    var isVertical: Bool { dx == 0 && dy != 0 }
}
