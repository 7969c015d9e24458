/// Reads a number from ASCII bytes, giving exactly the Double that Swift's `Double(String)` gives for the same text.
///
/// Text of the form `[+-]digits[.digits][(e|E)[+-]digits]` with at most 19 significant digits (and at most 4 exponent
/// digits) is read as w x 10^q with w a UInt64, then rounded to the nearest Double, ties to even, as the correctly
/// rounded `Double(String)` rounds it:
/// - Clinger's fast path when w <= 2^53 and |q| <= 22: w and 10^|q| are exact Doubles, so the one IEEE operation
///   w * 10^q or w / 10^-q is correctly rounded (W. D. Clinger, "How to read floating point numbers accurately",
///   PLDI 1990);
/// - otherwise the Eisel-Lemire algorithm (`EiselLemire`; Lemire 2021), exact for every such w and q but the rare cases
///   it refuses.
/// Everything else (more digits, a refusal, a value that rounds to 0 or infinity from a nonzero significand, `.5`,
/// `5.`, `inf`, `nan`, hex floats, whitespace, any other spelling) goes to `Double(String)` itself, so that the two
/// agree on every input, accepted or not. `CSVStreamTests` checks the agreement on edge cases and random strings.
public enum DecimalParser {
    /// 10^0 ... 10^22, each exactly representable as a Double.
    static let powers: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { acc, _ in acc * 10 } }

    /// The value of the bytes, as `Double(String(decoding: bytes, as: UTF8.self))` would give it (nil where that is nil).
    @inline(__always)
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if let value = fastPath(bytes) { return value }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// The decimal text's sign, significand w and exponent q (value ±w x 10^q), or nil when it is not of the plain
    /// form above with at most 19 significant digits.
    @inline(__always)
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> (negative: Bool, w: UInt64, q: Int)? {
        let n = bytes.count
        var i = 0
        guard n > 0 else { return nil }
        var negative = false
        if bytes[0] == 0x2D || bytes[0] == 0x2B { negative = bytes[0] == 0x2D; i = 1 }
        var w: UInt64 = 0, significant = 0, q = 0, digits = 0
        // Integer part.
        while i < n, bytes[i] &- 0x30 < 10 {
            let digit = UInt64(bytes[i] &- 0x30)
            if w != 0 || digit != 0 { significant += 1 }
            if significant > 19 { return nil }
            w = w &* 10 &+ digit
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }   // ".5", "inf", "nan", "" are left to Double(String).
        if i < n, bytes[i] == 0x2E {
            i += 1
            var fraction = 0
            while i < n, bytes[i] &- 0x30 < 10 {
                let digit = UInt64(bytes[i] &- 0x30)
                if w != 0 || digit != 0 { significant += 1 }
                if significant > 19 { return nil }
                w = w &* 10 &+ digit
                q -= 1
                fraction += 1
                i += 1
            }
            guard fraction > 0 else { return nil }   // "5." is left to Double(String).
        }
        if i < n, bytes[i] | 0x20 == 0x65 {
            i += 1
            var negativeExponent = false
            if i < n, bytes[i] == 0x2D || bytes[i] == 0x2B { negativeExponent = bytes[i] == 0x2D; i += 1 }
            var e = 0, exponentDigits = 0
            while i < n, bytes[i] &- 0x30 < 10 {
                e = e * 10 + Int(bytes[i] &- 0x30)
                exponentDigits += 1
                if exponentDigits > 4 { return nil }
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            q += negativeExponent ? -e : e
        }
        guard i == n else { return nil }
        return (negative, w, q)
    }

    /// Clinger's fast path or Eisel-Lemire, or nil when the text is outside them (not necessarily an invalid number).
    @inline(__always)
    static func fastPath(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let (negative, w, q) = decimal(bytes) else { return nil }
        let magnitude: Double
        if w == 0 {
            magnitude = 0
        } else if w <= 1 << 53, q >= -22, q <= 22 {
            magnitude = q >= 0 ? Double(w) * powers[q] : Double(w) / powers[-q]
        } else if let bits = EiselLemire.bits(w, q) {
            magnitude = Double(bitPattern: bits)
        } else {
            return nil
        }
        return negative ? -magnitude : magnitude
    }
}
