import Foundation

/// The squared loss l_n(p) = (p - y_n)^2 / 2 of the prediction p = <beta, x_n>, mean over examples: regression with
/// any finite real label (THEORY.md §4.17). It is the loss of Andriushchenko & Flammarion's sparse-regression
/// experiments on diagonal networks (ICML 2022). It has no margin: runs report `mse` = mean (p_n - y_n)^2 (twice
/// the loss) with the margin keys null, max-margin measures do not apply, and the rescaled flows (a division by the
/// mean |l'|, a margin loss's positive slope) are refused.
public struct SquaredLoss: TrainingLoss {
    /// The name in specifications and on the command line: `squared`.
    public static let name = "squared"
    /// The formula, for help texts.
    public static let summary = "(f(x)-y)^2/2, labels any real"
    /// Not a margin loss.
    public static let isMarginLoss = false
    /// The squared loss (it has no parameters).
    public init() {}

    /// log((1/n) sum_n (p_n - y_n)^2 / 2), with the residuals scaled by the largest one so that the sum of squares
    /// neither overflows nor underflows; -infinity at a perfect fit.
    public func logMeanValue(predictions p: UnsafeBufferPointer<Double>, labels y: [Double]) -> Double {
        var largest = 0.0
        for n in 0..<p.count { largest = max(largest, abs(p[n] - y[n])) }
        guard largest > 0 else { return -.infinity }
        guard largest.isFinite else { return .infinity }
        var sum = 0.0
        for n in 0..<p.count {
            let r = (p[n] - y[n]) / largest
            sum += r * r
        }
        return 2 * Foundation.log(largest) + Foundation.log(sum / (2 * Double(p.count)))
    }

    /// l_n'(p) = p - y_n: r_n = (p_n - y_n) / R, s = log R with R the largest |p_n - y_n| (s = 0 at a perfect fit).
    public func slopes(predictions p: UnsafeBufferPointer<Double>, labels y: [Double], into r: UnsafeMutableBufferPointer<Double>) -> Double {
        var largest = 0.0
        for n in 0..<p.count { largest = max(largest, abs(p[n] - y[n])) }
        let scale = largest > 0 && largest.isFinite ? largest : 1
        for n in 0..<p.count { r[n] = (p[n] - y[n]) / scale }
        return Foundation.log(scale)
    }

    /// l_n'' = 1: c_n = e^-s.
    public func curvatures(predictions p: UnsafeBufferPointer<Double>, labels y: [Double], logScale s: Double,
                           into c: UnsafeMutableBufferPointer<Double>) {
        let value = Foundation.exp(-s)
        for n in 0..<p.count { c[n] = value }
    }

    /// The mean squared error (1/n) sum_n (p_n - y_n)^2: twice the loss.
    public static func meanSquaredError(predictions p: [Double], labels y: [Double]) -> Double {
        zip(p, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(p.count)
    }
}
