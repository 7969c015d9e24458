/// A zero crossing of a scalar event function g(t, y) to detect and locate during a solve.
///
/// **Detection.** After each accepted step [t_a, t_b], g is evaluated at t_b and at `interiorSamples` equally
/// spaced interior points of the step's dense output (more when `maximumSampleSpacing` asks for it on a long
/// step: ⌈h / spacing⌉ − 1 points, at most 1000). Each pair of consecutive samples with a sign change in the
/// requested `direction` (`EventDirection`: from < 0 to ≥ 0 is rising, from > 0 to ≤ 0 falling) brackets a root.
/// g at t_b is evaluated first, on the exact end state: with `interiorSamples` = 0 (and no `maximumSampleSpacing`)
/// a step whose g keeps its sign needs no dense output, and DOP853 then skips its 3 dense-output stages there
/// (as scipy's `solve_ivp`, which checks events at step ends only).
///
/// **Limitation.** Two crossings between the same pair of consecutive samples cancel and are missed, as is a
/// touch of zero without a sign change (a tangency), and a sign change at t0 itself (g(t0) = 0 is not an event).
/// Raise `interiorSamples`, or set `maximumSampleSpacing` to the shortest time g can take to go and come back,
/// or cap `StepSizeController.maximumStep`, if such double crossings matter. NaN values of g never trigger.
///
/// **Location.** Each bracket is refined by Brent's method (inverse quadratic interpolation / secant with
/// bisection safeguard) on the dense interpolant u(t) — no extra evaluations of f — until the bracket width is
/// at most max(`relativeTimeTolerance` · |t|, `absoluteTimeTolerance`) (and never below 4 ulps of t). The
/// reported time is the later end of the final bracket (g there has its post-crossing sign: ≥ 0 after a rising
/// crossing, ≤ 0 after a falling one), so the root of g∘u lies within `EventOccurrence.timeUncertainty` before
/// it and the scan resumes from it without re-detecting the same crossing. The located point is only as accurate as the
/// dense output itself (4th order, error ≈ the local tolerance).
///
/// **Effect.** A non-terminal event is recorded in `ODESolution.eventsFound` and the solve continues; a terminal
/// event is recorded and the solve stops at the root, whose time and state become the final time and state.
/// Crossings within one step are processed in time order (ties by event index).
///
/// **Component events.** `Event.component(_:direction:terminal:)` makes g(t, y) = y_i. The locator then evaluates
/// only component i of the dense output (O(1) per sample instead of O(n)), and samples all component events of a
/// step in one pass, so n such events cost O(n) per step rather than O(n²). Times and results are those of the
/// equivalent closure `{ _, y in y[i] }`, bit for bit (the same interpolant formula, component by component).
public struct Event {
    /// The type of g(t, y).
    public typealias Condition = (Double, UnsafeBufferPointer<Double>) -> Double

    /// g(t, y). Called with buffers owned by the integrator; do not keep them. Should not allocate.
    public var condition: Condition
    /// Which sign changes count (rising, falling or either).
    public var direction: EventDirection
    /// Stop the solve at the first crossing.
    public var terminal: Bool
    /// Interior points of every accepted step where g is sampled (≥ 0).
    public var interiorSamples: Int
    /// If finite, at least ⌈h / maximumSampleSpacing⌉ − 1 interior samples per step (capped at 1000).
    public var maximumSampleSpacing: Double
    /// Relative part of the location tolerance on t (default 1e-14).
    public var relativeTimeTolerance: Double
    /// Absolute part of the location tolerance on t (default 1e-15).
    public var absoluteTimeTolerance: Double
    /// If set, g(t, y) = y[component] (and `condition` is that closure); the locator then interpolates only this
    /// component of the dense output.
    public private(set) var component: Int? = nil

    /// An event with condition g(t, y) and the given detection and location settings.
    public init(
        direction: EventDirection = .either, terminal: Bool = false, interiorSamples: Int = 3,
        maximumSampleSpacing: Double = .infinity, relativeTimeTolerance: Double = 1e-14,
        absoluteTimeTolerance: Double = 1e-15, _ condition: @escaping Condition
    ) {
        self.condition = condition
        self.direction = direction
        self.terminal = terminal
        self.interiorSamples = interiorSamples
        self.maximumSampleSpacing = maximumSampleSpacing
        self.relativeTimeTolerance = relativeTimeTolerance
        self.absoluteTimeTolerance = absoluteTimeTolerance
    }

    /// The event g(t, y) = y_i (a state component crossing 0), located on component i of the dense output alone.
    public static func component(
        _ i: Int, direction: EventDirection = .either, terminal: Bool = false, interiorSamples: Int = 3,
        maximumSampleSpacing: Double = .infinity, relativeTimeTolerance: Double = 1e-14,
        absoluteTimeTolerance: Double = 1e-15
    ) -> Event {
        var event = Event(
            direction: direction, terminal: terminal, interiorSamples: interiorSamples,
            maximumSampleSpacing: maximumSampleSpacing, relativeTimeTolerance: relativeTimeTolerance,
            absoluteTimeTolerance: absoluteTimeTolerance) { _, y in y[i] }
        event.component = i
        return event
    }

    /// The bracket width to reach around time t.
    func timeTolerance(at t: Double) -> Double {
        Swift.max(relativeTimeTolerance * Swift.abs(t), absoluteTimeTolerance, 4 * t.ulp)
    }

    /// Interior samples for a step of length h.
    func sampleCount(step h: Double) -> Int {
        guard maximumSampleSpacing.isFinite else { return interiorSamples }
        let needed = (h / maximumSampleSpacing).rounded(.up) - 1
        return Swift.max(interiorSamples, Int(Swift.min(Swift.max(needed, 0), 1000)))
    }

    func validate(index: Int, dimension: Int) throws {
        func fail(_ message: String) -> IntegratorError { IntegratorError("events[\(index)]: \(message)") }
        if let component, !(0..<dimension).contains(component) {
            throw fail("component \(component) is outside the state's 0..<\(dimension)")
        }
        guard interiorSamples >= 0, interiorSamples <= 1000 else {
            throw fail("interiorSamples must be in 0...1000, got \(interiorSamples)")
        }
        guard !maximumSampleSpacing.isNaN, maximumSampleSpacing > 0 else {
            throw fail("maximumSampleSpacing must be positive, got \(maximumSampleSpacing)")
        }
        guard relativeTimeTolerance.isFinite, relativeTimeTolerance >= 0,
              absoluteTimeTolerance.isFinite, absoluteTimeTolerance >= 0 else {
            throw fail("time tolerances must be finite and non-negative, got relative \(relativeTimeTolerance), "
                + "absolute \(absoluteTimeTolerance)")
        }
    }
}
