import Foundation

/// An sRGB color. Specs store colors as `#rrggbb` strings so a saved figure reads like a style sheet.
///
/// Series rarely name a color directly: they name a palette index (see `Palette`), so that a figure's colors,
/// dash patterns and markers stay in step and one palette change restyles every figure.
public struct Color: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Channels in 0...1.
    public var red: Double
    /// Green channel in 0...1.
    public var green: Double
    /// Blue channel in 0...1.
    public var blue: Double

    /// A color from channels in 0...1 (values outside are clamped; non-finite ones become 0).
    public init(red: Double, green: Double, blue: Double) {
        self.red = Self.clamp(red)
        self.green = Self.clamp(green)
        self.blue = Self.clamp(blue)
    }

    /// `#rrggbb` or `rrggbb`; anything unreadable becomes black rather than failing a whole figure.
    public init(hex: String) {
        var text = hex.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("#") { text.removeFirst() }
        let value = text.count == 6 ? UInt32(text, radix: 16) ?? 0 : 0
        self.init(red: Double((value >> 16) & 0xff) / 255, green: Double((value >> 8) & 0xff) / 255,
                  blue: Double(value & 0xff) / 255)
    }

    /// `#rrggbb`, lower case, as written into SVG.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for channel in [red, green, blue] {
            let v = Int((channel * 255).rounded())
            out.append(digits[v >> 4])
            out.append(digits[v & 15])
        }
        return out
    }

    /// The `#rrggbb` form.
    public var description: String { hex }

    /// Relative luminance (WCAG), used to pick readable text over a fill and to check grayscale contrast.
    public var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Linear interpolation in sRGB: `amount` 0 gives self, 1 gives `other`.
    public func mixed(with other: Color, amount: Double) -> Color {
        let t = Self.clamp(amount)
        return Color(red: red + (other.red - red) * t, green: green + (other.green - green) * t,
                     blue: blue + (other.blue - blue) * t)
    }

    /// #000000.
    public static let black = Color(hex: "#000000")
    /// #ffffff.
    public static let white = Color(hex: "#ffffff")

    /// Reads a `#rrggbb` string.
    public init(from decoder: Decoder) throws {
        self.init(hex: try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes the `#rrggbb` string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func clamp(_ v: Double) -> Double { v.isFinite ? min(max(v, 0), 1) : 0 }
}
