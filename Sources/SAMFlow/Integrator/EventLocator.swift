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
///
/// The common case takes a faster pass with the same results (`_sampleStates`): when every component event has
/// the same fixed sample count m (1…`maximumCachedSamples`, no `maximumSampleSpacing`) and the step's sample times
/// increase strictly inside it, the whole state is interpolated once per sample time, four components per SIMD
/// operation (`DenseScheme._interpolate`, the scalar formula lane by lane). Component events whose indices and
/// components both run in fours are then tested a block at a time: one mask of sign changes (either direction,
/// which contains every direction's) over the block's consecutive samples, and only a block with a sign change
/// goes through the scalar scan, event by event, on the same values. Other events with sample count m read the
/// same interpolated states at the sample times instead of interpolating again. Events that find a crossing are
/// kept in a list sorted by index (`pending`), so merging the occurrences visits them alone.
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
    /// Each event's sample count when it does not depend on the step (no `maximumSampleSpacing`), else −1.
    private let fixedSampleCount: UnsafeMutableBufferPointer<Int>
    /// Each event's direction, read without going through `events` (an array of structs holding closures).
    private let directions: UnsafeMutableBufferPointer<EventDirection>
    /// The indices of the events that are not component events, in order.
    private let otherEvents: UnsafeMutableBufferPointer<Int>
    private let otherEventCount: Int
    /// Positions in `componentEvents` that start a block of four with consecutive indices and consecutive
    /// components, and the positions not in such a block.
    private let blockStarts: UnsafeMutableBufferPointer<Int>
    private let blockCount: Int
    private let singles: UnsafeMutableBufferPointer<Int>
    private let singleCount: Int
    /// m, the one fixed sample count of every component event when the fast pass can take them (1…
    /// `maximumCachedSamples`), else 0.
    private let cachedSampleCount: Int
    /// The step's sample times t_1 … t_m, t_{m+1} = end (index k), and θ_1 … θ_m (index k − 1).
    private let cachedTimes: UnsafeMutableBufferPointer<Double>
    private let cachedThetas: UnsafeMutableBufferPointer<Double>
    /// u(t_k) of the whole state, row k − 1 for sample k (m rows of n values), valid while `statesValid`.
    private let sampleStates: UnsafeMutableBufferPointer<Double>
    private var statesValid = false
    /// The events holding a candidate, sorted by index.
    private let pending: UnsafeMutableBufferPointer<Int>
    private var pendingCount = 0

    /// The largest sample count for which the fast pass keeps the interpolated states (m · n values).
    static let maximumCachedSamples = 16
    /// Whether some event samples inside every step (`interiorSamples` > 0): `prepareEnd` is then true at once.
    private let alwaysSamples: Bool

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
        fixedSampleCount = buffer(-1)
        directions = buffer(.either)
        for (e, event) in events.enumerated() {
            fixedSampleCount[e] = event.maximumSampleSpacing.isFinite ? -1 : event.interiorSamples
            directions[e] = event.direction
        }
        let others = events.indices.filter { events[$0].component == nil }
        otherEvents = buffer(0, Swift.max(others.count, 1))
        for (k, e) in others.enumerated() { otherEvents[k] = e }
        otherEventCount = others.count
        var starts: [Int] = [], alone: [Int] = []
        var j = 0
        while j < components.count {
            if j + 3 < components.count && (1...3).allSatisfy({ q in
                components[j + q] == components[j] + q
                    && events[components[j + q]].component == events[components[j]].component! + q
            }) {
                starts.append(j)
                j += 4
            } else {
                alone.append(j)
                j += 1
            }
        }
        blockStarts = buffer(0, Swift.max(starts.count, 1))
        for (k, p) in starts.enumerated() { blockStarts[k] = p }
        blockCount = starts.count
        singles = buffer(0, Swift.max(alone.count, 1))
        for (k, p) in alone.enumerated() { singles[k] = p }
        singleCount = alone.count
        let counts = Set(components.map { events[$0].maximumSampleSpacing.isFinite ? -1 : events[$0].interiorSamples })
        if counts.count == 1, let m = counts.first, m >= 1, m <= Self.maximumCachedSamples {
            cachedSampleCount = m
        } else {
            cachedSampleCount = 0
        }
        cachedTimes = buffer(0, cachedSampleCount + 2)
        cachedThetas = buffer(0, Swift.max(cachedSampleCount, 1))
        sampleStates = buffer(0, Swift.max(cachedSampleCount * dimension, 1))
        pending = buffer(0)
        alwaysSamples = events.contains { $0.interiorSamples > 0 }
    }

    /// How many of `componentEvents` are used.
    private let componentEventCount: Int

    deinit {
        previous.deallocate(); cursorTime.deallocate(); cursorValue.deallocate(); nextSample.deallocate()
        sampleCount.deallocate(); endValue.deallocate(); candidates.deallocate(); scratch.deallocate()
        componentEvents.deallocate(); componentOf.deallocate(); sweeping.deallocate()
        fixedSampleCount.deallocate(); directions.deallocate(); otherEvents.deallocate(); blockStarts.deallocate()
        singles.deallocate(); cachedTimes.deallocate(); cachedThetas.deallocate(); sampleStates.deallocate()
        pending.deallocate()
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
        for k in 0..<otherEventCount {
            let e = otherEvents[k]
            endValue[e] = events[e].condition(end, endState)
        }
        for k in 0..<componentEventCount {
            let e = componentEvents[k]
            endValue[e] = endState[componentOf[e]]
        }
        if alwaysSamples { return true }
        let h = end - start
        for e in events.indices {
            let m = fixedSampleCount[e] >= 0 ? fixedSampleCount[e] : events[e].sampleCount(step: h)
            if m > 0 || directions[e].matches(before: previous[e], after: endValue[e]) { return true }
        }
        return false
    }

    /// Moves past a step in which `prepareEnd` found no possible crossing: g(start) of the next step ← g(end).
    func advance() {
        _ = previous.update(fromContentsOf: endValue)
    }

    /// The occurrences in (step.start, step.end], in time order; if one is terminal it is the last, and the
    /// locator must not be used for later steps. `prepareEnd` must have been called for this step (it evaluates
    /// g at the step's end).
    func scan(_ step: Step) -> [EventOccurrence] {
        guard !events.isEmpty else { return [] }
        pendingCount = 0
        statesValid = _sampleStates(step)
        defer { statesValid = false }
        for k in 0..<otherEventCount {
            let e = otherEvents[k]
            begin(event: e, step: step)
            keep(event: e, nextCrossing(event: e, step: step))
        }
        if statesValid {
            sweepCachedComponents(step)
        } else {
            for k in 0..<componentEventCount { begin(event: componentEvents[k], step: step) }
            sweepComponents(step)
        }
        var found: [EventOccurrence] = []
        while found.count < Self.maximumOccurrencesPerStep {
            var best = -1, bestPosition = -1
            for p in 0..<pendingCount {
                let e = pending[p]
                if best < 0 || candidates[e]!.time < candidates[best]!.time { best = e; bestPosition = p }
            }
            guard best >= 0, let c = candidates[best] else { break }
            let event = events[best]
            found.append(EventOccurrence(
                index: best, time: c.time, state: stateArray(at: c.time, step: step),
                timeUncertainty: c.width, crossing: c.crossing, terminal: event.terminal))
            if event.terminal { return found }
            candidates[best] = nextCrossing(event: best, step: step)
            if candidates[best] == nil {
                for p in bestPosition..<(pendingCount - 1) { pending[p] = pending[p + 1] }
                pendingCount -= 1
            }
        }
        _ = previous.update(fromContentsOf: endValue)
        return found
    }

    // MARK: - Private

    /// Puts event e's cursor at the step's start (g(start) from the previous step) before its scan.
    private func begin(event e: Int, step: Step) {
        cursorTime[e] = step.start
        cursorValue[e] = previous[e]
        nextSample[e] = 1
        sampleCount[e] = fixedSampleCount[e] >= 0
            ? fixedSampleCount[e] : events[e].sampleCount(step: step.end - step.start)
    }

    /// Records event e's next candidate (nil: none in this step), keeping `pending` sorted by index.
    private func keep(event e: Int, _ candidate: Candidate?) {
        candidates[e] = candidate
        guard candidate != nil else { return }
        var p = pendingCount
        while p > 0 && pending[p - 1] > e {
            pending[p] = pending[p - 1]
            p -= 1
        }
        pending[p] = e
        pendingCount += 1
    }

    /// The fast pass's preparation (see the type's comment): when it applies to this step, the sample times, θ and
    /// the interpolated states at t_1 … t_m into `cachedTimes`, `cachedThetas` and `sampleStates`. Returns whether
    /// it applies: the component events share the fixed m and the sample times increase strictly inside
    /// (start, end), with every θ nonzero (so each sample is an interpolation, not g(end) or r1).
    private func _sampleStates(_ step: Step) -> Bool {
        let m = cachedSampleCount
        guard m > 0 else { return false }
        var previousTime = step.start
        for k in 1...m {
            let t = sampleTime(k, of: m, step: step)
            let theta = DenseScheme.theta(start: step.start, end: step.end, at: t)
            guard t > previousTime, t < step.end, theta != 0 else { return false }
            cachedTimes[k] = t
            cachedThetas[k - 1] = theta
            previousTime = t
        }
        cachedTimes[m + 1] = step.end
        step.scheme._interpolate(
            coefficients: step.coefficients, dimension: dimension,
            thetas: UnsafeBufferPointer(cachedThetas), into: sampleStates.baseAddress!)
        return true
    }

    /// The component events on the interpolated states: a block of four consecutive events on consecutive
    /// components goes to the scalar scan only if one of its four has a sign change (either direction) between
    /// consecutive samples g(start), g(t_1), …, g(t_m), g(end); events outside such blocks always do.
    private func sweepCachedComponents(_ step: Step) {
        typealias Lanes = SIMD4<Double>
        let m = cachedSampleCount, n = dimension
        let states = UnsafePointer(sampleStates.baseAddress!)
        let before = UnsafePointer(previous.baseAddress!), after = UnsafePointer(endValue.baseAddress!)
        let zero = Lanes(repeating: 0)
        for b in 0..<blockCount {
            let p = blockStarts[b]
            let e = componentEvents[p], c = componentOf[e]
            var a = UnsafeRawPointer(before + e).loadUnaligned(as: Lanes.self)
            var changed = SIMDMask<SIMD4<Int64>>(repeating: false)
            for k in 0...m {
                let g = k < m
                    ? UnsafeRawPointer(states + k * n + c).loadUnaligned(as: Lanes.self)
                    : UnsafeRawPointer(after + e).loadUnaligned(as: Lanes.self)
                changed .|= ((a .< zero) .& (g .>= zero)) .| ((a .> zero) .& (g .<= zero))
                a = g
            }
            if any(changed) {
                for q in 0..<4 { sweepCached(event: e + q, step: step) }
            }
        }
        for s in 0..<singleCount { sweepCached(event: componentEvents[singles[s]], step: step) }
    }

    /// Component event e's scan over the interpolated states, exactly as `sweepComponents` scans it: the first
    /// matching sign change between consecutive samples is located (`locate`) and becomes its candidate.
    private func sweepCached(event e: Int, step: Step) {
        let m = cachedSampleCount, c = componentOf[e], direction = directions[e]
        var ta = step.start, ga = previous[e]
        for k in 1...(m + 1) {
            let tb = cachedTimes[k]
            let gb = k <= m ? sampleStates[(k - 1) * dimension + c] : endValue[e]
            if tb > ta && direction.matches(before: ga, after: gb) {
                nextSample[e] = k
                sampleCount[e] = m
                keep(event: e, locate(event: e, from: ta, ga, to: tb, gb, step: step))
                return
            }
            ta = tb
            ga = gb
        }
    }

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

    /// g of event e at interior sample k (time t_k) from the interpolated states: the bits `value(of:at:step:)`
    /// gives there, which interpolates the same state at the same θ.
    private func cachedValue(of e: Int, sample k: Int, at t: Double) -> Double {
        let row = (k - 1) * dimension
        let c = componentOf[e]
        if c >= 0 { return sampleStates[row + c] }
        return events[e].condition(t, UnsafeBufferPointer(rebasing: sampleStates[row..<(row + dimension)]))
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
                keep(event: e, nextCrossing(event: e, step: step))
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
                if tb > ta && directions[e].matches(before: ga, after: gb) {
                    nextSample[e] = k
                    keep(event: e, locate(event: e, from: ta, ga, to: tb, gb, step: step))
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
        let m = sampleCount[e], direction = directions[e]
        let cached = statesValid && m == cachedSampleCount
        while nextSample[e] <= m + 1 {
            let k = nextSample[e]
            let tb = cached ? cachedTimes[k] : sampleTime(k, of: m, step: step)
            let gb = cached && k <= m ? cachedValue(of: e, sample: k, at: tb) : value(of: e, at: tb, step: step)
            let ta = cursorTime[e], ga = cursorValue[e]
            if tb > ta && direction.matches(before: ga, after: gb) {
                return locate(event: e, from: ta, ga, to: tb, gb, step: step)
            }
            cursorTime[e] = tb
            cursorValue[e] = gb
            nextSample[e] += 1
        }
        return nil
    }
}
