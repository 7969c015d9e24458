/// The Eisel-Lemire algorithm: the Double nearest to w x 10^q (ties to even) for a 64-bit decimal significand w, from
/// one or two 64 x 64 -> 128-bit products with a table of truncated powers of five (`_powersOfFive`).
///
/// D. Lemire, "Number parsing at a gigabyte per second", Software: Practice and Experience 51(8), 2021 (arXiv
/// 2101.11408; Sections 8 and 9 for the rounding of ties); N. Mushtak and D. Lemire, "Fast number parsing without
/// fallback", Software: Practice and Experience 53(6), 2023 (one extra product always suffices). This is the form of
/// Rust's `core::num::dec2flt::lemire::compute_float`, including its one refusal (an all-ones low word outside q in
/// [-27, 55]; fast_float dropped it after Mushtak and Lemire), where the caller falls back to an exact parser.
enum EiselLemire {
    /// The smallest and largest decimal exponents of the table: below, w x 10^q rounds to 0; above, to infinity.
    static let smallestPower = -342, largestPower = 308

    /// The bits of the Double nearest to w x 10^q (w != 0, without sign), or nil when the algorithm cannot decide (the
    /// caller must then use an exact parser) or the value rounds to 0 or infinity (left to the caller as well).
    @inline(__always)
    static func bits(_ w: UInt64, _ q: Int) -> UInt64? {
        guard w != 0, q >= smallestPower, q <= largestPower else { return nil }
        let lz = w.leadingZeroBitCount
        let w = w << lz
        // The product of w with the truncated 5^q, refined by the low word when the bits below the kept 55 are all ones.
        let index = 2 * (q - smallestPower)
        var (hi, lo) = w.multipliedFullWidth(by: _powersOfFive[index])
        let mask: UInt64 = .max >> 55
        if hi & mask == mask {
            let second = w.multipliedFullWidth(by: _powersOfFive[index + 1]).high
            lo = lo &+ second
            if second > lo { hi += 1 }
        }
        if lo == .max, q < -27 || q > 55 { return nil }
        let upperbit = Int(hi >> 63)
        var mantissa = hi >> (upperbit + 9)
        // floor(q log2(10)) + 63, exact for q in (-400, 350), which holds the table's range (fast_float's `power`).
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperbit - lz + 1023
        if power2 <= 0 {
            // Subnormal (or zero): shift to the subnormal exponent, then round up at the last kept bit.
            guard -power2 + 1 < 64 else { return nil }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            guard mantissa != 0 else { return nil }
            // A mantissa of 1 << 52 (0x3fffffffffffff x 2^-1076 rounded up) is the smallest normal: the carry into bit
            // 52 is its exponent field 1, so the mantissa is the Double's bits either way.
            return mantissa
        }
        // Ties: rounding up is right unless the value is exactly halfway, which needs an exact product (lo <= 1) and
        // only happens for q in [-4, 23]; then round to even.
        if lo <= 1, q >= -4, q <= 23, mantissa & 3 == 1, (mantissa << (upperbit + 9)) == hi {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        guard power2 < 0x7FF else { return nil }
        return mantissa | UInt64(power2) << 52
    }
}
