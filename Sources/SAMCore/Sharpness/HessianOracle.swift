/// The Hessian of a training loss at one point of weight space, seen as Lanczos and the trace need it: products
/// with vectors, the exact trace, and the norm of the gradient (THEORY.md §8).
///
/// This is the one interface between a model and the sharpness code (`Lanczos`, `SharpnessProbe`): a model that
/// is not diagonal, or a loss that is not a margin loss, supplies its own oracle and gets `lambda_max`,
/// `hessian_trace` and the stability edges unchanged. `DiagonalHessian` is the oracle of every diagonal `Model`
/// with a `MarginLoss`.
///
/// The operator is held scaled, H = e^s A, with s = `logScale`: the losses' slopes |l'| can lie far below the
/// smallest Double (a margin of 1e5 has |l'| = e^-1e5), and scaling keeps A, its eigenvalues and its trace at
/// full precision. The reported values are e^s times those of A.
public protocol HessianOracle {
    /// The number of parameters P: the length of the vectors `multiply(_:into:)` takes.
    var parameterCount: Int { get }
    /// s, with H = e^s A.
    var logScale: Double { get }
    /// out = A v = e^-s H v for v of length P (out has length P on entry); an exact Hessian-vector product up to
    /// rounding, not a finite difference.
    func multiply(_ v: [Double], into out: inout [Double])
    /// tr A = e^-s tr H, computed exactly from the Hessian's diagonal (not estimated).
    var scaledTrace: Double { get }
    /// log ||grad L(w)||_2 over all parameters (-infinity when the gradient is 0).
    var logGradientNorm: Double { get }
}

/// Why a sharpness measurement has no value: a non-finite number in the Hessian-vector product, its setup or
/// Lanczos, or Lanczos stopping before its tolerance. The row's values are then null and the reason is reported.
public struct SharpnessFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reason, in words ("the Hessian-vector product is not finite").
    public var reason: String

    /// A failure with its reason.
    public init(_ reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}
