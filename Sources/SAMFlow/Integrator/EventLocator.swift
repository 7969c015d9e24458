/// Finds and locates the crossings of a list of `Event`s within one accepted step, using the step's dense
/// output (see `Event` for the detection rule, its limitation and the location tolerance).
///
/// Per step [t_a, t_b] and event: samples g at t_a (remembered from the previous step), at the interior points
/// t_a + k h/(m+1), k = 1…m, and at t_b (with the exact step-end state); scans the sample pairs in time order;
/// refines each matching sign change with `BrentRootFinder` on g(t, u(t)); and continues the scan from the
/// located root. Occurrences of all events are merged in time order (ties by index) and the scan stops at the
/// first terminal one. Work buffers are allocated once; a step without crossings allocates nothing.
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
    }

    /// Upper bound on occurrences located in one step (guards pathological oscillating g).
    static let maximumOccurrencesPerStep = 10_000

    let events: [Event]
    let dimension: Int
    private var previous: [Double]
    private var cursorTime: [Double]
    private var cursorValue: [Double]
    private var nextSample: [Int]
    private var sampleCount: [Int]
    private var endValue: [Double]
    private var candidates: [Candidate?]
    private let scratch: UnsafeMutableBufferPointer<Double>

    init(events: [Event], dimension: Int) {
        self.events = events
        self.dimension = dimension
        let m = events.count
        previous = Array(repeating: .nan, count: m)
        cursorTime = Array(repeating: 0, count: m)
        cursorValue = Array(repeating: 0, count: m)
        nextSample = Array(repeating: 0, count: m)
        sampleCount = Array(repeating: 0, count: m)
        endValue = Array(repeating: 0, count: m)
        candidates = Array(repeating: nil, count: m)
        scratch = .allocate(capacity: Swift.max(dimension, 1))
        scratch.initialize(repeating: 0)
    }

    deinit { scratch.deallocate() }

    var isEmpty: Bool { events.isEmpty }

    /// Records g(t0, y0) for every event.
    func start(time: Double, state: UnsafeBufferPointer<Double>) {
        for e in events.indices { previous[e] = events[e].condition(time, state) }
    }

    /// The occurrences in (step.start, step.end], in time order; if one is terminal it is the last, and the
    /// locator must not be used for later steps.
    func scan(_ step: Step) -> [EventOccurrence] {
        guard !events.isEmpty else { return [] }
        let h = step.end - step.start
        for e in events.indices {
            cursorTime[e] = step.start
            cursorValue[e] = previous[e]
            nextSample[e] = 1
            sampleCount[e] = events[e].sampleCount(step: h)
            endValue[e] = events[e].condition(step.end, step.endState)
            candidates[e] = nextCrossing(event: e, step: step)
        }
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
        DormandPrince54.interpolate(
            coefficients: step.coefficients, dimension: dimension,
            start: step.start, end: step.end, at: t, into: scratch)
        return events[e].condition(t, UnsafeBufferPointer(scratch))
    }

    private func stateArray(at t: Double, step: Step) -> [Double] {
        if t == step.end { return Array(step.endState) }
        DormandPrince54.interpolate(
            coefficients: step.coefficients, dimension: dimension,
            start: step.start, end: step.end, at: t, into: scratch)
        return Array(scratch)
    }

    /// Scans event e forward from its cursor to the next matching crossing, locating it.
    private func nextCrossing(event e: Int, step: Step) -> Candidate? {
        let event = events[e], m = sampleCount[e]
        while nextSample[e] <= m + 1 {
            let tb = sampleTime(nextSample[e], of: m, step: step)
            let gb = value(of: e, at: tb, step: step)
            let ta = cursorTime[e], ga = cursorValue[e]
            if tb > ta && event.direction.matches(before: ga, after: gb) {
                let bracket = BrentRootFinder.locate(
                    a: ta, ga: ga, b: tb, gb: gb, tolerance: { event.timeTolerance(at: $0) },
                    { self.value(of: e, at: $0, step: step) })
                cursorTime[e] = bracket.root
                cursorValue[e] = bracket.gRoot
                return Candidate(time: bracket.root, width: bracket.width, crossing: ga < 0 ? .rising : .falling)
            }
            cursorTime[e] = tb
            cursorValue[e] = gb
            nextSample[e] += 1
        }
        return nil
    }
}
