/// One discrete step w <- w - eta grad L(w + eps(w)) on a fixed dataset and model, with the state inside.
///
/// A kernel owns the weights and whatever it has precomputed for them. `step` returns false when the new state is
/// not finite (weights, beta or a margin overflowed, or the perturbation coefficient did): the state is then
/// unusable and the caller restores a saved one. The scan collects, from beta(k) and beta(k+1), which coordinate
/// grew fastest and which weights crossed zero during the step.
public protocol DynamicsKernel: AnyObject {
    /// The data dimension d.
    var dimension: Int { get }
    /// Layer-major weights; setting them recomputes everything derived from them.
    var weights: [Double] { get set }
    /// The observables of the current state (loss, margin, ||beta||, and beta when `includeBeta`).
    func observe(includeBeta: Bool) -> StateObservation
    /// Takes one step, recording growth and zero crossings in `scan`; false when the new state is not finite.
    func step(scan: inout GrowthScan) -> Bool
    /// Records in `scan` what `step` would (its leaders and zero crossings) and leaves the state as it was: the
    /// weights and everything derived from them. The same as a step undone by setting the weights back, which is
    /// what it does unless the kernel has a cheaper way (`SingleExampleKernel`'s holds no second copy of them).
    func lookAhead(scan: inout GrowthScan) -> Bool
}

extension DynamicsKernel {
    /// A step, undone by setting the weights back to their copy from before it.
    public func lookAhead(scan: inout GrowthScan) -> Bool {
        let kept = weights
        let finite = step(scan: &scan)
        weights = kept
        return finite
    }
}

/// A kernel that also gives the flow's field dw/dt = -(step direction) at any weights (`FlowField` runs on it).
public protocol FieldKernel: AnyObject {
    /// The data dimension d.
    var dimension: Int { get }
    /// Writes the field at `weights` into `out` (divided by the mean |l'| at the perturbed points when `rescaled`);
    /// false when it is not finite. The kernel's weights become `weights`.
    func velocity(at weights: UnsafeBufferPointer<Double>, rescaled: Bool, into out: UnsafeMutableBufferPointer<Double>) -> Bool
    /// d beta / dt for a velocity of the weights, at the kernel's current weights.
    func betaVelocity(_ velocity: UnsafeBufferPointer<Double>) -> [Double]
    /// The observables of the current state.
    func observe(includeBeta: Bool) -> StateObservation
}

/// What can be read off a state without stepping.
public struct StateObservation: Sendable, Equatable {
    /// log of the mean loss.
    public var logLoss: Double
    /// min_n y_n <beta, x_n> for a margin loss; NaN where margins do not apply (a regression loss, which has `mse`).
    public var margin: Double
    /// ||beta||_2.
    public var norm: Double
    /// beta, when asked for.
    public var beta: [Double]?
    /// The mean squared error (1/n) sum_n (<beta, x_n> - y_n)^2 of a regression loss (`SquaredLoss`); nil for a
    /// margin loss.
    public var mse: Double?

    /// An observation from its values.
    public init(logLoss: Double, margin: Double, norm: Double, beta: [Double]?, mse: Double? = nil) {
        self.logLoss = logLoss
        self.margin = margin
        self.norm = norm
        self.beta = beta
        self.mse = mse
    }
}
