/// The range and the margins within which `LeaderLanes` decides a leader comparison without dividing
/// (THEORY.md §6.5).
///
/// A lane whose beta keeps its sign has growth g = RN(N / q) and relative growth r = RN(g / m), with N the signed
/// increment (Delta, or -Delta where beta < 0), q > 0 the step's divisor and m = |beta|; its best so far has
/// (N_b, m_b), g_b = RN(N_b / q), r_b = RN(g_b / m_b). With u = 2^-53 and every operation below giving a normal
/// number, each rounding is a factor (1 + e), |e| <= u, so:
/// - absolute: N <= N_b gives g <= g_b (x -> RN(x / q) is monotone; no strict win), and N > RN(N_b c+), c+ = 1 + 2^-48,
///   gives g / g_b > c+ (1 - u)^2 / (1 + u) >= (1 + 32u)(1 - 3u) > 1, a strict win;
/// - relative: with P = RN(N m_b), Q = RN(N_b m), r / r_b = (N m_b) / (N_b m) (1+e1)(1+e2) / ((1+e3)(1+e4)) and
///   (N m_b) / (N_b m) = (P / Q) (1+e6) / (1+e5); so P > RN(Q c+) gives r / r_b > c+ (1 - u)^4 / (1 + u)^3
///   >= (1 + 32u)(1 - 7u) > 1, a strict win, and P < RN(Q c-), c- = 1 - 2^-48, gives
///   r / r_b < c- (1 + u)^4 / (1 - u)^3 <= (1 - 32u)(1 + 8u) < 1, a loss; equal (N, m) and (N_b, m_b) tie, a loss.
/// A best of none is (0, 1): then Q = 0 and a growing lane (N > 0, g and r normal, so > 0) wins, as it must.
/// Everything else (the band between, N or m outside the window, beta = 0 or changing sign, q outside
/// [2^-400, 2^400]) is decided with the divisions, exactly as `GrowthScan.observe(coordinate:...)`.
///
/// The window makes every operation normal: q in [2^-400, 2^400], N in [q 2^-200, q 2^200] (so N / q in
/// [2^-200, 2^200] and |N| <= 2^600) and m in [2^-300, 2^300] give r in [2^-500, 2^500] and P, Q, Q c± in
/// [2^-901, 2^901], far from the subnormals (below 2^-1022) and from overflow (2^1024).
struct _DivisionFreeLeaders {
    /// c+ = 1 + 2^-48: N above N_b c+ (P above Q c+) is a strict win.
    static let above = 1 + 0x1p-48
    /// c- = 1 - 2^-48: P below Q c- is a loss.
    static let below = 1 - 0x1p-48
    /// The smallest |beta| in the window.
    static let smallestMagnitude = 0x1p-300
    /// The largest |beta| in the window.
    static let largestMagnitude = 0x1p300
    /// The smallest signed increment in the window, q 2^-200 (exact: a power-of-two scaling of a normal q).
    let smallestNumerator: Double
    /// The largest signed increment in the window, q 2^200.
    let largestNumerator: Double

    /// The window for divisor q, nil when q is outside [2^-400, 2^400] (or NaN): then every block divides.
    @inline(__always)
    init?(divisor q: Double) {
        guard q >= 0x1p-400 && q <= 0x1p400 else { return nil }
        smallestNumerator = q * 0x1p-200
        largestNumerator = q * 0x1p200
    }

    /// The lanes whose signed increment N and |beta| m lie in the window.
    @inline(__always)
    func holds(numerator n: Lanes, magnitude m: Lanes) -> SIMDMask<Lanes.MaskStorage> {
        (n .>= Lanes(repeating: smallestNumerator)) .& (n .<= Lanes(repeating: largestNumerator))
            .& (m .>= Lanes(repeating: Self.smallestMagnitude)) .& (m .<= Lanes(repeating: Self.largestMagnitude))
    }
}
