/// The running choice of the relative and the absolute leader over coordinates offered in order (THEORY.md §2.1):
/// coordinate j's growth is g_j = sign(beta_j) d beta_j / dt (|d beta_j / dt| at beta_j = 0); among those with
/// g_j > 0 the relative leader has the largest g_j / |beta_j| (infinite at beta_j = 0) and the absolute leader the
/// largest g_j, the first in order winning a tie. 1-based; 0 when nothing grows.
struct LeaderRace {
    private(set) var relative = 0
    private(set) var absolute = 0
    private var bestRelative = 0.0
    private var bestAbsolute = 0.0

    /// Offers coordinate j (0-based) with beta_j and d beta_j / dt.
    @inline(__always)
    mutating func offer(_ j: Int, beta b: Double, velocity v: Double) {
        let growth = b > 0 ? v : (b < 0 ? -v : Swift.abs(v))
        guard growth > 0 else { return }
        let rate = b == 0 ? Double.infinity : growth / Swift.abs(b)
        if rate > bestRelative { bestRelative = rate; relative = j + 1 }
        if growth > bestAbsolute { bestAbsolute = growth; absolute = j + 1 }
    }
}
