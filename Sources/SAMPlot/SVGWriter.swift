import Foundation

/// A text box as placed on the page, kept so layout can avoid it and tests can prove no two labels overlap.
struct TextBox: Sendable, Equatable {
    var rect: Rect
    var text: String
    var role: String
}

/// Horizontal alignment of text relative to its anchor point.
public enum TextAnchor: String, Sendable, Codable {
    /// Anchored at the text's start, middle or end.
    case start, middle, end
}

/// Builds SVG text: escaping, compact numbers, and a record of every text box placed.
///
/// Numbers are written with at most two decimals (1/100 pt is far below what any screen or printer resolves), which
/// roughly halves file size against full precision. Text content and attribute values are escaped, and characters
/// XML 1.0 forbids even when escaped (most control characters) are dropped, so any label a user passes yields a
/// well-formed document.
struct SVGWriter {
    private(set) var body = ""
    private(set) var defs = ""
    private(set) var textBoxes: [TextBox] = []

    typealias Attributes = [(String, String)]

    mutating func open(_ name: String, _ attributes: Attributes = []) {
        body += "<" + name + Self.attributeText(attributes) + ">\n"
    }

    mutating func close(_ name: String) { body += "</" + name + ">\n" }

    mutating func element(_ name: String, _ attributes: Attributes) {
        body += "<" + name + Self.attributeText(attributes) + "/>\n"
    }

    mutating func raw(_ text: String) { body += text }

    mutating func define(_ text: String) { defs += text + "\n" }

    private var definedIDs: Set<String> = []

    /// Adds a definition unless one with this id exists (patterns shared by panels and legends).
    mutating func define(id: String, _ text: String) {
        if definedIDs.insert(id).inserted { define(text) }
    }

    /// A line of text, read as `Markup` (sub- and superscripts become shifted tspans). `y` is the baseline; `rotation` is in degrees about (x, y) (only 0 and -90 are used).
    /// A `droppable` text (a tick label) is left out when it would overlap text already placed, the last line of
    /// defence when a figure is too small for its labels. Returns whether the text was written.
    @discardableResult
    mutating func text(_ string: String, x: Double, y: Double, fontSize: Double, anchor: TextAnchor = .start,
                       role: String, rotation: Double = 0, bold: Bool = false, color: String = "#222222",
                       halo: Bool = false, droppable: Bool = false, extra: Attributes = []) -> Bool {
        guard !string.isEmpty else { return false }
        let box = Self.box(string, x: x, y: y, fontSize: fontSize, anchor: anchor, rotation: rotation, bold: bold)
        if droppable && textBoxes.contains(where: { $0.rect.intersects(box, tolerance: 0.5) }) { return false }
        var attributes: Attributes = [("class", role), ("x", Self.number(x)), ("y", Self.number(y)),
                                      ("font-size", Self.number(fontSize))]
        if anchor != .start { attributes.append(("text-anchor", anchor.rawValue)) }
        if bold { attributes.append(("font-weight", "bold")) }
        attributes.append(("fill", color))
        if rotation != 0 {
            attributes.append(("transform", "rotate(\(Self.number(rotation)) \(Self.number(x)) \(Self.number(y)))"))
        }
        if halo {
            attributes += [("stroke", "#ffffff"), ("stroke-width", "3"), ("stroke-linejoin", "round"),
                           ("paint-order", "stroke")]
        }
        attributes += extra
        let content = Markup.svgContent(string, fontSize: fontSize)
        if content.contains("<tspan") { attributes.append(("xml:space", "preserve")) }
        body += "<text" + Self.attributeText(attributes) + ">" + content + "</text>\n"
        textBoxes.append(TextBox(rect: box, text: string, role: role))
        return true
    }

    /// A light diagonal hatch in `color`, for fills that must differ in grayscale; returns its fill reference.
    mutating func hatchFill(_ color: Color) -> String {
        let id = "hatch-" + color.hex.dropFirst()
        define(id: id, "<pattern id=\"\(id)\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" "
               + "patternTransform=\"rotate(45)\"><path d=\"M0,0V5\" stroke=\"\(color.hex)\" stroke-opacity=\"0.4\" "
               + "stroke-width=\"1.1\"/></pattern>")
        return "url(#\(id))"
    }

    /// The page rectangle a text occupies (estimated, see `TextMetrics`).
    static func box(_ string: String, x: Double, y: Double, fontSize: Double, anchor: TextAnchor,
                    rotation: Double = 0, bold: Bool = false) -> Rect {
        let w = TextMetrics.width(string, fontSize: fontSize, bold: bold)
        let along: Double
        switch anchor {
        case .start: along = 0
        case .middle: along = -w / 2
        case .end: along = -w
        }
        let up = TextMetrics.ascent * fontSize, down = TextMetrics.descent * fontSize
        if rotation == -90 {
            // Reading bottom to top: the text runs up the page, ascent points left.
            return Rect(minX: x - up, minY: y - along - w, maxX: x + down, maxY: y - along)
        }
        return Rect(minX: x + along, minY: y - up, maxX: x + along + w, maxY: y + down)
    }

    /// The whole document.
    func document(width: Double, height: Double, fontFamily: String) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Self.number(width))\" "
        out += "height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" "
        out += "font-family=\"\(Self.escape(fontFamily))\">\n"
        if !defs.isEmpty { out += "<defs>\n" + defs + "</defs>\n" }
        out += body
        out += "</svg>\n"
        return out
    }

    static func attributeText(_ attributes: Attributes) -> String {
        var out = ""
        for (name, value) in attributes { out += " " + name + "=\"" + escape(value) + "\"" }
        return out
    }

    /// Escapes &, <, >, " and ' and drops characters XML 1.0 cannot carry.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                let v = scalar.value
                if v < 0x20 || (v >= 0xfffe && v <= 0xffff) || (v >= 0xd800 && v <= 0xdfff) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals, no trailing zeros, no "-0", no exponent.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let clamped = min(max(v, -1e9), 1e9)
        let hundredths = Int64((clamped * 100).rounded())
        if hundredths == 0 { return "0" }
        let negative = hundredths < 0
        let magnitude = negative ? -hundredths : hundredths
        var out = negative ? "-" : ""
        out += String(magnitude / 100)
        let frac = magnitude % 100
        if frac != 0 {
            out += frac % 10 == 0 ? "." + String(frac / 10) : (frac < 10 ? ".0" : ".") + String(frac)
        }
        return out
    }

    /// Path data for a polyline.
    static func pathData(_ points: [Point]) -> String {
        var out = ""
        for (i, p) in points.enumerated() {
            out += (i == 0 ? "M" : "L") + number(p.x) + "," + number(p.y)
        }
        return out
    }
}
