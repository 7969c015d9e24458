import Foundation
@testable import SAMFlow
import Testing

/// DOP853 on problems with known solutions: the order of the pair and of its dense output measured with fixed
/// steps, the adaptive solve against DOPRI5, and the solver choice.
@Suite struct DormandPrince853Tests {
    /// Fixed steps of size h = T/N on y' = y², y(0) = 1 (y = 1/(1 − t)): the final value and, on the first step,
    /// the dense output at θ = 1/2 against the exact solution.
    static func fixedSteps(_ count: Int, to end: Double) throws -> (final: Double, midpoint: Double) {
        let field = TestProblems.blowUp
        let stepper = try DormandPrince853(dimension: 1)
        _ = try stepper.reset(field: field, time: 0, state: [1])
        let h = end / Double(count)
        var midpoint = Double.nan
        var out = [0.0]
        for k in 0..<count {
            let t = Double(k) * h
            #expect(stepper.attempt(field: field, to: t + h))
            let completion = stepper.prepareDenseOutput(field: field)
            #expect(completion.finite && completion.evaluations == 4)
            if k == 0 {
                out.withUnsafeMutableBufferPointer { stepper.interpolate(at: h / 2, into: $0) }
                midpoint = abs(out[0] - 1 / (1 - h / 2))
            }
            stepper.acceptStep()
        }
        return (abs(stepper.state[0] - 1 / (1 - end)), midpoint)
    }

    @Test func eighthOrderConvergence() throws {
        // Global error at t = 0.5 with 4, 8, 16 steps: each halving of h divides it by about 2^8.
        let errors = try [4, 8, 16].map { try Self.fixedSteps($0, to: 0.5).final }
        let orders = zip(errors, errors.dropFirst()).map { log2($0 / $1) }
        print("DOP853 global errors \(errors), observed orders \(orders)")
        for p in orders { #expect(p > 7.6 && p < 8.5) }
    }

    @Test func seventhOrderDenseOutput() throws {
        // One step of h = 0.2, 0.1, 0.05 from y = 1: the interpolant's error at the midpoint is O(h^8) (a 7th-order
        // continuous extension), and u(1) is y_new exactly.
        let errors = try [0.2, 0.1, 0.05].map { try Self.fixedSteps(1, to: $0).midpoint }
        let orders = zip(errors, errors.dropFirst()).map { log2($0 / $1) }
        print("DOP853 dense-output midpoint errors \(errors), observed orders \(orders)")
        for p in orders { #expect(p > 7.6 && p < 9) }
        let stepper = try DormandPrince853(dimension: 1)
        _ = try stepper.reset(field: TestProblems.blowUp, time: 0, state: [1])
        _ = stepper.attempt(field: TestProblems.blowUp, to: 0.1)
        _ = stepper.prepareDenseOutput(field: TestProblems.blowUp)
        var out = [0.0]
        out.withUnsafeMutableBufferPointer { stepper.interpolate(at: 0.1, into: $0) }
        #expect(out[0] == stepper.trialState[0])
    }

    @Test func arenstorfOrbitCloses() throws {
        // One period of the Arenstorf orbit: the state returns to its start. DOP853 needs far fewer evaluations
        // than DOPRI5 for the same tolerance, and is at least as accurate.
        func run(_ solver: Solver) throws -> (error: Double, evaluations: Int) {
            let s = try Integrator.solve(
                field: TestProblems.arenstorf, from: 0, state: TestProblems.arenstorfInitial,
                to: TestProblems.arenstorfPeriod, controller: StepSizeController(rtol: 1e-12, atol: 1e-12),
                solver: solver)
            #expect(s.result == .completed)
            return (TestProblems.maxAbsDifference(s.finalState, TestProblems.arenstorfInitial),
                    s.statistics.functionEvaluations)
        }
        let five = try run(.dopri5), eight = try run(.dop853)
        print("Arenstorf at 1e-12: dopri5 \(five), dop853 \(eight)")
        #expect(eight.error < 1e-8)
        #expect(eight.error <= five.error)
        #expect(Double(eight.evaluations) < 0.5 * Double(five.evaluations))
    }

    @Test func denseOutputOfTheSolveIsAccurate() throws {
        // x = cos t over [0, 10]: the stored 7th-order interpolants stay within the tolerance everywhere.
        let s = try Integrator.solve(
            field: TestProblems.oscillator, from: 0, state: [1, 0], to: 10,
            controller: StepSizeController(rtol: 1e-11, atol: 1e-11), denseOutput: true, solver: .dop853)
        let dense = try #require(s.denseOutput)
        #expect(dense.scheme == .dop853)
        var worst = 0.0
        for k in 0...997 {
            let t = 10 * Double(k) / 997
            let u = try #require(dense.evaluate(at: t))
            worst = max(worst, abs(u[0] - cos(t)), abs(u[1] + sin(t)))
        }
        print("DOP853 dense output, x = cos t: worst error \(worst) over \(dense.stepCount) steps")
        #expect(worst < 1e-9)
        // Only accepted steps pay the dense output's 3 evaluations (and k13): 11 per attempt + 4 per accepted step.
        let st = s.statistics
        #expect(st.functionEvaluations == 2 + 11 * (st.acceptedSteps + st.rejectedSteps) + 4 * st.acceptedSteps)
    }

    @Test func withoutReadersTheDenseOutputIsSkipped() throws {
        let s = try Integrator.solve(
            field: TestProblems.oscillator, from: 0, state: [1, 0], to: 10,
            controller: StepSizeController(rtol: 1e-11, atol: 1e-11), solver: .dop853)
        let st = s.statistics
        #expect(st.functionEvaluations == 2 + 11 * (st.acceptedSteps + st.rejectedSteps) + st.acceptedSteps)
        #expect(abs(s.finalState[0] - cos(10)) < 1e-9)
    }

    @Test func automaticChoice() {
        #expect(Solver.automatic(rtol: 1e-10) == .dopri5)
        #expect(Solver.automatic(rtol: 1e-6) == .dopri5)
        #expect(Solver.automatic(rtol: 9.9e-11) == .dop853)
        #expect(Solver(rawValue: "dop853") == .dop853 && Solver(rawValue: "rk45") == nil)
    }
}
