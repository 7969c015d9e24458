extension DenseOutput {
    /// `evaluate(at:into:)` with a guess of the step that holds t (the flow's leader samples go through a dense
    /// output in time order, most in the step of the sample before): when step k = `near` holds t, that is when
    /// stepStarts[k] <= t < stepStarts[k + 1] (or k is the last step), it is the step `stepIndex(containing:)`
    /// finds (the later one at a boundary, the starts being increasing) and no search is made; else the search finds
    /// it. The same step, the same interpolant, the same bits. `near` becomes the step used.
    func _evaluate(at t: Double, near: inout Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard t >= start, t <= end, !stepStarts.isEmpty else { return false }
        let k: Int
        if near >= 0, near < stepCount, stepStarts[near] <= t, near + 1 == stepCount || t < stepStarts[near + 1] {
            k = near
        } else {
            guard let found = stepIndex(containing: t) else { return false }
            k = found
        }
        near = k
        let n = scheme.blocks * dimension
        coefficients.withUnsafeBufferPointer { all in
            let r = UnsafeBufferPointer(rebasing: all[(k * n)..<((k + 1) * n)])
            guard scheme == .dop853 else {
                scheme.interpolate(coefficients: r, dimension: dimension, start: stepStarts[k], end: stepEnds[k], at: t, into: out)
                return
            }
            Self._dop853(coefficients: r, dimension: dimension, theta: DenseScheme.theta(start: stepStarts[k], end: stepEnds[k], at: t),
                         into: out)
        }
        return true
    }

    /// DOP853's u(θ) of all n components (`DenseScheme.interpolate`, the same bits): four components at a time
    /// (`_BufferLanes`), each lane with `DenseScheme`'s nested products in their order,
    ///
    ///     u = r1 + θ(r2 + θ₁(r3 + θ(r4 + θ₁(r5 + θ(r6 + θ₁(r7 + θ r8)))))),   θ₁ = 1 − θ,
    ///
    /// and the last n mod 4 components one by one (`DenseScheme.interpolate(component:)`); θ = 0 gives r1.
    static func _dop853(coefficients r: UnsafeBufferPointer<Double>, dimension n: Int, theta s: Double,
                        into out: UnsafeMutableBufferPointer<Double>) {
        var i = 0
        if s != 0, let base = r.baseAddress, let o = out.baseAddress {
            let s1 = 1 - s
            while i + 4 <= n {
                func row(_ j: Int) -> SIMD4<Double> { _BufferLanes.load(base + j * n + i, count: 4) }
                let inner = row(4) + s * (row(5) + s1 * (row(6) + s * row(7)))
                _BufferLanes.store(row(0) + s * (row(1) + s1 * (row(2) + s * (row(3) + s1 * inner))), to: o + i, count: 4)
                i += 4
            }
        }
        while i < n {
            out[i] = DenseScheme.dop853.interpolate(component: i, coefficients: r, dimension: n, theta: s)
            i += 1
        }
    }
}
