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

    // MARK: The decision without division (undivided increments, THEORY.md §6.5)

    /// One step's decision: both leaders and the bits of both largest growths.
    struct Decision: Equatable, CustomStringConvertible {
        var leader: Int, leaderAbsolute: Int, relativeBits: UInt64, absoluteBits: UInt64
        var description: String {
            "(\(leader), \(leaderAbsolute), \(Double(bitPattern: relativeBits)), \(Double(bitPattern: absoluteBits)))"
        }
    }

    /// The decision of one step from undivided increments Delta: by the scalar scan on RN(Delta / q)
    /// (q = `GrowthScan.incrementDivisor(factor:)`), the definition, and by the lanes through the kernels' path
    /// (`offer(increment:)`, staging, `scan`).
    static func decisions(dimension d: Int, before: [Lanes], after: [Lanes], increments: [Lanes], factor f: Double)
        -> (scalar: Decision, lanes: Decision) {
        // The definition: coordinate after coordinate, on the divided increments.
        let q = GrowthScan.incrementDivisor(factor: f)
        var scalar = GrowthScan(dimension: d)
        scalar.begin(step: 0)
        for j in 0..<d {
            let (b, lane) = j.quotientAndRemainder(dividingBy: Lanes.scalarCount)
            scalar.observe(coordinate: j, before: before[b][lane], after: after[b][lane],
                           scaledIncrement: increments[b][lane] / q, factor: f, crossedZero: false)
        }
        // The kernels' path: the undivided increments, staged block after block.
        let staging = LeaderStaging()
        defer { staging.deallocate() }
        var lanes = LeaderLanes()
        for (b, increment) in increments.enumerated() {
            lanes.offer(staging, block: b, blocks: increments.count, dimension: d, before: before[b], after: after[b],
                        increment: increment, factor: f)
        }
        var vector = GrowthScan(dimension: d)
        vector.begin(step: 0)
        vector.record(lanes)
        func decision(_ s: GrowthScan) -> Decision {
            Decision(leader: s.leader, leaderAbsolute: s.leaderAbsolute, relativeBits: s.largestRelative.bitPattern,
                     absoluteBits: s.largestAbsolute.bitPattern)
        }
        return (decision(scalar), decision(vector))
    }

    /// x moved by k ulps (up for k > 0).
    static func ulps(_ x: Double, _ k: Int) -> Double {
        var y = x
        for _ in 0..<Swift.abs(k) { y = k > 0 ? y.nextUp : y.nextDown }
        return y
    }

    /// Factors for the undivided increments: ordinary, at 1 and around it, at the window's edges 2^±400 (inside
    /// and just outside), near `GrowthScan.firstOrderThreshold` (on both sides), subnormal, large.
    static let windowFactors: [Double] = [0.1, 0.3, 1, 1.0.nextUp, 1.0.nextDown, 3.7, 1e-12, 0x1p-400, (0x1p-400).nextDown,
                                          0x1p400, (0x1p400).nextUp, 1e-250, (1e-250).nextUp, 1e-260, 5e-324, 1e200]

    /// Near ties in one lane and across lanes: candidates whose Delta and |beta| differ from a base by a few ulps
    /// (quotients that round to the same value or to adjacent ones, cross products within a few ulps), products that
    /// land exactly on a midpoint (|beta| = 1.5, 1.25 and Delta = 1 + odd ulps), scaled copies (Delta and beta times
    /// the same power of two: equal quotients), both signs of beta, now and then a sign change, a zero or a value at
    /// the window's edge: the lanes' decision is the scalar scan's, indices and bits.
    @Test func sameDecisionOnNearTies() {
        var rng = SplitMix64(seed: 4_817)
        var mismatches = 0, withLeader = 0, exactTies = 0, steps = 0
        for step in 0..<30_000 {
            let blocks = 1 + Int(rng.next() % 6)
            let d = Lanes.scalarCount * blocks - Int(rng.next() % 4)
            let f = Self.windowFactors[step % Self.windowFactors.count]
            let q = GrowthScan.incrementDivisor(factor: f)
            // The base: a growth near 1 (times q: the increment) and a |beta| near 1, or one at a midpoint maker.
            let midpoint = rng.next() % 4 == 0
            let baseMagnitude = midpoint ? [1.5, 1.25, 3][Int(rng.next() % 3)] : 0.5 + rng.nextUniform()
            let baseGrowth = midpoint ? 1 + Double(2 * (rng.next() % 8) + 1) * 0x1p-52 : 0.25 + rng.nextUniform()
            let scale = Foundation.pow(2, Double(Int(rng.next() % 41) - 20))
            var before = [Lanes](repeating: .zero, count: blocks), after = before, increments = before
            for b in 0..<blocks {
                for lane in 0..<Lanes.scalarCount {
                    var m = Self.ulps(baseMagnitude, Int(rng.next() % 7) - 3)
                    var n = Self.ulps(baseGrowth * q, Int(rng.next() % 7) - 3)
                    if rng.next() % 5 == 0 {  // equal quotient by a common power of two
                        let s = Foundation.pow(2, Double(Int(rng.next() % 9) - 4))
                        (m, n) = (m * s, n * s)
                    }
                    (m, n) = (m * scale, n * scale)
                    let negative = rng.next() % 3 == 0
                    var beta = negative ? -m : m
                    var delta = negative ? -n : n
                    var moved = beta + (negative ? -1 : 1) * Swift.abs(beta) * 1e-3
                    switch rng.next() % 24 {
                    case 0: moved = -beta  // a sign change
                    case 1: beta = 0; moved = delta
                    case 2: delta = -delta  // shrinks
                    case 3: delta = 0
                    case 4: delta = (negative ? -1 : 1) * q * 0x1p-200  // the window's lower edge
                    case 5: delta = (negative ? -1 : 1) * (q * 0x1p-200).nextDown
                    case 6: delta = (negative ? -1 : 1) * q * 0x1p200  // and its upper edge
                    case 7: delta = (negative ? -1 : 1) * (q * 0x1p200).nextUp
                    case 8: beta = negative ? -0x1p-300 : 0x1p-300; moved = beta * 1.001
                    case 9: beta = negative ? -(0x1p-300).nextDown : (0x1p-300).nextDown; moved = beta * 1.001
                    case 10: beta = negative ? -0x1p300 : 0x1p300; moved = beta
                    case 11: beta = negative ? -(0x1p300).nextUp : (0x1p300).nextUp; moved = beta
                    default: break
                    }
                    (before[b][lane], after[b][lane], increments[b][lane]) = (beta, moved, delta)
                }
            }
            // An exact tie with an earlier coordinate now and then.
            if rng.next() % 3 == 0 {
                let (from, to) = (Int(rng.next() % UInt64(d)), Int(rng.next() % UInt64(d)))
                let (fb, fl, tb, tl) = (from / 4, from % 4, to / 4, to % 4)
                (before[tb][tl], after[tb][tl], increments[tb][tl]) = (before[fb][fl], after[fb][fl], increments[fb][fl])
                exactTies += 1
            }
            let r = Self.decisions(dimension: d, before: before, after: after, increments: increments, factor: f)
            if r.scalar != r.lanes {
                mismatches += 1
                if mismatches < 5 { Issue.record("step \(step), f = \(f): scalar \(r.scalar), lanes \(r.lanes)") }
            }
            if r.scalar.leader != 0 { withLeader += 1 }
            steps += 1
        }
        #expect(steps == 30_000)
        #expect(mismatches == 0)
        #expect(withLeader > 25_000 && exactTies > 5_000, "\(withLeader) \(exactTies)")
    }

    /// Two candidates in the same lane (block 0 and block 1, lane 2) and in different lanes, with every pair of
    /// offsets of Delta and |beta| of up to 4 ulps, for several bases and divisors: the second candidate wins exactly
    /// when the scalar scan says it does, and the bits of the largest growths agree.
    @Test func sameDecisionOnEveryUlpOffsetPair() {
        var mismatches = 0, secondWins = 0, cases = 0
        let bases: [(Double, Double)] = [(1, 1), (1, 1.5), (1 + 0x1p-52, 1.5), (0.7, 0.3), (3, 1.25), (1e-50, 1e-40),
                                         (1e50, 1e60), (0x1p-150, 0x1p-290), (0x1p150, 0x1p290)]
        for f in [0.1, 1, 0.3, 1e-7, 0x1p-399] {
            let q = GrowthScan.incrementDivisor(factor: f)
            for (growth, magnitude) in bases {
                for dn in -4...4 {
                    for dm in -4...4 {
                        for sameLane in [true, false] {
                            let n0 = growth * q, n1 = Self.ulps(n0, dn), m1 = Self.ulps(magnitude, dm)
                            var before = [Lanes(repeating: magnitude), Lanes(repeating: magnitude)]
                            var increments = [Lanes(repeating: n0 * 0.5), Lanes(repeating: n0 * 0.5)]
                            increments[0][2] = n0
                            let (b, l) = sameLane ? (1, 2) : (1, 1)
                            (before[b][l], increments[b][l]) = (m1, n1)
                            let after = before
                            let r = Self.decisions(dimension: 8, before: before, after: after, increments: increments,
                                                   factor: f)
                            if r.scalar != r.lanes { mismatches += 1 }
                            if r.scalar.leader == 4 * b + l + 1 { secondWins += 1 }
                            cases += 1
                        }
                    }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(secondWins > cases / 4 && secondWins < 3 * cases / 4, "\(secondWins) of \(cases)")
    }

    /// Random trajectories as in `sameLeadersAsTheScalarScanOnRandomTrajectories`, with undivided increments
    /// Delta = f u (u for a first-order step): the same leaders and the same bits of the largest growths.
    @Test func sameDecisionOnRandomTrajectories() {
        var rng = SplitMix64(seed: 2_026)
        var steps = 0, mismatches = 0, withLeader = 0
        for trajectory in 0..<200 {
            let d = trajectory % 10 == 0 ? 1 + Int(rng.next() % 8) : 1 + Int(rng.next() % 700)
            let lanes = Lanes.scalarCount, blocks = (d + lanes - 1) / lanes
            // A sixth of the coordinates start at 0, a sixth negative.
            var beta = (0..<lanes * blocks).map { j -> Double in
                let kind = rng.next() % 6
                return j >= d || kind == 0 ? 0 : (kind == 1 ? -1 : 1) * rng.nextUniform()
            }
            let f = Self.windowFactors[trajectory % Self.windowFactors.count]
            let firstOrder = f <= GrowthScan.firstOrderThreshold
            for _ in 0..<30 {
                let tie = rng.next() % 4 == 0 ? rng.nextUniform() - 0.3 : nil
                // u: zero, landing on 0, through 0, or an ordinary (possibly tied) value; Delta = f u.
                var u = beta.enumerated().map { j, x -> Double in
                    guard j < d else { return 0 }
                    let kind = rng.next() % 10
                    return kind == 0 ? 0 : kind <= 2 ? -Double(kind) * x / Swift.max(f, 1e-300) : tie ?? (rng.nextUniform() - 0.3)
                }
                var moved = zip(beta, u).map { $0 + f * $1 }
                if rng.next() % 2 == 0 {  // an exact tie between two coordinates
                    let (from, to) = (Int(rng.next() % UInt64(d)), Int(rng.next() % UInt64(d)))
                    (beta[to], moved[to], u[to]) = (beta[from], moved[from], u[from])
                }
                func blocked(_ x: [Double]) -> [Lanes] { (0..<blocks).map { Lanes(x[(lanes * $0)..<(lanes * $0 + lanes)]) } }
                let r = Self.decisions(dimension: d, before: blocked(beta), after: blocked(moved),
                                       increments: blocked(u.map { firstOrder ? $0 : f * $0 }), factor: f)
                if r.scalar != r.lanes { mismatches += 1 }
                if r.scalar.leader != 0 { withLeader += 1 }
                steps += 1
                beta = moved.map { $0.isFinite ? $0 : 1 }
            }
        }
        #expect(steps == 6_000)
        #expect(mismatches == 0)
        #expect(withLeader > 5_000, "\(withLeader)")
    }

    /// Random adversarial values (zeros, subnormals, infinities, NaN, 2^±1000, both signs) as undivided increments:
    /// the same decision, indices and bits.
    @Test func sameDecisionOnAdversarialInputs() {
        var rng = SplitMix64(seed: 1_000)
        let extremes: [Double] = [0x1p1000, -0x1p1000, 0x1p-1000, -0x1p-1000, 0x1p-1022, 0x1p-600, 0x1p600]
        var mismatches = 0, withLeader = 0
        for _ in 0..<100_000 {
            let blocks = 1 + Int(rng.next() % 4)
            let d = Lanes.scalarCount * (blocks - 1) + 1 + Int(rng.next() % 4)
            var before = [Lanes](), after = [Lanes](), increments = [Lanes]()
            func pick() -> Double { rng.next() % 6 == 0 ? extremes[Int(rng.next() % UInt64(extremes.count))] : Self.value(&rng) }
            for _ in 0..<blocks {
                var b = Lanes.zero, a = Lanes.zero, u = Lanes.zero
                for lane in 0..<Lanes.scalarCount {
                    b[lane] = pick()
                    switch rng.next() % 4 {
                    case 0: a[lane] = pick()
                    case 1: a[lane] = b[lane]
                    case 2: a[lane] = -b[lane]
                    default: a[lane] = b[lane] * 1.001
                    }
                    u[lane] = pick()
                }
                before.append(b)
                after.append(a)
                increments.append(u)
            }
            let f = Self.windowFactors[Int(rng.next() % UInt64(Self.windowFactors.count))]
            let r = Self.decisions(dimension: d, before: before, after: after, increments: increments, factor: f)
            if r.scalar != r.lanes { mismatches += 1 }
            if r.scalar.leader != 0 { withLeader += 1 }
        }
        #expect(mismatches == 0)
        #expect(withLeader > 50_000, "\(withLeader)")
    }

    /// The division-free path is the one taken in the common case (positive beta, ordinary increments, distinct
    /// growths): after such a block the lanes' exact values are not current (no division ran), and the result is
    /// still the scalar scan's; a near tie or beta = 0 sends the block to the divisions.
    @Test func divisionFreePathIsTakenInTheCommonCase() {
        let staging = LeaderStaging()
        defer { staging.deallocate() }
        func stage(_ blocks: [(before: Lanes, increment: Lanes)]) {
            for (i, block) in blocks.enumerated() {
                (staging.before[i], staging.after[i], staging.increment[i]) = (block.before, block.before + block.increment,
                                                                               block.increment)
            }
        }
        var lanes = LeaderLanes()
        stage([(Lanes(1, 0.1, 3, 4), Lanes(0.1, 0.05, 0.3, 0.04))])
        lanes.scan(staging, firstBlock: 0, count: 1, dimension: 4, divisor: 0.1, factor: 0.1)
        #expect(!lanes.valuesCurrent && lanes.allRaw)  // no division ran
        lanes.settle()
        #expect(lanes.leader == 2 && lanes.leaderAbsolute == 3)
        #expect(lanes.largestRelative.bitPattern == (0.05 / 0.1 / 0.1).bitPattern)
        #expect(lanes.largestAbsolute.bitPattern == (0.3 / 0.1).bitPattern)
        // Block 1 ties block 0 within the margin in every lane: decided by the divisions.
        var tied = LeaderLanes()
        stage([(Lanes(repeating: 1), Lanes(repeating: 0.1)), (Lanes(repeating: 1), Lanes(repeating: (0.1).nextUp))])
        tied.scan(staging, firstBlock: 0, count: 2, dimension: 8, divisor: 0.1, factor: 0.1)
        #expect(tied.valuesCurrent)
        #expect(tied.leader == 5 && tied.largestAbsolute.bitPattern == ((0.1).nextUp / 0.1).bitPattern)
        #expect(_DivisionFreeLeaders(divisor: 0x1p-401) == nil && _DivisionFreeLeaders(divisor: 0x1p401) == nil)
        #expect(_DivisionFreeLeaders(divisor: 0x1p-400) != nil && _DivisionFreeLeaders(divisor: 0x1p400) != nil)
    }
}
