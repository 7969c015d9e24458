/// The exponential loss l(z) = e^-z (THEORY.md §1.3): log l = log |l'| = -z, exact for every margin.
public struct ExponentialLoss: MarginLoss {
    /// The name in specifications and on the command line: `exponential`.
    public static let name = "exponential"
    /// The formula, for help texts.
    public static let summary = "e^-z"
    /// The exponential loss (it has no parameters).
    public init() {}

    /// log l(z) = -z.
    @inline(__always)
    public func logValue(margin z: Double) -> Double { -z }

    /// log |l'(z)| = -z, since l'(z) = -e^-z.
    @inline(__always)
    public func logSlope(margin z: Double) -> Double { -z }

    /// l''(z) / |l'(z)| = 1, since l'' = e^-z = |l'|.
    @inline(__always)
    public func curvatureRatio(margin z: Double) -> Double { 1 }
}
