import Foundation
import SAMFlow
import Testing

@Suite struct AccuracyTests {
    @Test func exponentialDecayMeetsToleranceAndScales() throws {
        let exact = exp(-10.0)
        func solve(rtol: Double, atol: Double) throws -> (relativeError: Double, solution: ODESolution) {
            let controller = StepSizeController(rtol: rtol, atol: atol)
            let s = try Integrator.solve(field: TestProblems.decay, from: 0, state: [1], to: 10, controller: controller)
            #expect(s.result == .completed)
            #expect(s.finalTime == 10)
            return (abs(s.finalState[0] - exact) / exact, s)
        }
        let (fine, fineSolution) = try solve(rtol: 1e-10, atol: 1e-10)
        let (coarse, coarseSolution) = try solve(rtol: 1e-8, atol: 1e-8)
        let (pureRelative, pureSolution) = try solve(rtol: 1e-10, atol: 1e-16)
        print("decay y(10): relative error \(coarse) at rtol=atol=1e-8 (\(coarseSolution.statistics)); "
            + "\(fine) at rtol=atol=1e-10 (\(fineSolution.statistics)); "
            + "\(pureRelative) at rtol=1e-10, atol=1e-16 (\(pureSolution.statistics))")
        // With atol = 1e-10 the control is absolute once y < 1 (y(10) = 4.5e-5), so the error is small against
        // the solution's scale y(0) = 1, not against y(10); with a negligible atol it is small relative to y(10).
        #expect(abs(fineSolution.finalState[0] - exact) < 1e-10)
        #expect(pureRelative < 1e-8)
        // Tolerance proportionality: 100x tighter tolerance, 10x to 1000x smaller error, more steps.
        #expect(coarse / fine > 10 && coarse / fine < 1000)
        #expect(fineSolution.statistics.acceptedSteps > coarseSolution.statistics.acceptedSteps)
        // FSAL accounting: 1 (t0) + 1 (initial step) + 6 per attempt.
        let st = fineSolution.statistics
        #expect(st.functionEvaluations == 2 + 6 * (st.acceptedSteps + st.rejectedSteps))
    }

    @Test func harmonicOscillatorTenPeriods() throws {
        let t1 = 20 * Double.pi
        let s = try Integrator.solve(
            field: TestProblems.oscillator, from: 0, state: [1, 0], to: t1,
            saveAt: .every(0.5), controller: StepSizeController(rtol: 1e-10, atol: 1e-10))
        #expect(s.result == .completed)
        #expect(abs(s.finalState[0] - 1) < 1e-7)
        #expect(abs(s.finalState[1]) < 1e-7)
        var drift = 0.0
        for (t, y) in zip(s.times, s.states) {
            drift = max(drift, abs(0.5 * (y[0] * y[0] + y[1] * y[1]) - 0.5))
            #expect(abs(y[0] - cos(t)) < 1e-7 && abs(y[1] + sin(t)) < 1e-7)
        }
        print("oscillator: final error (\(s.finalState[0] - 1), \(s.finalState[1])), energy drift \(drift), \(s.statistics)")
        #expect(drift < 1e-8)
    }

    @Test func arenstorfOrbitCloses() throws {
        let s = try Integrator.solve(
            field: TestProblems.arenstorf, from: 0, state: TestProblems.arenstorfInitial,
            to: TestProblems.arenstorfPeriod, controller: StepSizeController(rtol: 1e-10, atol: 1e-10))
        #expect(s.result == .completed)
        let error = TestProblems.maxAbsDifference(s.finalState, TestProblems.arenstorfInitial)
        print("Arenstorf rtol=atol=1e-10: max |y(T) - y0| = \(error); \(s.statistics)")
        #expect(error < 1e-6)
        let st = s.statistics
        #expect(st.acceptedSteps > 200 && st.acceptedSteps < 1500)
        #expect(st.functionEvaluations == 2 + 6 * (st.acceptedSteps + st.rejectedSteps))
    }

    @Test func classicalIControllerReproducesScipyRK45() throws {
        // scipy 1.17.1 solve_ivp(method='RK45', rtol=1e-10, atol=1e-10) on the Arenstorf orbit: 794 accepted steps,
        // 1 rejected, 4772 evaluations, max |y(T) − y0| = 3.2714e-6. scipy uses the same tableau, error norm and
        // initial step but an I controller (h·0.9·err^(−1/5)); with α = 1/5, β = 0 the counts agree.
        var controller = StepSizeController(rtol: 1e-10, atol: 1e-10)
        controller.alpha = 1.0 / 5
        controller.beta = 0
        let s = try Integrator.solve(
            field: TestProblems.arenstorf, from: 0, state: TestProblems.arenstorfInitial,
            to: TestProblems.arenstorfPeriod, controller: controller)
        let error = TestProblems.maxAbsDifference(s.finalState, TestProblems.arenstorfInitial)
        print("Arenstorf, I controller: max |y(T) - y0| = \(error); \(s.statistics)")
        #expect(s.result == .completed)
        #expect(abs(s.statistics.acceptedSteps - 794) <= 5)
        #expect(abs(error - 3.2714e-6) < 0.05e-6)
    }
}
