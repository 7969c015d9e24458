import Foundation

/// Log-space sums without overflow.
public enum LogSumExp {
    /// log((1/n) sum_i e^(v_i)): the largest term is factored out.
    @inline(__always)
    public static func mean(count n: Int, _ term: (Int) -> Double) -> Double {
        var largest = -Double.infinity
        for i in 0..<n { largest = max(largest, term(i)) }
        guard largest.isFinite else { return largest }
        var sum = 0.0
        for i in 0..<n { sum += Foundation.exp(term(i) - largest) }
        return largest + Foundation.log(sum / Double(n))
    }

    /// log(1 + e^x) without overflow or cancellation: x + log1p(e^-x) for x > 0, log1p(e^x) otherwise.
    ///
    /// Beyond |x| = `underflowBound` the exponential is not called, with the same result: for x > 746,
    /// log1p(e^-x) <= e^-x < 2^-1076 is far below half an ulp of x, so the sum is x whatever e^-x rounds to; for
    /// x < -746, e^x < 2^-1076 is below half the smallest subnormal, so exp returns 0 (glibc returns 0 below
    /// -745.13) and log1p(0) = 0. exp's slow path for underflowing arguments was 2% of a regime sweep.
    @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        if x > 0 { return x > underflowBound ? x : x + Foundation.log1p(Foundation.exp(-x)) }
        return x < -underflowBound ? 0 : Foundation.log1p(Foundation.exp(x))
    }

    /// The |x| beyond which e^-|x| < 2^-1076: its exponential underflows to 0 and vanishes against x (`softplus`).
    public static let underflowBound = 746.0
}
