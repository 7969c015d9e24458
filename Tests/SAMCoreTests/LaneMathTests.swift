import Foundation
import Testing
@testable import SAMCore

/// `samlab_lanes_pow` (CLaneMath, through `PowerMagnitude.power`) against Foundation.pow: seeded log-uniform x over
/// the whole range of doubles and the exponents lp-SAM uses, edge cases, and a checksum of the bits.
@Suite struct LaneMathTests {
    /// The bound the tests assert, in ulps of Foundation.pow's result (CLaneMath.h states what was measured).
    static let ulpBound = 1.0

    /// |got - want| in ulps of want; for a subnormal or zero want, in units of the smallest subnormal. Equal
    /// infinities are 0 apart, an infinity against a finite value infinitely far.
    static func ulps(_ got: Double, _ want: Double) -> Double {
        if got == want { return 0 }
        if got.isInfinite || want.isInfinite || got.isNaN || want.isNaN { return .infinity }
        let unit = Swift.max(want.ulp, Double.leastNonzeroMagnitude)
        return abs(got - want) / unit
    }

    /// A draw from [lower, upper) uniform in log2.
    static func logUniform(_ lower: Double, _ upper: Double, _ generator: inout SplitMix64) -> Double {
        exp2(log2(lower) + (log2(upper) - log2(lower)) * generator.nextUniform())
    }

    /// The exponents of lp-SAM's `PowerMagnitude`: q - 1 = 1/(p - 1) and q = p/(p - 1), p log-uniform in 1.01...100,
    /// and a log-uniform spread in 2^-8...2^8.
    static func exponents(count: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).flatMap { _ -> [Double] in
            let p = logUniform(1.01, 100, &generator)
            return [1 / (p - 1), p / (p - 1), logUniform(0x1p-8, 0x1p8, &generator)]
        }
    }

    /// The worst distance of `power` from Foundation.pow over lanes of x, and the x, r that gave it.
    static func worst(_ xs: [Double], _ r: Double) -> (ulps: Double, x: Double) {
        var worst = (ulps: 0.0, x: 0.0)
        for start in stride(from: 0, to: xs.count, by: 4) {
            let x = Lanes(xs[start], xs[start + 1], xs[start + 2], xs[start + 3])
            let y = PowerMagnitude.power(x, r)
            for lane in 0..<4 {
                let error = ulps(y[lane], Foundation.pow(x[lane], r))
                if error > worst.ulps { worst = (error, x[lane]) }
            }
        }
        return worst
    }

    /// Results in the normal range, x log-uniform over all of it that keeps |r log2 x| <= 1020: within the bound.
    @Test func matchesPowOnNormalResults() {
        var generator = SplitMix64(seed: 13)
        for r in Self.exponents(count: 120, seed: 7) {
            let lower = exp2(-Swift.min(1074, 1020 / r)), upper = exp2(Swift.min(1023.99, 1020 / r))
            let xs = (0..<2000).map { _ in Self.logUniform(lower, upper, &generator) }
            let (error, x) = Self.worst(xs, r)
            #expect(error <= Self.ulpBound, "x = \(x.hexString), r = \(r.hexString): \(error) ulp")
        }
    }

    /// x log-uniform over every positive double, subnormals included, so that results also overflow (+inf), fall
    /// into the subnormals (within 1 unit of the smallest subnormal) or underflow to 0, as Foundation.pow's do.
    @Test func matchesPowOverTheWholeRange() {
        var generator = SplitMix64(seed: 14)
        for r in Self.exponents(count: 60, seed: 8) + [1, 0.5, 2, 1e-3, 1e3] {
            let xs = (0..<2000).map { _ in Self.logUniform(.leastNonzeroMagnitude, .greatestFiniteMagnitude, &generator) }
            let (error, x) = Self.worst(xs, r)
            #expect(error <= Self.ulpBound, "x = \(x.hexString), r = \(r.hexString): \(error) ulp")
        }
    }

    /// 0, subnormals, 1 and its neighbours, the largest double, inf and NaN, and results at the edges of overflow
    /// and of the subnormal range.
    @Test func edgeCases() {
        let rs = [1, 0.5, 2, 3, 1 / 1.5, 1 / (1.01 - 1), 100, 1e-3, 1e10, 0.01]
        let xs: [Double] = [0, .leastNonzeroMagnitude, 0x1p-1060, 0x1.fffffffffffffp-1023, .leastNormalMagnitude, 1,
                            1.nextUp, 1.nextDown, 2, 0.5, 1e300, .greatestFiniteMagnitude, 1e-300, 3]
        for r in rs {
            let (error, x) = Self.worst(xs + [0, 0], r)
            #expect(error <= Self.ulpBound, "x = \(x.hexString), r = \(r): \(error) ulp")
            #expect(PowerMagnitude.power(Lanes(0, 1, .infinity, 1), r) == Lanes(0, 1, .infinity, 1), "r = \(r)")
            #expect(PowerMagnitude.power(Lanes(repeating: .nan), r).x.isNaN)
            // 2^(t/r) for t at the overflow and underflow thresholds and around them.
            let ts: [Double] = [1023.999, 1024, 1024.001, -1021.999, -1022, -1022.001, -1073.5, -1074, -1074.5, -1075, -1076]
            let (nearEdges, at) = Self.worst(ts.map { exp2($0 / r) } + [1], r)
            #expect(nearEdges <= Self.ulpBound, "x = \(at.hexString), r = \(r): \(nearEdges) ulp")
        }
        #expect(PowerMagnitude.power(Lanes(2, 4, 0x1p-1074, 0x1p1023), 1) == Lanes(2, 4, 0x1p-1074, 0x1p1023))
        #expect(PowerMagnitude.power(Lanes(4, 0x1p-1074, 0x1p1000, 0x1p-1000), 0.5) == Lanes(2, 0x1p-537, 0x1p500, 0x1p-500))
        #expect(PowerMagnitude.power(Lanes(2, 0x1p-1000, 0x1p600, 10), 2) == Lanes(4, 0, .infinity, 100))
    }

    /// The bits of 4,000 powers of doubles built from random bits (no libm on the way) are those this file was
    /// written with: a compiler that fused a multiply and an add into an FMA, or any other change of the arithmetic,
    /// would change them (`#pragma clang fp contract(off)` in CLaneMath.h).
    @Test func bitsAreTheSameOnEveryBuild() {
        var generator = SplitMix64(seed: 2026)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for r in [1 / 1.5, 0.4, 2 / 3.0, 3.7, 0.011, 97, 1.25, 1 / 0.01] {
            for _ in 0..<125 {
                var lanes = Lanes.zero
                for lane in 0..<4 {
                    // exponent field 1...2046 (normal doubles), random mantissa
                    let bits = ((generator.next() % 2046 + 1) << 52) | (generator.next() >> 12)
                    lanes[lane] = Double(bitPattern: bits)
                }
                let y = PowerMagnitude.power(lanes, r)
                for lane in 0..<4 { hash = (hash ^ y[lane].bitPattern) &* 0x100_0000_01b3 }
            }
        }
        #expect(hash == Self.goldenHash, "0x\(String(hash, radix: 16))")
    }

    /// The checksum of `bitsAreTheSameOnEveryBuild`, computed by the C harness in the same way at -O2 (portable and
    /// -march=x86-64-v3 alike) and by this test.
    static let goldenHash: UInt64 = 0x291d_08ef_c1d8_9cd6
}

extension Double {
    /// The hexadecimal float literal of this value (for messages).
    var hexString: String { String(format: "%a", self) }
}
