/// The right-hand side f of an autonomous or non-autonomous ODE system
///
///     dy/dt = f(t, y),   y(t) ∈ ℝⁿ,  n = `dimension`.
///
/// The integrator calls `evaluate` six times per attempted Dormand–Prince step, so implementations should
/// write f(t, y) into `derivative` without allocating: both buffers have exactly `dimension` elements, are
/// owned by the integrator, and are valid only for the duration of the call (do not keep them).
///
/// Numerics: the integrator never traps on bad values. If `evaluate` writes inf or NaN, the attempted step is
/// rejected and retried with a smaller step; if that cannot be avoided the solve ends with
/// `ODEResult.nonFinite(time:)` and keeps the last finite state.
public protocol VectorField {
    /// n, the number of components of the state y (and of f(t, y)). Must be positive.
    var dimension: Int { get }

    /// Writes f(`time`, `state`) into `derivative` (both of length `dimension`).
    func evaluate(time: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>)
}
