/// Finds and locates the crossings of a list of `Event`s within one accepted step, using the step's dense
/// output (see `Event` for the detection rule, its limitation and the location tolerance).
///
/// Per step [t_a, t_b] and event: samples g at t_a (remembered from the previous step), at the interior points
/// t_a + k h/(m+1), k = 1…m, and at t_b (with the exact step-end state); scans the sample pairs in time order;
/// refines each matching sign change with `BrentRootFinder` on g(t, u(t)); and continues the scan from the
/// located root. Occurrences of all events are merged in time order (ties by index) and the scan stops at the
/// first terminal one. Work buffers are allocated once; a step without crossings allocates nothing. g at t_b is
/// evaluated first (`prepareEnd`), before the dense output: a step whose events neither sample inside it nor change
/// sign at its end needs no dense output and no scan (`advance`).
///
/// Component events (`Event.component`, g = y_i) are evaluated on component i of the interpolant alone, and those
/// sharing a sample count are sampled in one pass over the step's sample times (θ computed once per sample, then
/// one O(1) interpolation per event): n of them cost O(n · samples) per step, not O(n² · samples). The values are
/// the same bits as interpolating the whole state and reading component i, so the located times are unchanged.
final class EventLocator {
    private struct Candidate {
        var time: Double
        var width: Double
        var crossing: EventDirection
    }

    /// A step as seen by the locator: its interval, dense-output coefficients and exact end state.
    struct Step {
        var start: Double
        var end: Double
        var coefficients: UnsafeBufferPointer<Double>
        var endState: UnsafeBufferPointer<Double>
        /// The layout and formula of `coefficients`.
        var scheme: DenseScheme = .dopri5
    }

    /// Upper bound on occurrences located in one step (guards pathological oscillating g).
    static let maximumOccurrencesPerStep = 10_000

    let events: [Event]
    let dimension: Int
    // Per-event state in buffers allocated once: the scan's loops then pay no exclusivity checks or copy-on-write
    // tests (as class-owned arrays do on every element write).
    private let previous: UnsafeMutableBufferPointer<Double>
    private let cursorTime: UnsafeMutableBufferPointer<Double>
    private let cursorValue: UnsafeMutableBufferPointer<Double>
    private let nextSample: UnsafeMutableBufferPointer<Int>
    private let sampleCount: UnsafeMutableBufferPointer<Int>
    private let endValue: UnsafeMutableBufferPointer<Double>
    private let candidates: UnsafeMutableBufferPointer<Candidate?>
    private let scratch: UnsafeMutableBufferPointer<Double>
    /// The indices of the component events, in order, and their components (−1 for other events).
    private let componentEvents: UnsafeMutableBufferPointer<Int>
    private let componentOf: UnsafeMutableBufferPointer<Int>
    /// Whether each component event still scans in the one-pass sweep of the current step.
    private let sweeping: UnsafeMutableBufferPointer<Bool>

    init(events: [Event], dimension: Int) {
        self.events = events
        self.dimension = dimension
        let m = Swift.max(events.count, 1)
        func buffer<T>(_ value: T, _ count: Int = m) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
            b.initialize(repeating: value)
            return b
        }
        previous = buffer(.nan)
        cursorTime = buffer(0)
        cursorValue = buffer(0)
        nextSample = buffer(0)
        sampleCount = buffer(0)
        endValue = buffer(0)
        candidates = buffer(nil)
        scratch = buffer(0, Swift.max(dimension, 1))
        let components = events.indices.filter { events[$0].component != nil }
        componentEvents = buffer(0, Swift.max(components.count, 1))
        for (k, e) in components.enumerated() { componentEvents[k] = e }
        componentEventCount = components.count
        componentOf = buffer(-1)
        for (e, event) in events.enumerated() { componentOf[e] = event.component ?? -1 }
        sweeping = buffer(false)
    }

    /// How many of `componentEvents` are used.
    private let componentEventCount: Int

    deinit {
        previous.deallocate(); cursorTime.deallocate(); cursorValue.deallocate(); nextSample.deallocate()
        sampleCount.deallocate(); endValue.deallocate(); candidates.deallocate(); scratch.deallocate()
        componentEvents.deallocate(); componentOf.deallocate(); sweeping.deallocate()
    }

    var isEmpty: Bool { events.isEmpty }

    /// Records g(t0, y0) for every event.
    func start(time: Double, state: UnsafeBufferPointer<Double>) {
        for e in events.indices { previous[e] = events[e].condition(time, state) }
    }

    /// Evaluates every g at the end of the step [start, end] (g(end, endState), or endState_i for a component
    /// event), before the step's dense output exists, and keeps the values for `scan` or `advance`. Returns whether
    /// the step can hold a crossing that `scan` would find: some event samples inside the step (m > 0 interior
    /// samples), or some event's end value has a matching sign change from its value at the start
    /// (`EventDirection.matches(before: g(start), after: g(end))`). When it returns false, `scan` would find
    /// nothing (its only sample pair is (start, end)): the solver may skip the dense output (DOP853's 3 stages) and
    /// call `advance()`, as scipy's solve_ivp builds it only on a step whose events change sign.
    func prepareEnd(start: Double, end: Double, endState: UnsafeBufferPointer<Double>) -> Bool {
        let h = end - start
        var crossing = false
        for e in events.indices {
            let c = componentOf[e]
            let g = c >= 0 ? endState[c] : events[e].condition(end, endState)
            endValue[e] = g
            if !crossing && (events[e].sampleCount(step: h) > 0 || events[e].direction.matches(before: previous[e], after: g)) {
                crossing = true
            }
        }
        return crossing
    }

    /// Moves past a step in which `prepareEnd` found no possible crossing: g(start) of the next step ← g(end).
    func advance() {
        for e in events.indices { previous[e] = endValue[e] }
    }

    /// The occurrences in (step.start, step.end], in time order; if one is terminal it is the last, and the
    /// locator must not be used for later steps. `prepareEnd` must have been called for this step (it evaluates
    /// g at the step's end).
    func scan(_ step: Step) -> [EventOccurrence] {
        guard !events.isEmpty else { return [] }
        let h = step.end - step.start
        for e in events.indices {
            cursorTime[e] = step.start
            cursorValue[e] = previous[e]
            nextSample[e] = 1
            sampleCount[e] = events[e].sampleCount(step: h)
            let c = componentOf[e]
            candidates[e] = nil
            if c < 0 { candidates[e] = nextCrossing(event: e, step: step) }
        }
        sweepComponents(step)
        var found: [EventOccurrence] = []
        while found.count < Self.maximumOccurrencesPerStep {
            var best = -1
            for e in events.indices {
                guard let c = candidates[e] else { continue }
                if best < 0 || c.time < candidates[best]!.time { best = e }
            }
            guard best >= 0, let c = candidates[best] else { break }
            let event = events[best]
            found.append(EventOccurrence(
                index: best, time: c.time, state: stateArray(at: c.time, step: step),
                timeUncertainty: c.width, crossing: c.crossing, terminal: event.terminal))
            if event.terminal { return found }
            candidates[best] = nextCrossing(event: best, step: step)
        }
        for e in events.indices { previous[e] = endValue[e] }
        return found
    }

    // MARK: - Private

    private func sampleTime(_ k: Int, of m: Int, step: Step) -> Double {
        k == m + 1 ? step.end : step.start + (step.end - step.start) * (Double(k) / Double(m + 1))
    }

    private func value(of e: Int, at t: Double, step: Step) -> Double {
        if t == step.end { return endValue[e] }
        let c = componentOf[e]
        if c >= 0 {
            return step.scheme.interpolate(
                component: c, coefficients: step.coefficients, dimension: dimension,
                theta: DenseScheme.theta(start: step.start, end: step.end, at: t))
        }
        step.scheme.interpolate(
            coefficients: step.coefficients, dimension: dimension,
            start: step.start, end: step.end, at: t, into: scratch)
        return events[e].condition(t, UnsafeBufferPointer(scratch))
    }

    private func stateArray(at t: Double, step: Step) -> [Double] {
        if t == step.end { return Array(step.endState) }
        step.scheme.interpolate(
            coefficients: step.coefficients, dimension: dimension,
            start: step.start, end: step.end, at: t, into: scratch)
        return Array(scratch)
    }

    /// The first crossing of every component event in one pass over the sample times: for each sample k (in time
    /// order), θ_k once, then each still-scanning event's value there; a matching sign change is located (and that
    /// event leaves the pass) exactly as `nextCrossing` would. Events with another sample count than the first
    /// component event's scan alone with `nextCrossing` (their samples are other times).
    private func sweepComponents(_ step: Step) {
        guard componentEventCount > 0 else { return }
        let componentEvents = UnsafeMutableBufferPointer(rebasing: self.componentEvents[0..<componentEventCount])
        let m = sampleCount[componentEvents[0]]
        var active = 0
        for e in componentEvents {
            if sampleCount[e] == m {
                sweeping[e] = true
                active += 1
            } else {
                sweeping[e] = false
                candidates[e] = nextCrossing(event: e, step: step)
            }
        }
        let coefficients = step.coefficients, scheme = step.scheme, n = dimension
        var k = 1
        while k <= m + 1 && active > 0 {
            let tb = sampleTime(k, of: m, step: step)
            let theta = DenseScheme.theta(start: step.start, end: step.end, at: tb)
            for e in componentEvents where sweeping[e] {
                let gb = tb == step.end
                    ? endValue[e]
                    : scheme.interpolate(component: componentOf[e], coefficients: coefficients, dimension: n, theta: theta)
                let ta = cursorTime[e], ga = cursorValue[e]
                if tb > ta && events[e].direction.matches(before: ga, after: gb) {
                    nextSample[e] = k
                    candidates[e] = locate(event: e, from: ta, ga, to: tb, gb, step: step)
                    sweeping[e] = false
                    active -= 1
                } else {
                    cursorTime[e] = tb
                    cursorValue[e] = gb
                }
            }
            k += 1
        }
        for e in componentEvents where sweeping[e] { nextSample[e] = m + 2 }
    }

    /// Refines a bracket of event e with Brent's method on the dense output and moves its cursor to the root.
    private func locate(event e: Int, from ta: Double, _ ga: Double, to tb: Double, _ gb: Double, step: Step) -> Candidate {
        let event = events[e]
        let bracket = BrentRootFinder.locate(
            a: ta, ga: ga, b: tb, gb: gb, tolerance: { event.timeTolerance(at: $0) },
            { self.value(of: e, at: $0, step: step) })
        cursorTime[e] = bracket.root
        cursorValue[e] = bracket.gRoot
        return Candidate(time: bracket.root, width: bracket.width, crossing: ga < 0 ? .rising : .falling)
    }

    /// Scans event e forward from its cursor to the next matching crossing, locating it.
    private func nextCrossing(event e: Int, step: Step) -> Candidate? {
        let event = events[e], m = sampleCount[e]
        while nextSample[e] <= m + 1 {
            let tb = sampleTime(nextSample[e], of: m, step: step)
            let gb = value(of: e, at: tb, step: step)
            let ta = cursorTime[e], ga = cursorValue[e]
            if tb > ta && event.direction.matches(before: ga, after: gb) {
                return locate(event: e, from: ta, ga, to: tb, gb, step: step)
            }
            cursorTime[e] = tb
            cursorValue[e] = gb
            nextSample[e] += 1
        }
        return nil
    }
}
