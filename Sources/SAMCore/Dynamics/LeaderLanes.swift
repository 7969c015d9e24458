/// The leader decision of one step, four coordinates at a time: per-lane running bests, reduced once per step.
///
/// `GrowthScan.observe(coordinate:...)` decides, coordinate after coordinate, the relative leader
/// argmax_j g_j / |beta_j| (infinite where beta_j = 0) and the absolute leader argmax_j g_j over the coordinates
/// with growth g_j > 0 (THEORY.md §2.1, §6.5): a strict `>` against the running best, so ties go to the lower index.
/// Here the same decision is taken lane by lane: lane i keeps the best of the coordinates 4b + i it has seen (strict
/// `>`, so its lowest index among equals), and `leader` takes the largest of the four bests and, among lanes that
/// hold it, the lowest index. An argmax with ties to the first is the same whatever order the coordinates are
/// compared in, and every growth and every ratio is the same IEEE operation on the same operands as in the scalar
/// scan (a vector division is four divisions; no quotient is replaced by a product, since g/|beta| > B and
/// g > B |beta| disagree when the quotient rounds onto B), and NaN, which no `>` accepts, is a best in neither. So
/// the leaders are the same, bit for bit (`LeaderLanesTests`).
///
/// The kernels do not run this in their rule- and algebra-generic code: they stage beta before and after and the
/// scaled increments of up to `LeaderStaging.capacity` blocks (`offer`, three stores per block) and hand the
/// buffer to `scan`, one non-generic function compiled once, not once per rule and algebra (issue 14's build time).
public struct LeaderLanes {
    /// Each lane's best relative growth so far (0: none yet).
    var bestRelative = Lanes.zero
    /// Each lane's best absolute growth so far (0: none yet).
    var bestAbsolute = Lanes.zero
    /// The 1-based coordinate of each lane's relative best (0: none yet).
    var relativeIndex = SIMD4<Int64>(repeating: 0)
    /// The 1-based coordinate of each lane's absolute best (0: none yet).
    var absoluteIndex = SIMD4<Int64>(repeating: 0)

    /// No coordinate seen yet.
    @inline(__always)
    public init() {}

    /// |x| lane by lane with the sign bit cleared (as `Swift.abs` on a Double, also for -0 and NaN).
    @inline(__always)
    static func magnitude(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) & SIMD4(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: Lanes.self)
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

    /// Offers block b (coordinates 4b..<4b+4, those below `dimension`): beta before and after the step, the
    /// increments divided by the step factor f, and f.
    @inline(__always)
    public mutating func observe(block b: Int, dimension d: Int, before: Lanes, after: Lanes, scaledIncrement: Lanes,
                                 factor f: Double) {
        let index = SIMD4<Int64>(repeating: Int64(Lanes.scalarCount * b)) &+ SIMD4<Int64>(1, 2, 3, 4)
        let growth: Lanes
        var relative: Lanes
        if all((before .> 0) .& (after .>= 0)) {
            // The common case: every lane keeps a positive beta, so the growth is u and |beta| is beta (the same
            // operands as below, without sorting the sign cases).
            growth = scaledIncrement
            relative = growth / before
        } else {
            growth = Self.growth(before: before, after: after, scaledIncrement: scaledIncrement, factor: f)
            relative = growth / Self.magnitude(before)
            relative.replace(with: .infinity, where: before .== 0)
        }
        let grows = (growth .> 0) .& (index .<= Int64(d))
        let relativeWins = grows .& (relative .> bestRelative)
        bestRelative.replace(with: relative, where: relativeWins)
        relativeIndex.replace(with: index, where: relativeWins)
        let absoluteWins = grows .& (growth .> bestAbsolute)
        bestAbsolute.replace(with: growth, where: absoluteWins)
        absoluteIndex.replace(with: index, where: absoluteWins)
    }

    /// Stages block b for `scan` and scans the buffer when it is full or b is the last block: what a kernel calls
    /// once per block, in its pass, with beta before and after the step and the increments divided by f.
    @inline(__always)
    public mutating func offer(_ staging: LeaderStaging, block b: Int, blocks: Int, dimension d: Int, before: Lanes,
                               after: Lanes, scaledIncrement: Lanes, factor f: Double) {
        let slot = b & (LeaderStaging.capacity - 1)
        staging.before[slot] = before
        staging.after[slot] = after
        staging.increment[slot] = scaledIncrement
        if slot == LeaderStaging.capacity - 1 || b == blocks - 1 {
            scan(staging, firstBlock: b - slot, count: slot + 1, dimension: d, factor: f)
        }
    }

    /// Observes the first `count` staged blocks, which are blocks `firstBlock`..<`firstBlock + count` (not generic,
    /// and not inlined: compiled once for every kernel).
    @inline(never)
    public mutating func scan(_ staging: LeaderStaging, firstBlock: Int, count: Int, dimension d: Int, factor f: Double) {
        for i in 0..<count {
            observe(block: firstBlock + i, dimension: d, before: staging.before[i], after: staging.after[i],
                    scaledIncrement: staging.increment[i], factor: f)
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
    public var leader: Int { Self.reduce(bestRelative, relativeIndex) }
    /// The absolute leader of what was offered, 1-based (0 when nothing grew).
    public var leaderAbsolute: Int { Self.reduce(bestAbsolute, absoluteIndex) }
    /// The largest relative growth offered (0 when nothing grew).
    public var largestRelative: Double { bestRelative.max() }
    /// The largest absolute growth offered (0 when nothing grew).
    public var largestAbsolute: Double { bestAbsolute.max() }
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
    /// The increments divided by the step factor, per staged block.
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
