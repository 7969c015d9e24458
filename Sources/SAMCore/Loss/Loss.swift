import Foundation

/// A margin loss l(z), z = y <beta, x>, evaluated in log space.
///
/// Both losses have l' < 0 everywhere, so a loss is described by log l(z) and log |l'(z)|. These two are finite
/// for every finite margin, however large or negative: a margin of 1e5 has |l'| = e^-1e5, which underflows as a
/// Double but not as a logarithm, and that is what keeps normalized perturbations and rescaled fields exact.
public enum Loss: String, Codable, CaseIterable, Sendable {
    /// l(z) = log(1 + e^-z).
    case logistic
    /// l(z) = e^-z.
    case exponential

    /// log l(z).
    @inline(__always)
    public func logValue(margin z: Double) -> Double {
        switch self {
        case .logistic:
            // l = log1p(e^-z). For large z, l = t - t^2/2 + ... with t = e^-z, so log l = -z + log1p(-t/2 + t^2/3)
            // and the second term is below 1e-15 relative once z > 36.
            if z > 36 { return -z + Foundation.log1p(-0.5 * Foundation.exp(-z)) }
            return Foundation.log(Self.softplus(-z))
        case .exponential:
            return -z
        }
    }

    /// log |l'(z)|.
    @inline(__always)
    public func logSlope(margin z: Double) -> Double {
        switch self {
        case .logistic: -Self.softplus(z)  // |l'| = 1 / (1 + e^z) = e^-softplus(z)
        case .exponential: -z
        }
    }

    /// log(1 + e^x) without overflow or cancellation.
    @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
    }

    /// log of the mean loss over examples, (1/n) sum_n l(z_n), by log-sum-exp.
    public func logMeanValue(margins: UnsafeBufferPointer<Double>) -> Double {
        LogSumExp.mean(count: margins.count) { logValue(margin: margins[$0]) }
    }
}

/// log((1/n) sum_i e^(v_i)) without overflow: the largest term is factored out.
public enum LogSumExp {
    @inline(__always)
    public static func mean(count n: Int, _ term: (Int) -> Double) -> Double {
        var largest = -Double.infinity
        for i in 0..<n { largest = max(largest, term(i)) }
        guard largest.isFinite else { return largest }
        var sum = 0.0
        for i in 0..<n { sum += Foundation.exp(term(i) - largest) }
        return largest + Foundation.log(sum / Double(n))
    }
}
