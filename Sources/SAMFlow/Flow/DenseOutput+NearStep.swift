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
        interpolate(step: k, at: t, into: out)
        return true
    }
}
