/// The optimizers SAMVision trains with: plain SGD, and SAM with an l2 or l_inf ascent step.
public enum VisionOptimizer: String, Codable, CaseIterable, Sendable {
    case sgd
    case l2SAM = "l2-sam"
    case linfSAM = "linf-sam"

    /// SAM's ascent step eps for gradient `g` at radius `rho`; nil for SGD (no second pass).
    ///
    /// l2: eps = rho g / ||g||_2 taken over ALL parameters (the norm is accumulated in Double so 400k squares do
    /// not lose digits); eps = 0 when g = 0 or the norm is not finite, so a flat point never yields NaN.
    /// l_inf: eps = rho sign(g), with sign(0) = 0.
    public func perturbation(gradient g: [Float], rho: Double) -> [Float]? {
        switch self {
        case .sgd:
            return nil
        case .l2SAM:
            var sum = 0.0
            for x in g { sum += Double(x) * Double(x) }
            let norm = sum.squareRoot()
            guard norm > 0, norm.isFinite else { return [Float](repeating: 0, count: g.count) }
            let scale = rho / norm
            return g.map { Float(Double($0) * scale) }
        case .linfSAM:
            let r = Float(rho)
            return g.map { $0 > 0 ? r : ($0 < 0 ? -r : 0) }
        }
    }
}
