/// The Dormand–Prince 5(4) embedded explicit Runge–Kutta pair (Hairer–Nørsett–Wanner's DOPRI5), as a stepper
/// that owns its work buffers (allocated once, in `init`) and performs no allocation per step.
///
/// Butcher tableau (c | A), 5th-order weights b and embedded 4th-order weights b̂:
///
///     0    |
///     1/5  | 1/5
///     3/10 | 3/40        9/40
///     4/5  | 44/45      −56/15       32/9
///     8/9  | 19372/6561 −25360/2187  64448/6561  −212/729
///     1    | 9017/3168  −355/33      46732/5247  49/176    −5103/18656
///     1    | 35/384      0           500/1113    125/192   −2187/6784     11/84
///     -----+--------------------------------------------------------------------------
///     b    | 35/384      0           500/1113    125/192   −2187/6784     11/84     0
///     b̂    | 5179/57600  0           7571/16695  393/640   −92097/339200  187/2100  1/40
///
/// One step from (t, y) to t + h:
///
///     k1 = f(t, y)                                   (already known: FSAL)
///     kᵢ = f(t + cᵢh, y + h Σⱼ<ᵢ aᵢⱼ kⱼ),  i = 2…6
///     y_new = y + h Σᵢ bᵢ kᵢ                          (local extrapolation: the 5th-order value is propagated)
///     k7 = f(t + h, y_new)                           (row 7 of A equals b, so k7 is the next step's k1: FSAL)
///     e  = h Σᵢ (bᵢ − b̂ᵢ) kᵢ = y_new − ŷ_new           (local error estimate, O(h⁵), uses k7)
///
/// so every attempted step costs exactly 6 new evaluations of f.
///
/// Dense output (continuous extension of order 4, HNW II.6 / DOPRI5's CONTD5, no extra evaluations): with
/// θ = (t* − t)/h ∈ [0, 1],
///
///     u(θ) = r1 + θ (r2 + (1 − θ) (r3 + θ (r4 + (1 − θ) r5)))
///     r1 = y,  r2 = y_new − y,  r3 = h k1 − r2,  r4 = r2 − h k7 − r3,  r5 = h Σᵢ dᵢ kᵢ
///     d = (−12715105075/11282082432, 0, 87487479700/32700410799, −10690763975/1880347072,
///          701980252875/199316789632, −1453857185/822651844, 69997945/29380423)
///
/// u(0) = y, u(1) = y_new, u'(0) = k1, u'(1) = k7, so the piecewise interpolant is C¹ in t.
///
/// Usage: `reset` (loads t0, y0 and evaluates k1), then repeatedly `attempt(to:)`; on acceptance call
/// `prepareDenseOutput()` (optional) and `acceptStep()`. The buffer views (`state`, `trialState`, ...) are
/// valid until the next call that changes them and must not outlive the stepper.
public final class DormandPrince54 {
    /// The tableau above, as Double constants (exact rationals rounded once).
    public enum Tableau {
        /// The nodes c_i of stages 2 to 5 (c6 = c7 = 1).
        public static let c2 = 1.0 / 5.0, c3 = 3.0 / 10.0, c4 = 4.0 / 5.0, c5 = 8.0 / 9.0
        /// Row 2 of the Runge–Kutta matrix A.
        public static let a21 = 1.0 / 5.0
        /// Row 3 of A.
        public static let a31 = 3.0 / 40.0, a32 = 9.0 / 40.0
        /// Row 4 of A.
        public static let a41 = 44.0 / 45.0, a42 = -56.0 / 15.0, a43 = 32.0 / 9.0
        /// Row 5 of A.
        public static let a51 = 19372.0 / 6561.0, a52 = -25360.0 / 2187.0, a53 = 64448.0 / 6561.0, a54 = -212.0 / 729.0
        /// Row 6 of A.
        public static let a61 = 9017.0 / 3168.0, a62 = -355.0 / 33.0, a63 = 46732.0 / 5247.0, a64 = 49.0 / 176.0,
            a65 = -5103.0 / 18656.0
        /// b (row 7 of A): 5th-order weights; b2 = b7 = 0.
        public static let b1 = 35.0 / 384.0, b3 = 500.0 / 1113.0, b4 = 125.0 / 192.0, b5 = -2187.0 / 6784.0,
            b6 = 11.0 / 84.0
        /// e = b − b̂ (e2 = 0).
        public static let e1 = 71.0 / 57600.0, e3 = -71.0 / 16695.0, e4 = 71.0 / 1920.0, e5 = -17253.0 / 339200.0,
            e6 = 22.0 / 525.0, e7 = -1.0 / 40.0
        /// Dense-output coefficients d (d2 = 0).
        public static let d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
            d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
            d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0
    }

    /// Order of the propagated solution.
    public static let order = 5
    /// Order of the embedded solution used for the error estimate.
    public static let embeddedOrder = 4
    /// New evaluations of f per attempted step (thanks to FSAL).
    public static let evaluationsPerStep = 6

    /// n, the length of the state.
    public let dimension: Int
    /// t of the current (accepted) state.
    public private(set) var time: Double = 0
    /// t_new of the last attempted step.
    public private(set) var trialTime: Double = 0
    /// The interval [start, end] described by the prepared dense output (the last step it was prepared for).
    public private(set) var denseInterval: (start: Double, end: Double)? = nil

    private var y: UnsafeMutableBufferPointer<Double>
    private var yNew: UnsafeMutableBufferPointer<Double>
    private var k1: UnsafeMutableBufferPointer<Double>
    private var k7: UnsafeMutableBufferPointer<Double>
    private let k2, k3, k4, k5, k6, stage, yError: UnsafeMutableBufferPointer<Double>
    /// r1…r5, each of length n, stored consecutively (5n values).
    private let dense: UnsafeMutableBufferPointer<Double>

    /// A stepper for states of length n > 0 (its buffers allocated once).
    public init(dimension: Int) throws {
        guard dimension > 0 else {
            throw IntegratorError("DormandPrince54: dimension must be positive, got \(dimension)")
        }
        self.dimension = dimension
        func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
            b.initialize(repeating: 0)
            return b
        }
        y = buffer(dimension); yNew = buffer(dimension); k1 = buffer(dimension); k7 = buffer(dimension)
        k2 = buffer(dimension); k3 = buffer(dimension); k4 = buffer(dimension); k5 = buffer(dimension)
        k6 = buffer(dimension); stage = buffer(dimension); yError = buffer(dimension)
        dense = buffer(5 * dimension)
    }

    deinit {
        for b in [y, yNew, k1, k7, k2, k3, k4, k5, k6, stage, yError, dense] { b.deallocate() }
    }

    // MARK: - Views

    /// y at `time` (the current accepted state).
    public var state: UnsafeBufferPointer<Double> { UnsafeBufferPointer(y) }
    /// k1 = f(`time`, y).
    public var derivative: UnsafeBufferPointer<Double> { UnsafeBufferPointer(k1) }
    /// y_new of the last attempt.
    public var trialState: UnsafeBufferPointer<Double> { UnsafeBufferPointer(yNew) }
    /// k7 = f(t_new, y_new) of the last attempt.
    public var trialDerivative: UnsafeBufferPointer<Double> { UnsafeBufferPointer(k7) }
    /// e = y_new − ŷ_new of the last attempt.
    public var errorEstimate: UnsafeBufferPointer<Double> { UnsafeBufferPointer(yError) }
    /// The dense-output coefficients r1…r5 (5n values) of the last prepared step.
    public var denseCoefficients: UnsafeBufferPointer<Double> { UnsafeBufferPointer(dense) }

    // MARK: - Stepping

    /// Loads (t, y) and evaluates k1 = f(t, y) (one evaluation of f).
    /// - Returns: false if y or f(t, y) has a non-finite component.
    /// - Throws: `IntegratorError` if `state.count` or `field.dimension` differs from `dimension`.
    @discardableResult
    public func reset<F: VectorField>(field: F, time t: Double, state initial: [Double]) throws -> Bool {
        let finite = try _load(initial, at: t, of: field, into: y, derivative: k1, stepper: "DormandPrince54")
        time = t
        trialTime = t
        denseInterval = nil
        return finite
    }

    /// Attempts one step from (`time`, `state`) to `tNew` (h = tNew − time), computing y_new, k7 and the error
    /// estimate e. Six evaluations of f. The current state is unchanged until `acceptStep()`.
    /// - Returns: false if any stage derivative, y_new or e has a non-finite component (the step must then be
    ///   rejected).
    public func attempt<F: VectorField>(field: F, to tNew: Double) -> Bool {
        typealias T = Tableau
        let n = dimension, t = time, h = tNew - t
        let y = self.y, yNew = self.yNew, k1 = self.k1, k2 = self.k2, k3 = self.k3, k4 = self.k4
        let k5 = self.k5, k6 = self.k6, k7 = self.k7, stage = self.stage, yError = self.yError
        let c2 = T.c2, c3 = T.c3, c4 = T.c4, c5 = T.c5
        let a21 = T.a21, a31 = T.a31, a32 = T.a32, a41 = T.a41, a42 = T.a42, a43 = T.a43
        let a51 = T.a51, a52 = T.a52, a53 = T.a53, a54 = T.a54
        let a61 = T.a61, a62 = T.a62, a63 = T.a63, a64 = T.a64, a65 = T.a65
        let b1 = T.b1, b3 = T.b3, b4 = T.b4, b5 = T.b5, b6 = T.b6
        let e1 = T.e1, e3 = T.e3, e4 = T.e4, e5 = T.e5, e6 = T.e6, e7 = T.e7
        let stageView = UnsafeBufferPointer(stage)

        for i in 0..<n { stage[i] = y[i] + h * (a21 * k1[i]) }
        field.evaluate(time: t + c2 * h, state: stageView, derivative: k2)
        for i in 0..<n { stage[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]) }
        field.evaluate(time: t + c3 * h, state: stageView, derivative: k3)
        for i in 0..<n { stage[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]) }
        field.evaluate(time: t + c4 * h, state: stageView, derivative: k4)
        for i in 0..<n { stage[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]) }
        field.evaluate(time: t + c5 * h, state: stageView, derivative: k5)
        for i in 0..<n {
            stage[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i])
        }
        field.evaluate(time: tNew, state: stageView, derivative: k6)
        for i in 0..<n { yNew[i] = y[i] + h * (b1 * k1[i] + b3 * k3[i] + b4 * k4[i] + b5 * k5[i] + b6 * k6[i]) }
        field.evaluate(time: tNew, state: UnsafeBufferPointer(yNew), derivative: k7)

        var finite = true
        for i in 0..<n {
            let e = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * k7[i])
            yError[i] = e
            // k3…k7 finite is implied by yNew and e finite only up to cancellation; check them all explicitly.
            if !(e.isFinite && yNew[i].isFinite && k2[i].isFinite && k3[i].isFinite && k4[i].isFinite
                && k5[i].isFinite && k6[i].isFinite && k7[i].isFinite) {
                finite = false
            }
        }
        trialTime = tNew
        return finite
    }

    /// Computes the dense-output coefficients r1…r5 of the last attempted step (no evaluations of f).
    /// Call before `acceptStep()`.
    /// - Returns: false if a coefficient is non-finite; `denseInterval` is then nil and the step must be rejected.
    @discardableResult
    public func prepareDenseOutput() -> Bool {
        typealias T = Tableau
        let n = dimension, h = trialTime - time
        let d1 = T.d1, d3 = T.d3, d4 = T.d4, d5 = T.d5, d6 = T.d6, d7 = T.d7
        let y = self.y, yNew = self.yNew, k1 = self.k1, k3 = self.k3, k4 = self.k4
        let k5 = self.k5, k6 = self.k6, k7 = self.k7, dense = self.dense
        var finite = true
        for i in 0..<n {
            let r2 = yNew[i] - y[i]
            let r3 = h * k1[i] - r2
            let r4 = r2 - h * k7[i] - r3
            let r5 = h * (d1 * k1[i] + d3 * k3[i] + d4 * k4[i] + d5 * k5[i] + d6 * k6[i] + d7 * k7[i])
            dense[i] = y[i]
            dense[n + i] = r2
            dense[2 * n + i] = r3
            dense[3 * n + i] = r4
            dense[4 * n + i] = r5
            if !(r2.isFinite && r3.isFinite && r4.isFinite && r5.isFinite) { finite = false }
        }
        // A non-finite interpolant (only possible near overflow) describes no usable step.
        denseInterval = finite ? (time, trialTime) : nil
        return finite
    }

    /// Makes the last attempt the current state: (time, y, k1) ← (t_new, y_new, k7). Swaps buffers (no copy).
    public func acceptStep() {
        swap(&y, &yNew)
        swap(&k1, &k7)
        time = trialTime
    }

    /// Evaluates the prepared dense output u at `t` (normally within `denseInterval`) into `out` (n values).
    public func interpolate(at t: Double, into out: UnsafeMutableBufferPointer<Double>) {
        guard let interval = denseInterval else { return }
        Self.interpolate(
            coefficients: UnsafeBufferPointer(dense), dimension: dimension,
            start: interval.start, end: interval.end, at: t, into: out)
    }

    /// The continuous extension u(θ) = r1 + θ(r2 + (1−θ)(r3 + θ(r4 + (1−θ) r5))), θ = (t − start)/(end − start),
    /// for coefficients laid out as r1…r5 consecutively (5n values): `DenseScheme.dopri5`.
    static func interpolate(
        coefficients r: UnsafeBufferPointer<Double>, dimension n: Int,
        start: Double, end: Double, at t: Double, into out: UnsafeMutableBufferPointer<Double>
    ) {
        DenseScheme.dopri5.interpolate(coefficients: r, dimension: n, start: start, end: end, at: t, into: out)
    }

    static func allFinite(_ b: UnsafeMutableBufferPointer<Double>) -> Bool {
        for v in b where !v.isFinite { return false }
        return true
    }
}
