import Foundation
@testable import SAMFlow
import Testing

/// DOP853 builds its dense output (3 evaluations) only on a step that reads it: with events checked at step ends
/// (no interior samples) and no `denseOutput`, that is a step where an event changes sign. The results are those of
/// building it on every step (`denseOutput: true`), bit for bit; only the count of evaluations differs.
@Suite struct LazyDenseOutputTests {
    /// The Arenstorf orbit over one period with events on y1 and y2 (both directions, non-terminal) and a terminal
    /// one on the speed's first component, all checked at step ends only.
    static func orbit(solver: Solver, dense: Bool, interiorSamples: Int = 0, terminal: Bool = false) throws -> ODESolution {
        let events = [
            Event.component(0, interiorSamples: interiorSamples),
            Event(interiorSamples: interiorSamples) { _, y in y[1] },
            Event(direction: .rising, terminal: terminal, interiorSamples: interiorSamples) { t, y in t > 10 ? y[2] : -1 },
        ]
        return try Integrator.solve(
            field: TestProblems.arenstorf, from: 0, state: TestProblems.arenstorfInitial,
            to: TestProblems.arenstorfPeriod, events: events, controller: StepSizeController(rtol: 1e-11, atol: 1e-11),
            denseOutput: dense, solver: solver)
    }

    static func sameResults(_ a: ODESolution, _ b: ODESolution) {
        #expect(a.result == b.result)
        #expect(a.finalTime == b.finalTime && a.finalState == b.finalState)
        #expect(a.times == b.times && a.states == b.states)
        #expect(a.eventsFound.map(\.index) == b.eventsFound.map(\.index))
        #expect(a.eventsFound.map(\.time) == b.eventsFound.map(\.time))
        #expect(a.eventsFound.map(\.state) == b.eventsFound.map(\.state))
        #expect(a.statistics.acceptedSteps == b.statistics.acceptedSteps)
        #expect(a.statistics.rejectedSteps == b.statistics.rejectedSteps)
    }

    @Test(arguments: [false, true])
    func lazyDenseOutputGivesTheEagerEventTimes(terminal: Bool) throws {
        let lazy = try Self.orbit(solver: .dop853, dense: false, terminal: terminal)
        let eager = try Self.orbit(solver: .dop853, dense: true, terminal: terminal)
        #expect(lazy.eventsFound.count >= 4)
        if terminal { #expect(lazy.result == .event(index: 2, time: lazy.finalTime)) }
        Self.sameResults(lazy, eager)
        // 3 evaluations saved on every accepted step without a crossing; at most one step per occurrence has one.
        let saved = eager.statistics.functionEvaluations - lazy.statistics.functionEvaluations
        let accepted = eager.statistics.acceptedSteps
        #expect(saved % 3 == 0)
        #expect(saved >= 3 * (accepted - lazy.eventsFound.count) && saved < 3 * accepted)
        print("DOP853, Arenstorf orbit with \(lazy.eventsFound.count) events: \(accepted) steps, "
              + "\(eager.statistics.functionEvaluations) evaluations with dense output on every step, "
              + "\(lazy.statistics.functionEvaluations) with it only where an event changes sign")
    }

    @Test func oneTerminalEventCostsTheDenseOutputOnce() throws {
        // y' = y² until y = 1e6 (t = 1 − 1e-6), the event checked at step ends: scipy's count, 2 evaluations at the
        // start (f(t0), the initial-step probe), 11 per attempt, 1 more per accepted step (f(t_new, y_new)), and the
        // 3 dense-output stages on the event's step alone; 3 on every step with `denseOutput`.
        func solve(dense: Bool) throws -> ODESolution {
            try Integrator.solve(
                field: TestProblems.blowUp, from: 0, state: [1], to: 2,
                events: [Event(direction: .rising, terminal: true, interiorSamples: 0) { _, y in y[0] - 1e6 }],
                controller: StepSizeController(rtol: 1e-12, atol: 1e-12), denseOutput: dense, solver: .dop853)
        }
        let lazy = try solve(dense: false), eager = try solve(dense: true)
        Self.sameResults(lazy, eager)
        #expect(abs(lazy.finalTime - (1 - 1e-6)) < 1e-10)
        let s = lazy.statistics
        #expect(s.functionEvaluations == 2 + 11 * (s.acceptedSteps + s.rejectedSteps) + s.acceptedSteps + 3)
        #expect(eager.statistics.functionEvaluations == 2 + 11 * (s.acceptedSteps + s.rejectedSteps) + 4 * s.acceptedSteps)
        #expect(s.acceptedSteps > 10)
    }

    @Test func interiorSamplesNeedTheDenseOutputOnEveryStep() throws {
        let lazy = try Self.orbit(solver: .dop853, dense: false, interiorSamples: 3)
        let eager = try Self.orbit(solver: .dop853, dense: true, interiorSamples: 3)
        Self.sameResults(lazy, eager)
        #expect(lazy.statistics.functionEvaluations == eager.statistics.functionEvaluations)
    }

    @Test func dopri5IsUnchanged() throws {
        // DOPRI5's dense output is free: the same evaluations either way.
        let lazy = try Self.orbit(solver: .dopri5, dense: false)
        let eager = try Self.orbit(solver: .dopri5, dense: true)
        Self.sameResults(lazy, eager)
        #expect(lazy.statistics.functionEvaluations == eager.statistics.functionEvaluations)
    }
}
