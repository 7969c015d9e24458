import Foundation

/// The one seeded random number generator of SAMLab (Steele, Lea and Flood's SplitMix64).
///
/// Every random thing in SAMLab takes a seed and draws from this generator, so a seed names the same numbers
/// on every machine and for any thread count. Normal variates use Marsaglia's polar method, which needs only
/// `log` and `sqrt`, not `sin`/`cos`, so that the draws do not depend on the quality of a libm's trigonometry.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The generator with the given seed.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw from [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal draw (polar method; the second variate of each pair is discarded so that a draw
    /// depends only on how many draws came before it).
    public mutating func nextNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }
}
