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
}

/// What can be read off a state without stepping.
public struct StateObservation: Sendable, Equatable {
    /// log of the mean loss.
    public var logLoss: Double
    /// min_n y_n <beta, x_n>.
    public var margin: Double
    /// ||beta||_2.
    public var norm: Double
    /// beta, when asked for.
    public var beta: [Double]?

    /// An observation from its values.
    public init(logLoss: Double, margin: Double, norm: Double, beta: [Double]?) {
        self.logLoss = logLoss
        self.margin = margin
        self.norm = norm
        self.beta = beta
    }
}
