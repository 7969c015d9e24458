import Foundation
import Testing
@testable import SAMCore

/// The kernels decide leaders lane by lane (`LeaderLanes`); the scalar scan (`GrowthScan.observe(coordinate:...)`,
/// coordinate after coordinate) is the definition. The two must pick the same leaders on every input, bit for bit.
@Suite struct LeaderLanesTests {
    /// Values that make comparisons hard: zeros of both signs, the smallest subnormal and a larger one, the largest
    /// finite value, infinities, NaN, and a few repeated ordinary values (ties).
    static let adversarial: [Double] = [0, -0.0, 5e-324, -5e-324, 1e-310, -1e-310, 2.2250738585072014e-308,
                                        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity,
                                        .nan, 1, -1, 0.5, -0.5, 3, 1e-300, 1e300, 0.1, -0.1]
    /// Step factors: ordinary, tiny (below `GrowthScan.firstOrderThreshold`), subnormal, large.
    static let factors: [Double] = [0.1, 1, 1e-12, 1e-260, 5e-324, 1e200]

    /// A value: one of `adversarial` half of the time, else a random number of random sign and size.
    static func value(_ rng: inout SplitMix64) -> Double {
        if rng.next() % 2 == 0 { return adversarial[Int(rng.next() % UInt64(adversarial.count))] }
        let size = Foundation.pow(10, 8 * rng.nextUniform() - 4)
        return (rng.next() % 2 == 0 ? 1 : -1) * size * (rng.next() % 4 == 0 ? 1 : rng.nextUniform())
    }

    /// The leaders of one step by the scalar scan (coordinate after coordinate) and by the lanes, through the path
    /// the kernels take (`offer` into a staging buffer, `scan` when it is full or at the last block), for the given
    /// blocks.
    static func leaders(dimension d: Int, before: [Lanes], after: [Lanes], increments: [Lanes], factor f: Double)
        -> (scalar: (Int, Int), lanes: (Int, Int)) {
        let staging = LeaderStaging()  // one per call: the tests run in parallel
        defer { staging.deallocate() }
        var scalar = GrowthScan(dimension: d)
        scalar.begin(step: 0)
        var lanes = LeaderLanes()
        for b in before.indices {
            for lane in 0..<Lanes.scalarCount where Lanes.scalarCount * b + lane < d {
                scalar.observe(coordinate: Lanes.scalarCount * b + lane, before: before[b][lane], after: after[b][lane],
                               scaledIncrement: increments[b][lane], factor: f, crossedZero: false)
            }
            lanes.offer(staging, block: b, blocks: before.count, dimension: d, before: before[b], after: after[b],
                        scaledIncrement: increments[b], factor: f)
        }
        var vector = GrowthScan(dimension: d)
        vector.begin(step: 0)
        vector.record(lanes)
        return ((scalar.leader, scalar.leaderAbsolute), (vector.leader, vector.leaderAbsolute))
    }

    /// Random trajectories beta(k+1) = beta(k) + f u(k) of 1 to 700 coordinates (most not a multiple of 4; many
    /// longer than one staging buffer of 256), started with zeros and negative coordinates, with increments that
    /// tie (copied between coordinates, or all equal), vanish, change sign, push coordinates through 0 and land on
    /// it: every step's leaders by the lanes equal the scalar scan's.
    @Test func sameLeadersAsTheScalarScanOnRandomTrajectories() {
        var rng = SplitMix64(seed: 1_700)
        var steps = 0, mismatches = 0, relativeLeaders = 0, tiedSteps = 0, zeroLeaders = 0
        for trajectory in 0..<300 {
            let d = trajectory % 10 == 0 ? 1 + Int(rng.next() % 8) : 1 + Int(rng.next() % 700)
            let blocks = (d + Lanes.scalarCount - 1) / Lanes.scalarCount
            var beta = [Lanes](repeating: .zero, count: blocks)
            for b in 0..<blocks {
                for lane in 0..<Lanes.scalarCount where Lanes.scalarCount * b + lane < d {
                    switch rng.next() % 5 {
                    case 0: beta[b][lane] = 0
                    case 1: beta[b][lane] = -rng.nextUniform()
                    default: beta[b][lane] = rng.nextUniform()
                    }
                }
            }
            let f = Self.factors[trajectory % Self.factors.count]
            for _ in 0..<40 {
                var increments = [Lanes](repeating: .zero, count: blocks), after = beta
                let tie = rng.next() % 4 == 0 ? rng.nextUniform() - 0.3 : nil
                for b in 0..<blocks {
                    for lane in 0..<Lanes.scalarCount where Lanes.scalarCount * b + lane < d {
                        let u: Double
                        switch rng.next() % 8 {
                        case 0: u = 0
                        case 1: u = -beta[b][lane] / Swift.max(f, 1e-300)  // lands on 0 (or near it)
                        case 2: u = -2 * beta[b][lane] / Swift.max(f, 1e-300)  // through 0
                        default: u = tie ?? (rng.nextUniform() - 0.4)
                        }
                        increments[b][lane] = u
                        after[b][lane] = beta[b][lane] + f * u
                    }
                }
                if rng.next() % 2 == 0 {  // exact ties between two coordinates, possibly in different buffers
                    let (from, to) = (Int(rng.next() % UInt64(d)), Int(rng.next() % UInt64(d)))
                    let (fb, fl, tb, tl) = (from / 4, from % 4, to / 4, to % 4)
                    (beta[tb][tl], after[tb][tl], increments[tb][tl]) = (beta[fb][fl], after[fb][fl], increments[fb][fl])
                }
                let result = Self.leaders(dimension: d, before: beta, after: after, increments: increments, factor: f)
                if result.scalar != result.lanes { mismatches += 1 }
                if result.scalar.0 != 0 { relativeLeaders += 1 } else { zeroLeaders += 1 }
                if tie != nil { tiedSteps += 1 }
                steps += 1
                beta = after
            }
        }
        #expect(steps == 12_000)
        #expect(mismatches == 0)
        // The cases are not trivial: most steps have leaders, some have none, many tie.
        #expect(relativeLeaders > 10_000 && zeroLeaders > 0 && tiedSteps > 2_000, "\(relativeLeaders) \(zeroLeaders) \(tiedSteps)")
    }

    /// A leader in the second or a later staging buffer, or in the last partial one, wins over an equal one in an
    /// earlier buffer only when it comes first: the buffers are one scan, not separate argmaxes.
    @Test func leadersAcrossStagingBuffers() {
        let blocks = 3 * LeaderStaging.capacity + 1, d = Lanes.scalarCount * blocks - 2
        let one = Lanes(repeating: 1)
        for (winner, tie) in [(0, nil), (LeaderStaging.capacity, nil), (blocks - 1, nil), (2 * LeaderStaging.capacity + 5, 3),
                              (blocks - 1, LeaderStaging.capacity)] as [(Int, Int?)] {
            var increments = [Lanes](repeating: one, count: blocks)
            increments[winner][1] = 2
            if let tie { increments[tie][0] = 2 }
            let after = (0..<blocks).map { one + 0.1 * increments[$0] }
            let r = Self.leaders(dimension: d, before: [Lanes](repeating: one, count: blocks), after: after,
                                 increments: increments, factor: 0.1)
            let expected = Swift.min(4 * winner + 2, tie.map { 4 * $0 + 1 } ?? .max)
            #expect(r.scalar == (expected, expected) && r.lanes == (expected, expected), "\(winner) \(String(describing: tie))")
        }
    }

    /// 200,000 random steps of 1-5 blocks (d not a multiple of 4 in most), values from the adversarial set.
    @Test func sameLeadersAsTheScalarScanOnAdversarialInputs() {
        var rng = SplitMix64(seed: 17)
        var mismatches = 0, withLeader = 0
        for _ in 0..<200_000 {
            let blocks = 1 + Int(rng.next() % 5)
            let d = Lanes.scalarCount * (blocks - 1) + 1 + Int(rng.next() % 4)
            var before = [Lanes](), after = [Lanes](), increments = [Lanes]()
            for _ in 0..<blocks {
                var b = Lanes.zero, a = Lanes.zero, u = Lanes.zero
                for lane in 0..<Lanes.scalarCount {
                    b[lane] = Self.value(&rng)
                    // After: unrelated, the same, a sign flip, or before plus a small change.
                    switch rng.next() % 4 {
                    case 0: a[lane] = Self.value(&rng)
                    case 1: a[lane] = b[lane]
                    case 2: a[lane] = -b[lane]
                    default: a[lane] = b[lane] + Self.value(&rng) * 1e-3
                    }
                    u[lane] = rng.next() % 3 == 0 ? a[lane] - b[lane] : Self.value(&rng)
                }
                before.append(b)
                after.append(a)
                increments.append(u)
            }
            // Ties across blocks and lanes: copy one coordinate onto another now and then.
            if rng.next() % 3 == 0 {
                let (from, to) = (Int(rng.next() % UInt64(d)), Int(rng.next() % UInt64(d)))
                let (fb, fl, tb, tl) = (from / 4, from % 4, to / 4, to % 4)
                before[tb][tl] = before[fb][fl]
                after[tb][tl] = after[fb][fl]
                increments[tb][tl] = increments[fb][fl]
            }
            let f = Self.factors[Int(rng.next() % UInt64(Self.factors.count))]
            let result = Self.leaders(dimension: d, before: before, after: after, increments: increments, factor: f)
            if result.scalar != result.lanes { mismatches += 1 }
            if result.scalar.0 != 0 { withLeader += 1 }
        }
        #expect(mismatches == 0)
        // The cases are not trivial: most steps have a leader.
        #expect(withLeader > 100_000)
    }

    /// Exact ties: equal growth everywhere goes to the lowest coordinate, wherever its lane; infinite relative growth
    /// (beta leaving 0) beats every finite one, the first such coordinate winning; nothing growing gives 0.
    @Test func tiesZerosAndInfinities() {
        let one = Lanes(repeating: 1), two = Lanes(repeating: 2)
        var r = Self.leaders(dimension: 8, before: [one, one], after: [two, two], increments: [one, one], factor: 0.1)
        #expect(r.scalar == (1, 1) && r.lanes == (1, 1))
        r = Self.leaders(dimension: 8, before: [one, Lanes(1, 1, 0, 0)], after: [two, two], increments: [one, one], factor: 0.1)
        #expect(r.scalar == (7, 1) && r.lanes == (7, 1))
        r = Self.leaders(dimension: 8, before: [one, one], after: [one, one], increments: [-one, .zero], factor: 0.1)
        #expect(r.scalar == (0, 0) && r.lanes == (0, 0))
        // The best in a later block's lane 0 against an equal one in an earlier block's lane 3.
        r = Self.leaders(dimension: 8, before: [one, one], after: [two, two], increments: [Lanes(1, 1, 1, 5), Lanes(5, 1, 1, 1)],
                         factor: 0.1)
        #expect(r.scalar == (4, 4) && r.lanes == (4, 4))
        // Padding lanes (past d) never lead, even where they would grow.
        r = Self.leaders(dimension: 5, before: [one, one], after: [two, two], increments: [one, Lanes(1, 9, 9, 9)], factor: 0.1)
        #expect(r.scalar == (1, 1) && r.lanes == (1, 1))
    }

    /// The growth of every lane has the same bits as the scalar scan's, NaN for NaN, except the sign of a zero: SIMD
    /// negation is 0 - u, so a coordinate that stays negative with u = +0 has growth +0 where the scalar -u is -0.
    /// Neither grows (`> 0` is false for both), so no leader depends on it.
    @Test func sameGrowthBits() {
        var rng = SplitMix64(seed: 1717)
        var mismatches = 0, signedZeros = 0, positive = 0
        for _ in 0..<50_000 {
            var b = Lanes.zero, a = Lanes.zero, u = Lanes.zero
            for lane in 0..<Lanes.scalarCount { (b[lane], a[lane], u[lane]) = (Self.value(&rng), Self.value(&rng), Self.value(&rng)) }
            let f = Self.factors[Int(rng.next() % UInt64(Self.factors.count))]
            let growth = LeaderLanes.growth(before: b, after: a, scaledIncrement: u, factor: f)
            for lane in 0..<Lanes.scalarCount {
                let (x, y, v) = (b[lane], a[lane], u[lane])
                let expected: Double
                if x > 0 && y >= 0 || x == 0 && v > 0 { expected = v } else if x < 0 && y <= 0 || x == 0 && v < 0 { expected = -v } else {
                    expected = (Swift.abs(y) - Swift.abs(x)) / f
                }
                if expected > 0 { positive += 1 }
                if growth[lane].bitPattern == expected.bitPattern || growth[lane].isNaN && expected.isNaN { continue }
                if growth[lane] == 0 && expected == 0 { signedZeros += 1 } else { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(positive > 50_000 && signedZeros < 2_000, "\(positive) \(signedZeros)")
    }
}
