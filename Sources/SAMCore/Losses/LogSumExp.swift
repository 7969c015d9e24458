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

    /// log(1 + e^x) without overflow or cancellation.
    @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
    }
}
