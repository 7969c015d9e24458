/// Text extents estimated without a font engine.
///
/// SVG is laid out here but drawn later by someone else's renderer, so widths are estimated from DejaVu Sans
/// advance widths (the font the figures ask for, and the usual fallback on Linux). A flat 0.6 em per character is
/// the classic estimate, but DejaVu digits are 0.64 em and the minus and times signs 0.84 em, so "−10000" would be
/// underestimated by 10%; a small per-class table is nearly as simple and errs on the wide side. Bold text is taken
/// 10% wider. Vertical extent: ascent 0.8 em above the baseline, descent 0.22 em below.
public enum TextMetrics {
    /// Ascent above the baseline, in em (0.8).
    public static let ascent = 0.8
    /// Descent below the baseline, in em (0.22).
    public static let descent = 0.22

    /// Estimated advance width of `text` at `fontSize`, in points; `text` is read as `Markup` (scripts are
    /// measured at their smaller size, markup characters not at all).
    public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for run in Markup.runs(text) {
            var w = 0.0
            for scalar in run.text.unicodeScalars { w += advance(scalar) }
            em += run.position == .normal ? w : w * Markup.scriptScale
        }
        return em * fontSize * (bold ? 1.1 : 1.0)
    }

    /// Height of one line of text (ascent + descent).
    public static func height(fontSize: Double) -> Double { (ascent + descent) * fontSize }

    static func advance(_ s: Unicode.Scalar) -> Double {
        let v = s.value
        switch v {
        case 0x30...0x39: return 0.64  // digits
        case 0x20, 0x2e, 0x2c, 0x3a, 0x3b, 0x27, 0x7c, 0x21: return 0.33  // space . , : ; ' | !
        case 0x69, 0x6a, 0x6c: return 0.28  // i j l
        case 0x66, 0x74, 0x72: return 0.42  // f t r
        case 0x6d, 0x77: return 0.92  // m w
        case 0x61...0x7a: return 0.62  // other lower case
        case 0x49, 0x4a: return 0.3  // I J
        case 0x4d, 0x57: return 0.95  // M W
        case 0x41...0x5a: return 0.74  // other upper case
        case 0x2d, 0x28, 0x29, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x5c: return 0.4  // - ( ) [ ] { } / \
        case 0x2212, 0x2b, 0x3d, 0x3c, 0x3e, 0xd7, 0x7e, 0xb1: return 0.84  // − + = < > × ~ ±
        case 0x2070...0x209f, 0xb2, 0xb3, 0xb9: return 0.42  // superscripts and subscripts
        case 0x25, 0x40, 0x26: return 0.95  // % @ &
        case 0x22, 0x2a, 0x5e, 0x5f, 0x60, 0x23, 0x24: return 0.62
        case 0x370...0x3ff: return 0.66  // Greek
        case 0x2026: return 1.0  // …
        case 0x2190...0x22ff: return 0.84  // arrows and math operators
        case 0x1100...0xffff where v >= 0x2e80: return 1.0  // CJK and other wide scripts
        default: return 0.7
        }
    }

    /// `text` shortened with an ellipsis so it fits in `maxWidth` (after shrinking the font down to `minSize`).
    /// Returns the text, the font size to use, and whether anything had to give.
    static func fit(_ text: String, maxWidth: Double, fontSize: Double, minSize: Double, bold: Bool = false)
        -> (text: String, fontSize: Double, shortened: Bool) {
        guard maxWidth > 0 else { return ("", fontSize, !text.isEmpty) }
        let w = width(text, fontSize: fontSize, bold: bold)
        if w <= maxWidth { return (text, fontSize, false) }
        let shrunk = fontSize * maxWidth / w
        if shrunk >= minSize { return (text, shrunk, false) }
        var count = Markup.plain(text).count
        while count > 0 && width(Markup.prefix(text, visible: count) + "…", fontSize: minSize, bold: bold) > maxWidth {
            count -= 1
        }
        return (count == 0 ? "" : Markup.prefix(text, visible: count) + "…", minSize, true)
    }
}
