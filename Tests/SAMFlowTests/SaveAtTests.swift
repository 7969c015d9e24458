import Foundation
import SAMFlow
import Testing

@Suite struct SaveAtTests {
    let tight = StepSizeController(rtol: 1e-10, atol: 1e-12)

    func checkDecay(_ s: ODESolution, tolerance: Double = 1e-9) {
        for (t, y) in zip(s.times, s.states) {
            #expect(abs(y[0] - exp(-t)) <= tolerance * exp(-t) + 1e-12, "t = \(t)")
        }
    }

    @Test func explicitTimes() throws {
        let s = try Integrator.solve(
            field: TestProblems.decay, from: 0, state: [1], to: 3, saveAt: .times([0.5, 1.7, 2.25]), controller: tight)
        #expect(s.times == [0, 0.5, 1.7, 2.25, 3])
        #expect(s.states.count == s.times.count)
        checkDecay(s)
        // t0 and t1 in the list are not duplicated.
        let withEnds = try Integrator.solve(
            field: TestProblems.decay, from: 0, state: [1], to: 3, saveAt: .times([0, 1, 3]), controller: tight)
        #expect(withEnds.times == [0, 1, 3])
        #expect(withEnds.states.last == withEnds.finalState)
    }

    @Test func everyAndEndpoints() throws {
        let s = try Integrator.solve(
            field: TestProblems.decay, from: 1, state: [exp(-1)], to: 4, saveAt: .every(0.25), controller: tight)
        #expect(s.times.count == 13)
        #expect(s.times.first == 1 && s.times.last == 4)
        for (k, t) in s.times.enumerated() { #expect(t == 1 + Double(k) * 0.25) }
        checkDecay(s)
        // dt not dividing the interval: the last regular time, then t1.
        let uneven = try Integrator.solve(field: TestProblems.decay, from: 0, state: [1], to: 1, saveAt: .every(0.3))
        #expect(uneven.times == [0, 0.3, 0.6, 0.8999999999999999, 1])
        let ends = try Integrator.solve(field: TestProblems.decay, from: 0, state: [1], to: 2)
        #expect(ends.times == [0, 2] && ends.states[0] == [1])
    }

    @Test func logSpaced() throws {
        let s = try Integrator.solve(
            field: TestProblems.decay, from: 0, state: [1], to: 10, saveAt: .log(count: 5, first: 1e-3), controller: tight)
        let expected = [0, 1e-3, 1e-2, 1e-1, 1, 10]
        #expect(s.times.count == expected.count)
        for (t, e) in zip(s.times, expected) { #expect(abs(t - e) <= 1e-14 * e) }
        #expect(s.times.last == 10)
        checkDecay(s)
    }

    @Test func everyStep() throws {
        let s = try Integrator.solve(
            field: TestProblems.oscillator, from: 0, state: [1, 0], to: 5, saveAt: .steps,
            controller: StepSizeController(rtol: 1e-8, atol: 1e-8))
        #expect(s.times.count == s.statistics.acceptedSteps + 1)
        #expect(zip(s.times, s.times.dropFirst()).allSatisfy { $0 < $1 })
        #expect(s.times.last == 5)
        for (t, y) in zip(s.times, s.states) { #expect(abs(y[0] - cos(t)) < 1e-7) }
    }

    @Test func gridDoesNotChangeTheSteps() throws {
        let controller = StepSizeController(rtol: 1e-8, atol: 1e-8)
        let a = try Integrator.solve(field: TestProblems.oscillator, from: 0, state: [1, 0], to: 7, controller: controller)
        let b = try Integrator.solve(
            field: TestProblems.oscillator, from: 0, state: [1, 0], to: 7, saveAt: .every(0.01), controller: controller)
        #expect(a.statistics == b.statistics)
        #expect(a.finalState == b.finalState)
        #expect(b.times.count == 701)
    }
}
