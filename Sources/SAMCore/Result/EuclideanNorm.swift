/// ||x||_2 that neither overflows nor underflows while the entries are finite.
///
/// The plain sum of squares overflows once an entry passes about 1e154 (and underflows below 1e-154), long before
/// the norm itself leaves the range of a Double. When it does, the entries are first divided by the largest |x_i|
/// (the scaling of LAPACK's dnrm2; Blue, ACM TOMS 4, 1978), so a diverging run reports its true, finite norm instead
/// of inf, which JSON cannot carry. Otherwise the plain sum is kept, so results that were representable do not change
/// by a bit.
public enum EuclideanNorm {
    /// ||x||_2 of finite entries (inf or NaN entries give inf or NaN, as they are).
    public static func of(_ x: some Collection<Double>) -> Double {
        let plain = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return needsScaling(plain) ? scaled(x) : plain
    }

    /// Whether a plain sum-of-squares norm may have overflowed (inf) or underflowed (below the normal range).
    @inline(__always)
    public static func needsScaling(_ plain: Double) -> Bool {
        plain == .infinity || plain < 1e-150
    }

    /// max|x_i| sqrt(sum (x_i / max|x_i|)^2).
    static func scaled(_ x: some Collection<Double>) -> Double {
        let scale = x.reduce(0) { Swift.max($0, Swift.abs($1)) }
        guard scale > 0, scale.isFinite else { return scale.isNaN ? .nan : scale }
        return scale * x.reduce(0) { $0 + ($1 / scale) * ($1 / scale) }.squareRoot()
    }
}
