/// The exponential loss l(z) = e^-z (THEORY.md §1.3): log l = log |l'| = -z, exact for every margin.
public struct ExponentialLoss: MarginLoss {
    public static let name = "exponential"
    public static let summary = "e^-z"
    public init() {}

    @inline(__always)
    public func logValue(margin z: Double) -> Double { -z }

    @inline(__always)
    public func logSlope(margin z: Double) -> Double { -z }
}
