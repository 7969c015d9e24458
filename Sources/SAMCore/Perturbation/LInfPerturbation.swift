/// l_inf-SAM: eps = rho sign(g), componentwise; a zero component gives no perturbation (sign 0 = 0).
public struct LInfPerturbation: Perturbation {
    public let rho: Double

    public init(rho: Double) {
        self.rho = rho
    }

    @inline(__always)
    public func shape(gradient g: Double, weight w: Double) -> Double {
        g > 0 ? 1 : (g < 0 ? -1 : 0)
    }

    @inline(__always)
    public func normalizerTerm(gradient g: Double, weight w: Double) -> Double { 0 }

    @inline(__always)
    public func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { rho }
}
