import Foundation

/// A training loss: the mean over examples of a per-example loss l_n(p) of the prediction p = <beta, x_n> and the
/// label y_n (THEORY.md §1.3, §4.17).
///
/// Two kinds exist. A margin loss (`MarginLoss`: logistic, exponential) is l(y_n p) of the margin z = y_n p with
/// labels +1 / -1, evaluated in log space because |l'| underflows at large margins; the fast lane kernels are
/// written for it. A regression loss (`SquaredLoss`) takes any finite real label and has no margin. Every runner
/// sees a loss through this protocol's three evaluations, each over all n predictions at once:
///
///     log L                         logMeanValue
///     l_n'(p_n)  = e^s r_n          slopes (returns s, writes r_n)
///     l_n''(p_n) = e^s c_n          curvatures (for the same s)
///
/// A margin loss conforms through `MarginLoss`'s defaults; a new loss of another kind is one type conforming to this
/// protocol plus one registration line (`Registry.registering(loss:)`).
public protocol TrainingLoss: Sendable {
    /// The loss's name in specifications (the key `loss`) and on the command line.
    static var name: String { get }
    /// One line for help texts.
    static var summary: String { get }
    /// Whether labels must be +1 or -1 and y <beta, x> is a margin (margins, max-margin measures, the rescaled flows'
    /// division by the mean |l'| and the fast lane kernels apply).
    static var isMarginLoss: Bool { get }
    /// The loss (losses have no parameters; the registry builds them with this initializer).
    init()
    /// log of the mean loss (1/n) sum_n l_n(p_n) over the predictions p_n = <beta, x_n> with labels y_n;
    /// -infinity when the loss is exactly 0.
    func logMeanValue(predictions p: UnsafeBufferPointer<Double>, labels y: [Double]) -> Double
    /// Writes r_n with l_n'(p_n) = e^s r_n (the derivative of the per-example loss in the prediction) and returns s,
    /// chosen so that the r_n are moderate (the largest |r_n| is about 1 when any is non-zero).
    func slopes(predictions p: UnsafeBufferPointer<Double>, labels y: [Double], into r: UnsafeMutableBufferPointer<Double>) -> Double
    /// Writes c_n with l_n''(p_n) = e^s c_n, for the s that `slopes` returned at the same predictions.
    func curvatures(predictions p: UnsafeBufferPointer<Double>, labels y: [Double], logScale s: Double,
                    into c: UnsafeMutableBufferPointer<Double>)
}

extension TrainingLoss {
    /// The registered name of this loss.
    public var name: String { Self.name }
    /// Whether this is a margin loss (`isMarginLoss`).
    public var isMarginLoss: Bool { Self.isMarginLoss }
    /// Array forms of the three evaluations (for tests and the library's users).
    public func logMeanValue(predictions p: [Double], labels y: [Double]) -> Double {
        p.withUnsafeBufferPointer { logMeanValue(predictions: $0, labels: y) }
    }
}

extension MarginLoss {
    /// Margin losses need labels +1 and -1.
    public static var isMarginLoss: Bool { true }

    /// log (1/n) sum_n l(y_n p_n), by log-sum-exp.
    public func logMeanValue(predictions p: UnsafeBufferPointer<Double>, labels y: [Double]) -> Double {
        LogSumExp.mean(count: p.count) { logValue(margin: y[$0] * p[$0]) }
    }

    /// l_n'(p) = y_n l'(y_n p) = -y_n |l'(z_n)|: r_n = -y_n e^(log|l'(z_n)| - M), s = M, with M the largest
    /// log |l'(z_n)| (so the largest |r_n| is 1 and nothing underflows as a whole).
    public func slopes(predictions p: UnsafeBufferPointer<Double>, labels y: [Double], into r: UnsafeMutableBufferPointer<Double>) -> Double {
        var largest = -Double.infinity
        for n in 0..<p.count { largest = max(largest, logSlope(margin: y[n] * p[n])) }
        for n in 0..<p.count { r[n] = -y[n] * Foundation.exp(logSlope(margin: y[n] * p[n]) - largest) }
        return largest
    }

    /// l_n''(p) = l''(z_n) (y_n^2 = 1) = |l'(z_n)| (l''/|l'|)(z_n): c_n = e^(log|l'(z_n)| - s) curvatureRatio(z_n).
    public func curvatures(predictions p: UnsafeBufferPointer<Double>, labels y: [Double], logScale s: Double,
                           into c: UnsafeMutableBufferPointer<Double>) {
        for n in 0..<p.count {
            let z = y[n] * p[n]
            c[n] = Foundation.exp(logSlope(margin: z) - s) * curvatureRatio(margin: z)
        }
    }
}
