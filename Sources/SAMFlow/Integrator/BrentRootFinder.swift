/// Brent's method for a root of a scalar function on a bracket [a, b] with a sign change.
///
/// Keeps a bracket (b, c) with g(b)·g(c) < 0 and |g(b)| ≤ |g(c)|; each iteration tries inverse quadratic
/// interpolation (or the secant step when only two distinct points are known), falls back to bisection when
/// the interpolated step is not safely inside the bracket or does not shrink fast enough, and never moves b by
/// less than half the tolerance. Converges superlinearly for smooth g and never worse than about twice
/// bisection. Stops when |c − b| ≤ tolerance(b) (or g(b) = 0, or after `maxIterations`, or if g returns a
/// non-finite value, keeping the last valid bracket).
enum BrentRootFinder {
    struct Bracket {
        /// Earlier end of the final bracket and g there (both ends are the root for an exact zero).
        var lower: Double, gLower: Double
        /// Later end of the final bracket and g there.
        var upper: Double, gUpper: Double
        /// The reported root: `upper`, or the exact zero if g vanished at a point.
        var root: Double, gRoot: Double
        /// upper − lower (0 for an exact zero).
        var width: Double
    }

    /// - Precondition (not trapped): g(a) ≠ 0 and g(a), g(b) of opposite signs or g(b) = 0; a < b.
    /// - Parameter tolerance: the bracket width to reach, as a function of the current best point.
    static func locate(
        a a0: Double, ga: Double, b b0: Double, gb: Double,
        tolerance: (Double) -> Double, maxIterations: Int = 200,
        _ g: (Double) -> Double
    ) -> Bracket {
        if gb == 0 { return Bracket(lower: b0, gLower: 0, upper: b0, gUpper: 0, root: b0, gRoot: 0, width: 0) }
        var a = a0, fa = ga, b = b0, fb = gb
        var c = a, fc = fa
        var d = b - a, e = d
        var iterations = 0
        while true {
            if (fb > 0) == (fc > 0) {
                c = a; fc = fa; d = b - a; e = d
            }
            if Swift.abs(fc) < Swift.abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tol1 = 0.5 * Swift.max(tolerance(b), 4 * b.ulp)
            let xm = 0.5 * (c - b)
            if Swift.abs(xm) <= tol1 || fb == 0 || iterations >= maxIterations { break }
            iterations += 1
            if Swift.abs(e) >= tol1 && Swift.abs(fa) > Swift.abs(fb) {
                let s = fb / fa
                var p: Double, q: Double
                if a == c {
                    p = 2 * xm * s
                    q = 1 - s
                } else {
                    let qa = fa / fc, r = fb / fc
                    p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1))
                    q = (qa - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < Swift.min(3 * xm * q - Swift.abs(tol1 * q), Swift.abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = xm; e = d
                }
            } else {
                d = xm; e = d
            }
            a = b; fa = fb
            b += Swift.abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1)
            fb = g(b)
            if !fb.isFinite {
                // Keep the last valid bracket (a is the previous b; c its partner).
                b = a; fb = fa
                break
            }
        }
        if fb == 0 {
            return Bracket(lower: b, gLower: 0, upper: b, gUpper: 0, root: b, gRoot: 0, width: 0)
        }
        let (lo, flo, hi, fhi) = b < c ? (b, fb, c, fc) : (c, fc, b, fb)
        return Bracket(lower: lo, gLower: flo, upper: hi, gUpper: fhi, root: hi, gRoot: fhi, width: hi - lo)
    }
}
