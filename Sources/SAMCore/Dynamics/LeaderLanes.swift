/// The leader decision of one step, four coordinates at a time: per-lane running bests, reduced once per step.
///
/// `GrowthScan.observe(coordinate:...)` decides, coordinate after coordinate, the relative leader
/// argmax_j g_j / |beta_j| (infinite where beta_j = 0) and the absolute leader argmax_j g_j over the coordinates
/// with growth g_j > 0 (THEORY.md §2.1, §6.5): a strict `>` against the running best, so ties go to the lower index.
/// Here the same decision is taken lane by lane: lane i keeps the best of the coordinates 4b + i it has seen (strict
/// `>`, so its lowest index among equals), and `leader` takes the largest of the four bests and, among lanes that
/// hold it, the lowest index. An argmax with ties to the first is the same whatever order the coordinates are
/// compared in.
///
/// The kernels hand over the undivided increments Delta (`LaneAlgebra.stepIncrement`), whose growth is
/// g = RN(Delta / q), q = f (or 1 for a first-order increment). Where every lane of a block keeps the sign of beta
/// and lies in `_DivisionFreeLeaders`' window, the comparisons are decided without dividing: Delta against the
/// best's Delta for g, the cross products Delta |beta_b| and Delta_b |beta| for g / |beta|, each with a margin of
/// 2^-48 that rounding cannot cross (the bound is proved there). A lane's best is kept raw, (Delta_b, |beta_b|),
/// and its exact g_b and r_b are computed only when needed: at the end of the step (`largestRelative`, the
/// reduction) and for a block the margins do not decide (a near tie, beta = 0, a sign change, a value outside the
/// window), which is decided by today's divisions: every growth and every ratio the same IEEE operation on the same
/// operands as in the scalar scan (a vector division is four divisions), and NaN, which no `>` accepts, is a best
/// in neither. So each lane's best, its index and the bits of its value are the scalar scan's (`LeaderLanesTests`).
///
/// The kernels do not run this in their rule- and algebra-generic code: they stage beta before and after and the
/// increments of up to `LeaderStaging.capacity` blocks (`offer`, three stores per block) and hand the buffer to
/// `scan`, one non-generic function compiled once, not once per rule and algebra (issue 14's build time).
public struct LeaderLanes {
    /// The signed increment N = ±Delta of each lane's relative best (growth times the divisor q; 0: none yet).
    var relativeNumerator = Lanes.zero
    /// |beta| of each lane's relative best (1 while there is none, so that its ratio is 0).
    var relativeMagnitude = Lanes(repeating: 1)
    /// The exact relative growth of each lane's best: where `relativeRaw` is off, and in every lane while
    /// `valuesCurrent` holds.
    var relativeValue = Lanes.zero
    /// The lanes whose relative best is (N, |beta|), its value RN(RN(N / q) / |beta|).
    var relativeRaw = SIMDMask<Lanes.MaskStorage>(repeating: true)
    /// The 1-based coordinate of each lane's relative best (0: none yet).
    var relativeIndex = SIMD4<Int64>(repeating: 0)
    /// The signed increment N of each lane's absolute best (0: none yet).
    var absoluteNumerator = Lanes.zero
    /// The exact absolute growth of each lane's best (as `relativeValue`).
    var absoluteValue = Lanes.zero
    /// The lanes whose absolute best is N, its value RN(N / q).
    var absoluteRaw = SIMDMask<Lanes.MaskStorage>(repeating: true)
    /// The 1-based coordinate of each lane's absolute best (0: none yet).
    var absoluteIndex = SIMD4<Int64>(repeating: 0)
    /// Whether `relativeValue` and `absoluteValue` hold the exact bests in every lane.
    var valuesCurrent = true
    /// Whether every lane's two bests are raw (the decision without division may run).
    var allRaw = true
    /// The divisor q of this step's increments (f, or 1 for first-order or already divided increments).
    var divisor = 1.0

    /// No coordinate seen yet.
    @inline(__always)
    public init() {}

    /// |x| lane by lane with the sign bit cleared (as `Swift.abs` on a Double, also for -0 and NaN).
    @inline(__always)
    static func magnitude(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) & SIMD4(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: Lanes.self)
    }

    /// x with the sign of y applied to it: -x where y's sign bit is set, x elsewhere (exact, NaN included).
    @inline(__always)
    static func flippingSign(_ x: Lanes, where y: Lanes) -> Lanes {
        let sign = unsafeBitCast(y, to: SIMD4<UInt64>.self) & SIMD4(repeating: 0x8000_0000_0000_0000)
        return unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) ^ sign, to: Lanes.self)
    }

    /// Growth of |beta| divided by the step factor f, lane by lane, as `GrowthScan.observe(coordinate:...)` computes
    /// it: the signed increment u while beta keeps its sign (or leaves 0 that way), -u while it stays negative (or
    /// leaves 0 downwards), else (|beta(k+1)| - |beta(k)|) / f (a division paid only in a block that has such a lane).
    @inline(__always)
    static func growth(before b: Lanes, after: Lanes, scaledIncrement u: Lanes, factor f: Double) -> Lanes {
        let zero = b .== 0
        let keeps = ((b .> 0) .& (after .>= 0)) .| (zero .& (u .> 0))
        let flips = ((b .< 0) .& (after .<= 0)) .| (zero .& (u .< 0))
        var growth = Lanes.zero
        if any(.!(keeps .| flips)) { growth = (magnitude(after) - magnitude(b)) / f }
        growth.replace(with: -u, where: flips)
        growth.replace(with: u, where: keeps)
        return growth
    }

    /// The exact relative growth of each lane's best.
    @inline(__always)
    func exactRelative() -> Lanes {
        if valuesCurrent { return relativeValue }
        var value = relativeNumerator / divisor / relativeMagnitude
        value.replace(with: relativeValue, where: .!relativeRaw)
        return value
    }

    /// The exact absolute growth of each lane's best.
    @inline(__always)
    func exactAbsolute() -> Lanes {
        if valuesCurrent { return absoluteValue }
        var value = absoluteNumerator / divisor
        value.replace(with: absoluteValue, where: .!absoluteRaw)
        return value
    }

    /// Whether any lane of a mask is set: an or-reduction of its bits (Swift's `any` reduces with a chain of
    /// 64-bit compares and blends).
    @inline(__always)
    static func anyLane(_ m: SIMDMask<Lanes.MaskStorage>) -> Bool {
        let bits = unsafeBitCast(m, to: SIMD4<Int64>.self)
        let half = bits.lowHalf | bits.highHalf
        return half.x | half.y != 0
    }

    /// The signed increment N = ±Delta (-Delta where beta's sign bit is set) and |beta|, lane by lane.
    @inline(__always)
    static func raw(before: Lanes, increment: Lanes) -> (numerator: Lanes, magnitude: Lanes) {
        (flippingSign(increment, where: before), magnitude(before))
    }

    /// The lanes where beta keeps a non-zero sign over the step (the growth is then RN(N / q)).
    @inline(__always)
    static func keepsSign(before: Lanes, after: Lanes) -> SIMDMask<Lanes.MaskStorage> {
        ((before .> 0) .& (after .>= 0)) .| ((before .< 0) .& (after .<= 0))
    }

    /// The 1-based coordinates of block b.
    @inline(__always)
    static func indices(block b: Int) -> SIMD4<Int64> {
        SIMD4<Int64>(repeating: Int64(Lanes.scalarCount * b)) &+ SIMD4<Int64>(1, 2, 3, 4)
    }

    /// Observes block b (coordinates 4b..<4b+4, those below `dimension`) with the divisions, as
    /// `GrowthScan.observe(coordinate:...)` decides: beta before and after the step, the undivided increments
    /// Delta (the growth is RN(Delta / q) while beta keeps its sign) and the step factor f. A winner is kept raw
    /// where it lies in `window` (nil when q is outside its range).
    @inline(never)
    mutating func observeDividing(block b: Int, dimension d: Int, before: Lanes, after: Lanes, increment: Lanes,
                                  window: _DivisionFreeLeaders?, factor f: Double) {
        let index = Self.indices(block: b)
        let live = index .<= Int64(d)
        let (numerator, size) = Self.raw(before: before, increment: increment)
        let keepsSign = Self.keepsSign(before: before, after: after)
        // The exact decision, as the definition takes it: the growth, its ratio to |beta|, strict `>` against the
        // exact bests.
        let scaled = increment / divisor
        let growth: Lanes
        var relative: Lanes
        if all((before .> 0) .& (after .>= 0)) {
            // The common case: every lane keeps a positive beta, so the growth is u and |beta| is beta (the same
            // operands as below, without sorting the sign cases).
            growth = scaled
            relative = growth / before
        } else {
            growth = Self.growth(before: before, after: after, scaledIncrement: scaled, factor: f)
            relative = growth / size
            relative.replace(with: .infinity, where: before .== 0)
        }
        settle()
        let grows = (growth .> 0) .& live
        // A winner is kept raw where the division-free decision could have taken it.
        let raw = window.map { keepsSign .& $0.holds(numerator: numerator, magnitude: size) }
            ?? SIMDMask<Lanes.MaskStorage>(repeating: false)
        let relativeWins = grows .& (relative .> relativeValue)
        if any(relativeWins) {
            relativeValue.replace(with: relative, where: relativeWins)
            relativeIndex.replace(with: index, where: relativeWins)
            relativeNumerator.replace(with: numerator, where: relativeWins)
            relativeMagnitude.replace(with: size, where: relativeWins)
            relativeRaw = (relativeRaw .& .!relativeWins) .| (relativeWins .& raw)
        }
        let absoluteWins = grows .& (growth .> absoluteValue)
        if any(absoluteWins) {
            absoluteValue.replace(with: growth, where: absoluteWins)
            absoluteIndex.replace(with: index, where: absoluteWins)
            absoluteNumerator.replace(with: numerator, where: absoluteWins)
            absoluteRaw = (absoluteRaw .& .!absoluteWins) .| (absoluteWins .& raw)
        }
        allRaw = all(relativeRaw .& absoluteRaw)
    }

    /// Stages block b for `scan` and scans the buffer when it is full or b is the last block: what a kernel calls
    /// once per block, in its pass, with beta before and after the step and the undivided increments
    /// Delta = beta(theta + f u) - beta(theta) (the first-order increment when f <= `GrowthScan.firstOrderThreshold`;
    /// `LaneAlgebra.stepIncrement`).
    @inline(__always)
    public mutating func offer(_ staging: LeaderStaging, block b: Int, blocks: Int, dimension d: Int, before: Lanes,
                               after: Lanes, increment: Lanes, factor f: Double) {
        offer(staging, block: b, blocks: blocks, dimension: d, before: before, after: after, increment: increment,
              divisor: GrowthScan.incrementDivisor(factor: f), factor: f)
    }

    /// `offer` with increments already divided by f (the divisor is 1).
    @inline(__always)
    public mutating func offer(_ staging: LeaderStaging, block b: Int, blocks: Int, dimension d: Int, before: Lanes,
                               after: Lanes, scaledIncrement: Lanes, factor f: Double) {
        offer(staging, block: b, blocks: blocks, dimension: d, before: before, after: after, increment: scaledIncrement,
              divisor: 1, factor: f)
    }

    /// Stages block b with increments whose growth is RN(increment / divisor).
    @inline(__always)
    mutating func offer(_ staging: LeaderStaging, block b: Int, blocks: Int, dimension d: Int, before: Lanes,
                        after: Lanes, increment: Lanes, divisor q: Double, factor f: Double) {
        let slot = b & (LeaderStaging.capacity - 1)
        staging.before[slot] = before
        staging.after[slot] = after
        staging.increment[slot] = increment
        if slot == LeaderStaging.capacity - 1 || b == blocks - 1 {
            scan(staging, firstBlock: b - slot, count: slot + 1, dimension: d, divisor: q, factor: f)
            if b == blocks - 1 { settle() }
        }
    }

    /// Computes the exact bests of every lane from the raw ones, once, at the end of the step.
    @inline(never)
    mutating func settle() {
        guard !valuesCurrent else { return }
        relativeValue = exactRelative()
        absoluteValue = exactAbsolute()
        valuesCurrent = true
    }

    /// Observes the first `count` staged blocks, which are blocks `firstBlock`..<`firstBlock + count`, their
    /// growth RN(increment / q) (not generic, and not inlined: compiled once for every kernel). Blocks are decided
    /// without dividing while every lane's comparison is decided by `_DivisionFreeLeaders`' margins (the bests kept
    /// in locals), and one at a time by `observeDividing` otherwise.
    @inline(never)
    public mutating func scan(_ staging: LeaderStaging, firstBlock: Int, count: Int, dimension d: Int, divisor q: Double,
                              factor f: Double) {
        divisor = q
        let window = _DivisionFreeLeaders(divisor: q)
        var i = 0
        while i < count {
            if let window, allRaw {
                var relativeNumerator = self.relativeNumerator, relativeMagnitude = self.relativeMagnitude
                var absoluteNumerator = self.absoluteNumerator
                var relativeIndex = self.relativeIndex, absoluteIndex = self.absoluteIndex
                let start = i
                while i < count {
                    let before = staging.before[i]
                    let index = Self.indices(block: firstBlock + i)
                    let live = index .<= Int64(d)
                    let (numerator, size) = Self.raw(before: before, increment: staging.increment[i])
                    let keepsSign = Self.keepsSign(before: before, after: staging.after[i])
                    let positive = numerator .> 0
                    let grows = positive .& live
                    let absoluteWins = grows .& (numerator .> absoluteNumerator * _DivisionFreeLeaders.above)
                    let absoluteNear = grows .& .!absoluteWins .& (numerator .> absoluteNumerator)
                    let p = numerator * relativeMagnitude, r = relativeNumerator * size
                    let relativeWins = grows .& (p .> r * _DivisionFreeLeaders.above)
                    let relativeLoses = (p .< r * _DivisionFreeLeaders.below)
                        .| ((numerator .== relativeNumerator) .& (size .== relativeMagnitude))
                    // Undecided: a live lane that changes sign, or grows outside the window, or is near its best.
                    let undecided = (live .& .!(keepsSign .& (.!positive .| window.holds(numerator: numerator, magnitude: size))))
                        .| absoluteNear .| (grows .& .!relativeWins .& .!relativeLoses)
                    if Self.anyLane(undecided) { break }
                    relativeNumerator.replace(with: numerator, where: relativeWins)
                    relativeMagnitude.replace(with: size, where: relativeWins)
                    relativeIndex.replace(with: index, where: relativeWins)
                    absoluteNumerator.replace(with: numerator, where: absoluteWins)
                    absoluteIndex.replace(with: index, where: absoluteWins)
                    i += 1
                }
                if i > start {
                    (self.relativeNumerator, self.relativeMagnitude, self.absoluteNumerator) =
                        (relativeNumerator, relativeMagnitude, absoluteNumerator)
                    (self.relativeIndex, self.absoluteIndex) = (relativeIndex, absoluteIndex)
                    valuesCurrent = false
                }
                if i == count { break }
            }
            observeDividing(block: firstBlock + i, dimension: d, before: staging.before[i], after: staging.after[i],
                            increment: staging.increment[i], window: window, factor: f)
            i += 1
        }
    }

    /// The 1-based coordinate with the largest value among the lanes' bests, the lowest index among equals (0 when
    /// no lane has one).
    @inline(__always)
    static func reduce(_ best: Lanes, _ index: SIMD4<Int64>) -> Int {
        let top = best.max()
        guard top > 0 else { return 0 }
        var leader = Int64.max
        for lane in 0..<Lanes.scalarCount where best[lane] == top { leader = Swift.min(leader, index[lane]) }
        return Int(leader)
    }

    /// The relative leader of what was offered, 1-based (0 when nothing grew).
    public var leader: Int { Self.reduce(exactRelative(), relativeIndex) }
    /// The absolute leader of what was offered, 1-based (0 when nothing grew).
    public var leaderAbsolute: Int { Self.reduce(exactAbsolute(), absoluteIndex) }
    /// The largest relative growth offered (0 when nothing grew).
    public var largestRelative: Double { exactRelative().max() }
    /// The largest absolute growth offered (0 when nothing grew).
    public var largestAbsolute: Double { exactAbsolute().max() }
}

/// A kernel's buffer of staged blocks for `LeaderLanes.scan`: beta before and after the step and the scaled
/// increments of up to `capacity` blocks (6 KiB: it stays in the L1 cache). Owned by the kernel, which
/// allocates it once and calls `deallocate()` in its `deinit`.
public struct LeaderStaging {
    /// Blocks per scan (a power of two): 256 coordinates, enough to make the call's cost vanish.
    public static let capacity = 64
    /// Beta before the step, per staged block.
    let before: UnsafeMutablePointer<Lanes>
    /// Beta after the step, per staged block.
    let after: UnsafeMutablePointer<Lanes>
    /// The increments (undivided, or divided by the step factor for the `scaledIncrement` form), per staged block.
    let increment: UnsafeMutablePointer<Lanes>

    /// A zeroed buffer of `capacity` blocks of each.
    public init() {
        let storage = UnsafeMutablePointer<Lanes>.allocate(capacity: 3 * Self.capacity)
        storage.initialize(repeating: .zero, count: 3 * Self.capacity)
        before = storage
        after = storage + Self.capacity
        increment = storage + 2 * Self.capacity
    }

    /// Frees the buffer (once, by its owner).
    public func deallocate() { before.deallocate() }
}
