import SAMCore

extension FlowField {
    /// dw/dt at `state` (n values) into `out` (n values), with the weights in `held` pinned (their velocity 0): the
    /// velocity `observe` takes, unscaled (no log-time factor), without its observables or arrays. False when the field
    /// is not finite (where `observe` gives nil).
    func _velocity(at state: UnsafeBufferPointer<Double>, held: [Bool], into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard kernel.velocity(at: UnsafeBufferPointer(rebasing: state.prefix(dimension)), rescaled: rescaled, into: out) else {
            return false
        }
        for i in 0..<dimension where held[i] { out[i] = 0 }
        return true
    }

    /// Whether beta and d beta / dt of `observe` are the diagonal model's lane algebra on the weights and the
    /// velocity (`LaneAlgebra.beta`, and the chain rule sum_l (d beta / d theta_l) v_l), as for every kernel of a
    /// diagonal model but the general-parameter one (`ParameterKernel`, which diagonal models with the squared loss use).
    var _betaFollowsLaneAlgebra: Bool { !(kernel is ParameterKernel) }
}
