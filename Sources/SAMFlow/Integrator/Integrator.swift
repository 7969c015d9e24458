/// Adaptive solution of the initial-value problem
///
///     dy/dt = f(t, y),   y(t0) = y0,   t ∈ [t0, t1],  t1 > t0,
///
/// assembled from separate parts (as in diffrax): the *term* (`VectorField`), the *solver* (`Solver`:
/// `DormandPrince54` or `DormandPrince853`),
/// the *step-size controller* (`StepSizeController`), the *output* choice (`SaveAt`) and *events* (`Event`).
///
/// Algorithm: k1 = f(t0, y0); an initial step from `StepSizeController` (or the user's); then repeat: attempt a
/// DP5(4) step to t_new = min(t + h, t1) (t1 is taken when t + 1.01 h ≥ t1, avoiding a sliver of a last step),
/// measure the scaled RMS error, accept or reject (PI control), and on acceptance evaluate the events at the step's
/// end, build the step's dense output when something reads it (always with DOPRI5, where it is free; with DOP853,
/// whose dense output costs 3 evaluations, only for `denseOutput`, a saved time inside the step, an event with
/// interior samples or an event whose sign changes at the step's end), locate events on it, emit the `SaveAt`
/// samples that fall in the step (from the interpolant), and advance.
///
/// Failures are data, never traps: a non-finite attempt is rejected and retried with h·facmin; if the step
/// underflows while attempts keep producing inf/NaN the result is `.nonFinite(time:)`, otherwise underflow or
/// running out of `maxSteps` gives `.stalled(reason:)`, and the caller's `shouldStop` gives `.interrupted(time:)`;
/// in every case the solution ends at the last accepted, finite state. Only invalid *input* throws (`IntegratorError`).
public enum Integrator {
    /// Solves dy/dt = f(t, y) from (t0, y0) to t1.
    ///
    /// - Parameters:
    ///   - field: f; `field.dimension` must equal `y0.count`.
    ///   - t0: the finite initial time.
    ///   - y0: the finite initial state.
    ///   - t1: the finite end time, > t0 (only forward integration is supported).
    ///   - saveAt: where to sample the solution (always with t0 and the final time).
    ///   - events: crossings to locate; a terminal one ends the solve at its root.
    ///   - controller: tolerances and step-size control.
    ///   - denseOutput: keep every step's interpolant, so `ODESolution.evaluate(at:)` works on [t0, finalTime]
    ///     (6n doubles per step with DOPRI5, 9n with DOP853: the
    ///     interpolant's 5n or 8n and the field at the step's start).
    ///   - solver: the Runge–Kutta pair (DOPRI5 unless given; `Solver.automatic(rtol:)` is the flows' rule). The
    ///     controller's PI exponents are scaled by 5/k for a pair whose error is O(h^k).
    ///   - shouldStop: asked every 64 attempts; true ends the solve with `.interrupted(time:)` at the last
    ///     accepted state (a caller's time limit).
    /// - Throws: `IntegratorError` with a one-line message for invalid input.
    public static func solve<F: VectorField>(
        field: F, from t0: Double, state y0: [Double], to t1: Double,
        saveAt: SaveAt = .endpoints, events: [Event] = [],
        controller: StepSizeController = StepSizeController(), denseOutput: Bool = false,
        solver: Solver = .dopri5, shouldStop: () -> Bool = { false }
    ) throws -> ODESolution {
        switch solver {
        case .dopri5:
            return try _solve(
                DormandPrince54.self, field: field, from: t0, state: y0, to: t1, saveAt: saveAt, events: events,
                controller: controller, denseOutput: denseOutput, shouldStop: shouldStop)
        case .dop853:
            return try _solve(
                DormandPrince853.self, field: field, from: t0, state: y0, to: t1, saveAt: saveAt, events: events,
                controller: controller.forErrorOrder(DormandPrince853.errorOrder), denseOutput: denseOutput,
                shouldStop: shouldStop)
        }
    }

    static func _solve<S: _Stepper, F: VectorField>(
        _ stepperType: S.Type, field: F, from t0: Double, state y0: [Double], to t1: Double,
        saveAt: SaveAt, events: [Event], controller: StepSizeController, denseOutput: Bool,
        shouldStop: () -> Bool
    ) throws -> ODESolution {
        // MARK: Validation
        let n = field.dimension
        guard n > 0 else { throw IntegratorError("solve: the field's dimension must be positive, got \(n)") }
        guard y0.count == n else {
            throw IntegratorError("solve: the initial state has \(y0.count) components but the field's dimension is \(n)")
        }
        guard t0.isFinite, t1.isFinite else { throw IntegratorError("solve: t0 and t1 must be finite, got \(t0) and \(t1)") }
        guard t1 > t0 else {
            throw IntegratorError("solve: t1 (\(t1)) must be greater than t0 (\(t0)); backward integration is not supported")
        }
        if let k = y0.firstIndex(where: { !$0.isFinite }) {
            throw IntegratorError("solve: component \(k) of the initial state is not finite (\(y0[k]))")
        }
        try controller.validate()
        let grid = try saveAt.grid(from: t0, to: t1)
        for (k, event) in events.enumerated() { try event.validate(index: k, dimension: n) }

        // MARK: Setup
        let stepper = try S(dimension: n)
        let locator = EventLocator(events: events, dimension: n)
        let work = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * n)
        work.initialize(repeating: 0)
        defer { work.deallocate() }

        var statistics = SolverStatistics()
        var times: [Double] = [t0]
        var states: [[Double]] = [y0]
        var eventsFound: [EventOccurrence] = []
        var denseStarts: [Double] = [], denseEnds: [Double] = [], denseCoefficients: [Double] = []
        var denseDerivatives: [Double] = []
        if denseOutput {
            // Room for the first steps at once, rather than regrowing from empty (the arrays double after that).
            let steps = Swift.min(controller.maxSteps, Self.reservedDenseSteps)
            denseStarts.reserveCapacity(steps)
            denseEnds.reserveCapacity(steps)
            denseCoefficients.reserveCapacity(steps * S.scheme.blocks * n)
            denseDerivatives.reserveCapacity(steps * n)
        }

        func finish(_ result: ODEResult, at finalTime: Double, state finalState: [Double]) -> ODESolution {
            if times.last != finalTime {
                times.append(finalTime)
                states.append(finalState)
            }
            let lastStep = stepper.denseInterval.map {
                DenseSegment(
                    start: $0.start, end: $0.end, dimension: n, coefficients: Array(stepper.denseCoefficients),
                    scheme: S.scheme)
            }
            let dense = denseOutput
                ? DenseOutput(
                    dimension: n, stepStarts: denseStarts, stepEnds: denseEnds, coefficients: denseCoefficients,
                    start: t0, end: finalTime, scheme: S.scheme, stepDerivatives: denseDerivatives)
                : nil
            return ODESolution(
                times: times, states: states, finalTime: finalTime, finalState: finalState, result: result,
                eventsFound: eventsFound, statistics: statistics, lastStep: lastStep, denseOutput: dense)
        }

        let initialFinite = try stepper.reset(field: field, time: t0, state: y0)
        statistics.functionEvaluations += 1
        guard initialFinite else { return finish(.nonFinite(time: t0), at: t0, state: y0) }
        locator.start(time: t0, state: stepper.state)

        let span = t1 - t0
        let hmax = Swift.min(controller.maximumStep, span)
        var h: Double
        if let first = controller.initialStep {
            h = Swift.min(first, hmax)
        } else {
            h = controller.automaticInitialStep(
                field: field, time: t0, state: stepper.state, derivative: stepper.derivative, maximum: hmax,
                scratch: work, order: S.order)
            statistics.functionEvaluations += 1
            if !(h.isFinite && h > 0) { h = Swift.min(1e-6, hmax) }
        }

        // MARK: Main loop
        var t = t0
        var history = StepSizeController.History()
        var lastRejectionNonFinite = false
        var attempts = 0
        var gridIndex = 0
        let saveSteps = saveAt == .steps
        let sample = UnsafeMutableBufferPointer(rebasing: work[0..<n])

        while t < t1 {
            // Asked every 64 attempts (a clock read per step would cost more than a small field).
            if attempts & 63 == 0 && shouldStop() {
                return finish(.interrupted(time: t), at: t, state: Array(stepper.state))
            }
            if attempts >= controller.maxSteps {
                return finish(
                    .stalled(reason: "maxSteps (\(controller.maxSteps)) attempts used; reached t = \(t) of \(t1) with h = \(h)"),
                    at: t, state: Array(stepper.state))
            }
            // The floor is relative to t (the resolution of t itself), with a tiny share of the span so that t = 0 works;
            // a floor relative to the whole span would stop long solves near events early in the interval.
            let hmin = controller.minimumStep * Swift.max(Swift.abs(t), 1e-12 * span)
            var tNew = t + h
            if tNew >= t1 || t + 1.01 * h >= t1 { tNew = t1 }
            if h < hmin || !(tNew > t) {
                let state = Array(stepper.state)
                if lastRejectionNonFinite { return finish(.nonFinite(time: t), at: t, state: state) }
                return finish(
                    .stalled(reason: "step size underflow: h = \(h) < \(hmin) at t = \(t)"), at: t, state: state)
            }
            let hStep = tNew - t

            let finite = stepper.attempt(field: field, to: tNew)
            attempts += 1
            statistics.functionEvaluations += S.evaluationsPerStep
            var err = finite ? stepper.errorNorm(controller) : Double.nan
            var crossing = false
            if err <= 1 {
                // DOP853's dense output costs 3 evaluations: only when something reads it inside the step (the
                // whole solve's dense output, a saved time inside the step, an event sampled inside the step or
                // changing sign at its end; g at the end comes from the exact end state, before the dense output).
                crossing = !locator.isEmpty
                    && locator.prepareEnd(start: t, end: tNew, endState: stepper.trialState)
                let dense = denseOutput || crossing || (gridIndex < grid.count && grid[gridIndex] < tNew)
                let completion = stepper.complete(field: field, dense: dense)
                statistics.functionEvaluations += completion.evaluations
                if !completion.finite { err = .nan }
            }
            let decision = controller.decide(step: hStep, error: err, history: &history)
            guard decision.accepted else {
                statistics.rejectedSteps += 1
                lastRejectionNonFinite = err.isNaN
                h = decision.nextStep
                continue
            }
            statistics.acceptedSteps += 1
            lastRejectionNonFinite = false

            // Events in (t, tNew].
            var terminal: EventOccurrence? = nil
            if !crossing {
                locator.advance()
            } else {
                let found = locator.scan(EventLocator.Step(
                    start: t, end: tNew, coefficients: stepper.denseCoefficients, endState: stepper.trialState,
                    scheme: S.scheme))
                if !found.isEmpty {
                    eventsFound.append(contentsOf: found)
                    if let last = found.last, last.terminal { terminal = last }
                }
            }
            let stopTime = terminal?.time ?? tNew

            // Samples in (t, stopTime].
            while gridIndex < grid.count, grid[gridIndex] <= stopTime {
                let ts = grid[gridIndex]
                gridIndex += 1
                if ts == tNew {
                    times.append(ts); states.append(Array(stepper.trialState))
                } else if let terminal, ts == terminal.time {
                    times.append(ts); states.append(terminal.state)
                } else {
                    stepper.interpolate(at: ts, into: sample)
                    // The coefficients are finite; only overflow near Double.greatestFiniteMagnitude could fail.
                    guard sample.allSatisfy({ $0.isFinite }) else { continue }
                    times.append(ts); states.append(Array(sample))
                }
            }
            if saveSteps, terminal == nil {
                times.append(tNew); states.append(Array(stepper.trialState))
            }
            if denseOutput {
                denseStarts.append(t)
                denseEnds.append(tNew)
                denseCoefficients.append(contentsOf: stepper.denseCoefficients)
                // k1 = f(t, y) of this step, before `acceptStep` replaces it with the FSAL stage at tNew.
                denseDerivatives.append(contentsOf: stepper.derivative)
            }

            stepper.acceptStep()
            t = tNew
            if let terminal {
                return finish(.event(index: terminal.index, time: terminal.time), at: terminal.time, state: terminal.state)
            }
            h = Swift.min(decision.nextStep, hmax)
        }
        return finish(.completed, at: t1, state: Array(stepper.state))
    }

    /// Steps the dense output's arrays are reserved for when a solve keeps it.
    static let reservedDenseSteps = 64
}
