import Foundation
import SAMFlow
import Testing

@Suite struct FailureTests {
    @Test func blowUpEndsNearSingularityWithFiniteState() throws {
        let s = try Integrator.solve(
            field: TestProblems.blowUp, from: 0, state: [1], to: 2, saveAt: .every(0.25),
            controller: StepSizeController(rtol: 1e-8, atol: 1e-8))
        print("y' = y²: \(s.result); final t = \(s.finalTime), y = \(s.finalState[0]); \(s.statistics)")
        switch s.result {
        case .stalled, .nonFinite: break
        default: Issue.record("expected .stalled or .nonFinite, got \(s.result)")
        }
        // The numerical solution blows up within the global error of t = 1, possibly just after it.
        #expect(abs(s.finalTime - 1) < 1e-6)
        #expect(s.finalState[0] > 1e6)
        #expect(TestProblems.allFinite(s))
        #expect(s.times.last == s.finalTime && s.times.first == 0)
        #expect(Array(s.times.prefix(4)) == [0, 0.25, 0.5, 0.75])
        #expect(abs(s.states[3][0] - 4) < 1e-6)
    }

    @Test func terminalEventBeforeBlowUp() throws {
        let big = Event(direction: .rising, terminal: true) { _, y in abs(y[0]) - 1e6 }
        let s = try Integrator.solve(
            field: TestProblems.blowUp, from: 0, state: [1], to: 2, events: [big],
            controller: StepSizeController(rtol: 1e-10, atol: 1e-10))
        let hit = try #require(s.eventsFound.first)
        print("y' = y²: |y| = 1e6 at t = \(hit.time) (exact 1 - 1e-6, error \(hit.time - (1 - 1e-6)))")
        #expect(s.result == .event(index: 0, time: hit.time))
        // Located to ~1e-14 on the interpolant; the numerical solution itself is off by a relative ~1e-5 at
        // y = 1e6 (perturbations grow like y² here), which shifts the crossing by ~1e-11.
        #expect(abs(hit.time - (1 - 1e-6)) < 1e-10)
        #expect(hit.timeUncertainty <= 1e-14)
        #expect(abs(hit.state[0] / 1e6 - 1) < 1e-9)
    }

    @Test func nonFiniteFieldStopsAtLastFiniteState() throws {
        // f is NaN past t = 0.5: the solver shrinks the step until it underflows, then reports .nonFinite.
        let broken = ClosureField(dimension: 2) { t, y, dy in
            dy[0] = t > 0.5 ? .nan : 1
            dy[1] = t > 0.5 ? .infinity : -y[1]
        }
        let s = try Integrator.solve(
            field: broken, from: 0, state: [0, 1], to: 1, saveAt: .every(0.1), denseOutput: true)
        guard case .nonFinite(let time) = s.result else {
            Issue.record("expected .nonFinite, got \(s.result)")
            return
        }
        print("NaN field: \(s.result), \(s.statistics)")
        #expect(time == s.finalTime && time <= 0.5 && time > 0.5 - 1e-12)
        #expect(abs(s.finalState[0] - time) < 1e-9 && abs(s.finalState[1] - exp(-time)) < 1e-6)
        #expect(TestProblems.allFinite(s))
        #expect(s.times.count == 6 && s.times.last == s.finalTime)   // 0, 0.1, …, 0.4, final (≤ 0.5)
        #expect(s.evaluate(at: 0.25) != nil && s.evaluate(at: 0.75) == nil)
    }

    @Test func nonFiniteAtStart() throws {
        let nan = ClosureField(dimension: 1) { _, _, dy in dy[0] = .nan }
        let s = try Integrator.solve(field: nan, from: 0, state: [1], to: 1, saveAt: .every(0.1))
        #expect(s.result == .nonFinite(time: 0))
        #expect(s.times == [0] && s.states == [[1]] && s.finalTime == 0 && s.finalState == [1])
        #expect(s.lastStep == nil)
        #expect(s.statistics.functionEvaluations == 1)
    }

    @Test func tooManyStepsStalls() throws {
        let s = try Integrator.solve(
            field: TestProblems.arenstorf, from: 0, state: TestProblems.arenstorfInitial, to: TestProblems.arenstorfPeriod,
            controller: StepSizeController(rtol: 1e-10, atol: 1e-10, maxSteps: 50))
        guard case .stalled(let reason) = s.result else {
            Issue.record("expected .stalled, got \(s.result)")
            return
        }
        #expect(reason.contains("maxSteps (50)"))
        #expect(!reason.contains("\n"))
        #expect(s.statistics.acceptedSteps + s.statistics.rejectedSteps == 50)
        #expect(s.finalTime > 0 && s.finalTime < TestProblems.arenstorfPeriod)
        #expect(TestProblems.allFinite(s))
    }

    @Test func controllerDecisions() {
        let c = StepSizeController()
        var history = StepSizeController.History()
        // Accepted, err = 1e-10 → 0.9 · 1e-10^(−0.14) ≈ 22.6, capped by facmax.
        var d = c.decide(step: 1, error: 1e-10, history: &history)
        #expect(d.accepted && d.nextStep == 10)
        // Rejected: shrink with safety · err^(−0.14), floored at facmin.
        d = c.decide(step: 1, error: 4, history: &history)
        #expect(!d.accepted && abs(d.nextStep - 0.9 * pow(4, -0.14)) < 1e-15)
        d = c.decide(step: 1, error: 1e6, history: &history)
        #expect(!d.accepted && d.nextStep == 0.2)
        // After a rejection an accepted step does not grow h.
        d = c.decide(step: 1, error: 1e-3, history: &history)
        #expect(d.accepted && d.nextStep == 1)
        // PI formula with err_old = 1e-3.
        d = c.decide(step: 1, error: 0.5, history: &history)
        #expect(d.accepted && abs(d.nextStep - 0.9 * pow(0.5, -0.14) * pow(1e-3, 0.08)) < 1e-15)
        // Non-finite errors are rejections with facmin.
        d = c.decide(step: 1, error: .nan, history: &history)
        #expect(!d.accepted && d.nextStep == 0.2)
    }
}
