/// The layout and formula of a step's continuous extension (dense output), shared by the steppers, the event
/// locator, `DenseSegment` and `DenseOutput`.
///
/// Both schemes are nested products in θ = (t − start)/(end − start) and θ₁ = 1 − θ (Hairer–Nørsett–Wanner II.6,
/// DOPRI5's CONTD5 and DOP853's CONTD8), with `blocks` coefficient vectors r1, r2, … of n values each, stored
/// consecutively:
///
///     dopri5 (order 4, 5 blocks): u = r1 + θ(r2 + θ₁(r3 + θ(r4 + θ₁ r5)))
///     dop853 (order 7, 8 blocks): u = r1 + θ(r2 + θ₁(r3 + θ(r4 + θ₁(r5 + θ(r6 + θ₁(r7 + θ r8))))))
///
/// so u(0) = r1 = y(start) and u(1) = r1 + r2 = y(end).
public enum DenseScheme: Sendable, Equatable {
    /// Dormand–Prince 5(4)'s 4th-order extension (`DormandPrince54`).
    case dopri5
    /// Dormand–Prince 8(5,3)'s 7th-order extension (`DormandPrince853`).
    case dop853

    /// The number of coefficient vectors per step.
    public var blocks: Int {
        switch self {
        case .dopri5: return 5
        case .dop853: return 8
        }
    }

    /// θ of t on [start, end] (0 for an empty step).
    @inline(__always)
    static func theta(start: Double, end: Double, at t: Double) -> Double {
        let h = end - start
        return h == 0 ? 0 : (t - start) / h
    }

    /// u(t) of all n components into `out`: four components per SIMD operation (`_interpolate`), each with the
    /// bits of `interpolate(component:coefficients:dimension:theta:)` at the same θ.
    func interpolate(
        coefficients r: UnsafeBufferPointer<Double>, dimension n: Int,
        start: Double, end: Double, at t: Double, into out: UnsafeMutableBufferPointer<Double>
    ) {
        var theta = Self.theta(start: start, end: end, at: t)
        if theta == 0 {
            for i in 0..<n { out[i] = r[i] }
            return
        }
        guard n > 0, let destination = out.baseAddress else { return }
        withUnsafePointer(to: &theta) { theta in
            _interpolate(coefficients: r, dimension: n, thetas: UnsafeBufferPointer(start: theta, count: 1), into: destination)
        }
    }

    /// Component i of u(t) alone (O(1)); the same arithmetic, bit for bit, as component i of `interpolate`.
    @inline(__always)
    func interpolate(
        component i: Int, coefficients r: UnsafeBufferPointer<Double>, dimension n: Int, theta: Double
    ) -> Double {
        if theta == 0 { return r[i] }
        switch self {
        case .dopri5:
            let theta1 = 1 - theta
            return r[i] + theta * (r[n + i] + theta1 * (r[2 * n + i] + theta * (r[3 * n + i] + theta1 * r[4 * n + i])))
        case .dop853:
            return Self.dop853(component: i, coefficients: r, dimension: n, theta: theta)
        }
    }

    @inline(__always)
    private static func dop853(
        component i: Int, coefficients r: UnsafeBufferPointer<Double>, dimension n: Int, theta s: Double
    ) -> Double {
        let s1 = 1 - s
        let inner = r[4 * n + i] + s * (r[5 * n + i] + s1 * (r[6 * n + i] + s * r[7 * n + i]))
        return r[i] + s * (r[n + i] + s1 * (r[2 * n + i] + s * (r[3 * n + i] + s1 * inner)))
    }
}
