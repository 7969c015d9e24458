/// The dense output of one accepted Dormand–Prince step [start, end]: with DOPRI5 the 4th-order continuous
/// extension
///
///     u(θ) = r1 + θ (r2 + (1 − θ) (r3 + θ (r4 + (1 − θ) r5))),   θ = (t − start)/(end − start) ∈ [0, 1],
///
/// and with DOP853 its 7th-order one on r1…r8 (`DenseScheme`),
/// with u(start) = y(start), u(end) = y(end) (up to one rounding) and matching derivatives at both ends
/// (see `DormandPrince54`). Useful for root-finding on the last step of a solve.
public struct DenseSegment: Sendable, Equatable {
    /// The step's start time.
    public let start: Double
    /// The step's end time.
    public let end: Double
    /// n, the length of the state.
    public let dimension: Int
    /// r1…r5 (DOPRI5) or r1…r8 (DOP853), each of `dimension` values, consecutively.
    public let coefficients: [Double]
    /// The layout and formula of `coefficients`.
    public let scheme: DenseScheme

    /// A segment from its interval and its coefficients (5n values for DOPRI5, 8n for DOP853).
    public init(start: Double, end: Double, dimension: Int, coefficients: [Double], scheme: DenseScheme = .dopri5) {
        self.start = start
        self.end = end
        self.dimension = dimension
        self.coefficients = coefficients
        self.scheme = scheme
    }

    /// u(t) for t in [start, end]; nil outside (or for a non-finite t).
    public func evaluate(at t: Double) -> [Double]? {
        guard t >= start, t <= end else { return nil }
        return [Double](unsafeUninitializedCapacity: dimension) { buffer, count in
            self.evaluate(at: t, into: buffer)
            count = dimension
        }
    }

    /// Writes u(t) into `out` (≥ `dimension` values) without allocating. Extrapolates if t is outside
    /// [start, end] (the caller's responsibility).
    public func evaluate(at t: Double, into out: UnsafeMutableBufferPointer<Double>) {
        coefficients.withUnsafeBufferPointer { r in
            scheme.interpolate(coefficients: r, dimension: dimension, start: start, end: end, at: t, into: out)
        }
    }
}
