/// The algorithms of `samlab train`: w <- w - eta grad L(w + eps(w)) with eps from the matching perturbation.
public enum Optimizer: String, Codable, CaseIterable, Sendable {
    case gd
    case l2SAM = "l2-sam"
    case linfSAM = "linf-sam"
    case usam

    /// The perturbation rule of this algorithm at radius rho.
    public func perturbation(rho: Double) -> any Perturbation {
        switch self {
        case .gd: NoPerturbation()
        case .l2SAM: L2Perturbation(rho: rho)
        case .linfSAM: LInfPerturbation(rho: rho)
        case .usam: UnnormalizedPerturbation(rho: rho)
        }
    }

    public var usesRho: Bool { self != .gd }
}
