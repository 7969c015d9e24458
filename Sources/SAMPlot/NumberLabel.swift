import Foundation

/// Compact, typographically correct tick labels.
///
/// Labels use the true minus sign (U+2212), never print "-0", drop trailing zeros ("0.5", not "0.50"), and write
/// very large or very small numbers as powers of ten with superscript digits ("10⁻⁶", "2.5×10⁴") instead of
/// "1e-06". Superscript characters keep the label a single text run, which every SVG renderer draws the same way.
public enum NumberLabel {
    static let minus = "\u{2212}"
    static let superscriptDigits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]

    /// "10ⁿ", for the labels of a log axis.
    public static func powerOfTen(_ exponent: Int) -> String { "10" + superscript(exponent) }

    /// The integer in superscript digits ("⁻¹²").
    public static func superscript(_ n: Int) -> String {
        var out = n < 0 ? "⁻" : ""
        for ch in String(abs(n)) { out.append(superscriptDigits[Int(String(ch))!]) }
        return out
    }

    /// Labels for ticks spaced `step` apart on a linear axis. All labels share one notation (plain decimals, or
    /// powers of ten when the largest magnitude is at least 1e5 or below 1e-3), with only as many digits as the
    /// step needs.
    public static func linear(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        let stepExponent = step > 0 && step.isFinite ? Int(floor(log10(step) + 1e-9)) : 0
        let decimals = max(0, -stepExponent + 1)
        let plainLabels = values.map { plain($0, decimals: decimals) }
        guard largest >= 1e5 || (largest > 0 && largest < 1e-3) else { return plainLabels }
        // Powers of ten only where they are shorter: "10⁶" beats "1000000", but "150000" beats "1.5×10⁵".
        let scientificLabels = values.map { scientific($0, resolutionExponent: stepExponent - 1) }
        func widest(_ labels: [String]) -> Double { labels.map { TextMetrics.width($0, fontSize: 1) }.max() ?? 0 }
        return widest(scientificLabels) < widest(plainLabels) ? scientificLabels : plainLabels
    }

    /// A single value written as compactly as the tick system allows (at most 4 significant digits).
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? minus + "∞" : "∞") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        let exponent = Int(floor(log10(magnitude) + 1e-12))
        if magnitude >= 1e5 || magnitude < 1e-3 { return scientific(value, resolutionExponent: exponent - 3) }
        return plain(value, decimals: max(0, 3 - exponent))
    }

    /// Fixed decimals, then trailing zeros removed.
    static func plain(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(min(decimals, 17))f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        if text.hasPrefix("-") { text = minus + text.dropFirst() }
        return text
    }

    /// m×10ᵉ with the mantissa rounded at 10^resolutionExponent; mantissa 1 is written as just 10ᵉ.
    static func scientific(_ value: Double, resolutionExponent: Int) -> String {
        if value == 0 { return "0" }
        var exponent = Int(floor(log10(abs(value)) + 1e-9))
        let decimals = max(0, min(exponent - resolutionExponent, 15))
        var mantissa = value / pow(10, Double(exponent))
        // Rounding can carry the mantissa to 10 (9.99 -> 10.0): renormalize.
        let rounded = (mantissa * pow(10, Double(decimals))).rounded() / pow(10, Double(decimals))
        if abs(rounded) >= 10 { exponent += 1; mantissa = value / pow(10, Double(exponent)) } else { mantissa = rounded }
        let sign = value < 0 ? minus : ""
        let m = plain(abs(mantissa), decimals: decimals)
        return m == "1" ? sign + powerOfTen(exponent) : sign + m + "×" + powerOfTen(exponent)
    }
}
