import Foundation

/// The logistic loss l(z) = log(1 + e^-z) (THEORY.md §1.3), in log space.
public struct LogisticLoss: MarginLoss {
    /// The name in specifications and on the command line: `logistic`.
    public static let name = "logistic"
    /// The formula, for help texts.
    public static let summary = "log(1+e^-z)"
    /// The logistic loss (it has no parameters).
    public init() {}

    /// log l(z). For large z, l = t - t^2/2 + ... with t = e^-z, so log l = -z + log1p(-t/2 + t^2/3) and the second
    /// term is below 1e-15 relative once z > 36. Beyond z = 746 (`LogSumExp.underflowBound`) the correction is below
    /// 2^-1076, under half an ulp of z, so the result is -z without calling exp (the same bits).
    @inline(__always)
    public func logValue(margin z: Double) -> Double {
        if z > LogSumExp.underflowBound { return -z }
        if z > 36 { return -z + Foundation.log1p(-0.5 * Foundation.exp(-z)) }
        return Foundation.log(LogSumExp.softplus(-z))
    }

    /// log |l'(z)| = -softplus(z), since |l'| = 1 / (1 + e^z).
    @inline(__always)
    public func logSlope(margin z: Double) -> Double { -LogSumExp.softplus(z) }

    /// l''(z) / |l'(z)| = sigma(z) = 1 / (1 + e^-z), since l'' = sigma(z) sigma(-z) and |l'| = sigma(-z); written so
    /// that the exponential never overflows.
    @inline(__always)
    public func curvatureRatio(margin z: Double) -> Double {
        z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z))
    }
}
