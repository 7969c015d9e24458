/// The leader decision of one step, four coordinates at a time: per-lane running bests, reduced once per step.
///
/// `GrowthScan.observe(coordinate:...)` decides, coordinate after coordinate, the relative leader
/// argmax_j g_j / |beta_j| (infinite where beta_j = 0) and the absolute leader argmax_j g_j over the coordinates
/// with growth g_j > 0 (THEORY.md §2.1, §6.5): a strict `>` against the running best, so ties
/// go to the lower index. The same decision, taken lane by lane: lane i keeps the best of the coordinates 4b + i it
/// has seen (strict `>`, so its lowest index among equals), and `reduce` takes the largest of the four bests and,
/// among lanes that hold it, the lowest index. The argmax with ties to the first is the same whichever order the
/// coordinates are compared in, so the leaders are the same, bit for bit: every growth and every ratio is the same
/// IEEE operation on the same operands as in the scalar scan (a vector division is four divisions), and NaN, which
/// no `>` accepts, is never a best in either. `LeaderLanesTests` checks this against the scalar scan on ties, zeros
/// of both signs, infinities, NaN and subnormals.
///
/// A kernel keeps one of these in a local variable during its pass (registers, no store per coordinate) and hands
/// it to `GrowthScan.record(_:)` at the end.
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

    /// |x| lane by lane with the sign bit cleared (as `Swift.abs` on a Double, also for -0).
    @inline(__always)
    static func magnitude(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) & SIMD4(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: Lanes.self)
    }

    /// Growth of |beta| divided by the step factor f, lane by lane, as `GrowthScan.observe(coordinate:...)` computes
    /// it: the signed increment u while beta keeps its sign (or leaves 0 that way), -u when it is negative, else
    /// (|beta(k+1)| - |beta(k)|) / f (a division paid only in a block that has such a lane).
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
        let growth = Self.growth(before: before, after: after, scaledIncrement: scaledIncrement, factor: f)
        let grows = (growth .> 0) .& (index .<= Int64(d))
        var relative = growth / Self.magnitude(before)
        relative.replace(with: .infinity, where: before .== 0)
        let relativeWins = grows .& (relative .> bestRelative)
        bestRelative.replace(with: relative, where: relativeWins)
        relativeIndex.replace(with: index, where: relativeWins)
        let absoluteWins = grows .& (growth .> bestAbsolute)
        bestAbsolute.replace(with: growth, where: absoluteWins)
        absoluteIndex.replace(with: index, where: absoluteWins)
    }

    /// The 1-based coordinate with the largest value among the lanes' bests, the lowest index among equals (0 when no
    /// lane has one).
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
}
