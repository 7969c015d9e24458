/// A perturbation resolved once to its concrete type, so that the kernels' per-coordinate loops are specialized
/// for it (a generic class's methods called through a protocol are not). Rules SAMLab does not know run through
/// `other`, correct but without specialization.
enum PerturbationKind {
    case none(NoPerturbation)
    case l2(L2Perturbation)
    case linf(LInfPerturbation)
    case unnormalized(UnnormalizedPerturbation)
    case other(any Perturbation)

    init(_ perturbation: any Perturbation) {
        switch perturbation {
        case let p as NoPerturbation: self = .none(p)
        case let p as L2Perturbation: self = .l2(p)
        case let p as LInfPerturbation: self = .linf(p)
        case let p as UnnormalizedPerturbation: self = .unnormalized(p)
        default: self = .other(perturbation)
        }
    }
}
