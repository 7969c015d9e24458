/// The outcome of `Integrator.solve`: saved samples, the final point, how the solve ended, located events,
/// work counters, and the dense output of the last step (and optionally of all steps).
///
/// Guarantees: `times` is strictly increasing, starts at t0 and ends at `finalTime`; every value in `times`,
/// `states`, `finalState` and `eventsFound` is finite, whatever `result` says.
public struct ODESolution: Sendable {
    /// Sample times per the `SaveAt` choice: t0, the requested times up to `finalTime`, then `finalTime`.
    public let times: [Double]
    /// The state at each of `times`.
    public let states: [[Double]]
    /// t1, the terminal event's time, or the last accepted time of a stalled / non-finite solve.
    public let finalTime: Double
    /// The state at `finalTime` (always finite).
    public let finalState: [Double]
    /// How the solve ended.
    public let result: ODEResult
    /// Every located event crossing in time order (a terminal one is last).
    public let eventsFound: [EventOccurrence]
    /// Work counters.
    public let statistics: SolverStatistics
    /// The interpolant of the last accepted step (nil if no step was accepted, or with DOP853 when nothing read
    /// that step's dense output: no `denseOutput`, no saved time or terminal root inside it, no event sampled
    /// inside it). It covers the whole step, which may extend past `finalTime` when a terminal event stopped the
    /// solve inside it.
    public let lastStep: DenseSegment?
    /// The interpolant over [t0, finalTime], if the solve was asked for `denseOutput`.
    public let denseOutput: DenseOutput?

    /// y(t) from the dense output for t in [t0, finalTime]; nil if dense output was not kept or t is outside.
    /// At `finalTime` this returns `finalState` exactly.
    public func evaluate(at t: Double) -> [Double]? {
        guard let denseOutput else { return nil }
        return t == finalTime ? finalState : denseOutput.evaluate(at: t)
    }

    /// y(t) from the last accepted step's interpolant for t within that step; nil otherwise.
    public func evaluateLastStep(at t: Double) -> [Double]? {
        lastStep?.evaluate(at: t)
    }
}
