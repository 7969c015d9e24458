/// A margin loss l(z) of the margin z = y <beta, x>, evaluated in log space (THEORY.md §1.3, §6.4).
///
/// SAMLab's margin losses have l' < 0 everywhere, so a loss is described by log l(z) and log |l'(z)|. These two must
/// be finite for every finite margin, however large or negative: a margin of 1e5 has |l'| = e^-1e5, which
/// underflows as a Double but not as a logarithm, and that is what keeps normalized perturbations and rescaled
/// fields exact. The objective is the mean over examples.
///
/// A new loss is one type conforming to this protocol plus one registration line (`Registry.registering(loss:)`).
public protocol MarginLoss: TrainingLoss {
    /// log l(z).
    func logValue(margin z: Double) -> Double
    /// log |l'(z)|.
    func logSlope(margin z: Double) -> Double
    /// The curvature ratio l''(z) / |l'(z)| = -d/dz log |l'(z)| (THEORY.md §8.1): with |l'| in log space it gives
    /// l'' without overflow, and it carries the sign of l'' (negative where a loss is concave). The default
    /// differentiates `logSlope` by central differences; the built-in losses override it exactly.
    func curvatureRatio(margin z: Double) -> Double
}

extension MarginLoss {
    /// -d/dz log |l'(z)| by a central difference of `logSlope` with step h = 6e-6 max(1, |z|) (about the cube
    /// root of the Double epsilon, which balances truncation, O(h^2), against rounding, O(eps / h)): about 1e-10
    /// relative for a smooth loss. Losses with a closed form override it.
    public func curvatureRatio(margin z: Double) -> Double {
        let h = 6e-6 * max(1, abs(z))
        return -(logSlope(margin: z + h) - logSlope(margin: z - h)) / (2 * h)
    }
}

extension MarginLoss {
    /// log of the mean loss over examples, (1/n) sum_n l(z_n), by log-sum-exp.
    public func logMeanValue(margins: UnsafeBufferPointer<Double>) -> Double {
        LogSumExp.mean(count: margins.count) { logValue(margin: margins[$0]) }
    }
}

extension TrainingLoss where Self == LogisticLoss {
    /// l(z) = log(1 + e^-z).
    public static var logistic: LogisticLoss { LogisticLoss() }
}

extension TrainingLoss where Self == ExponentialLoss {
    /// l(z) = e^-z.
    public static var exponential: ExponentialLoss { ExponentialLoss() }
}

extension TrainingLoss where Self == SquaredLoss {
    /// l_n(p) = (p - y_n)^2 / 2.
    public static var squared: SquaredLoss { SquaredLoss() }
}
