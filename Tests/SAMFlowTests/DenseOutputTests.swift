import Foundation
import SAMFlow
import Testing

@Suite struct DenseOutputTests {
    @Test func interpolantInsideStepsMatchesExactSolution() throws {
        let tolerance = 1e-6
        let s = try Integrator.solve(
            field: TestProblems.decay, from: 0, state: [1], to: 5,
            controller: StepSizeController(rtol: tolerance, atol: tolerance), denseOutput: true)
        let dense = try #require(s.denseOutput)
        #expect(dense.stepCount == s.statistics.acceptedSteps)
        var interior = 0.0, endpoints = 0.0
        for k in 0..<dense.stepCount {
            let a = dense.stepStarts[k], b = dense.stepEnds[k]
            endpoints = max(endpoints, abs(try #require(s.evaluate(at: b))[0] - exp(-b)))
            for theta in [0.1, 0.25, 0.5, 0.75, 0.9] {
                let t = a + theta * (b - a)
                interior = max(interior, abs(try #require(s.evaluate(at: t))[0] - exp(-t)))
            }
        }
        print("dense output, tol 1e-6: max error inside steps \(interior), at step ends \(endpoints), "
            + "\(dense.stepCount) steps")
        #expect(interior < 10 * tolerance)
        #expect(interior < 10 * max(endpoints, tolerance * 1e-2))
    }

    @Test func interpolantIsFourthOrderAndExactAtEnds() throws {
        // One DP5 step for y' = −y from y = 1: the midpoint error of u should scale like h⁵.
        func midpointError(_ h: Double) throws -> Double {
            let stepper = try DormandPrince54(dimension: 1)
            try stepper.reset(field: TestProblems.decay, time: 0, state: [1])
            #expect(stepper.attempt(field: TestProblems.decay, to: h))
            #expect(stepper.prepareDenseOutput())
            var out = [0.0]
            out.withUnsafeMutableBufferPointer { stepper.interpolate(at: 0, into: $0) }
            #expect(out[0] == 1)
            out.withUnsafeMutableBufferPointer { stepper.interpolate(at: h, into: $0) }
            #expect(abs(out[0] - stepper.trialState[0]) <= 2 * stepper.trialState[0].ulp)
            out.withUnsafeMutableBufferPointer { stepper.interpolate(at: h / 2, into: $0) }
            return abs(out[0] - exp(-h / 2))
        }
        let ratio = try midpointError(0.4) / midpointError(0.2)
        print("dense output midpoint error ratio for h → h/2: \(ratio) (h⁵: 32)")
        #expect(ratio > 20 && ratio < 45)
    }

    @Test func quarticSolutionIsInterpolatedExactly() throws {
        // y' = 4t³ → y = t⁴: the 4th-order continuous extension reproduces it up to rounding.
        let field = ClosureField(dimension: 1) { t, _, dy in dy[0] = 4 * t * t * t }
        let s = try Integrator.solve(
            field: field, from: 0, state: [0], to: 2,
            controller: StepSizeController(rtol: 1e-3, atol: 1e-3, initialStep: 0.3), denseOutput: true)
        for t in stride(from: 0.0, through: 2.0, by: 0.0137) {
            #expect(abs(try #require(s.evaluate(at: t))[0] - pow(t, 4)) < 1e-13)
        }
    }

    @Test func lastStepAndFullDenseOutputRanges() throws {
        let s = try Integrator.solve(
            field: TestProblems.oscillator, from: 0, state: [1, 0], to: 3,
            saveAt: .times([0.5, 1.5, 2.5]), controller: StepSizeController(rtol: 1e-9, atol: 1e-9), denseOutput: true)
        let last = try #require(s.lastStep)
        #expect(last.end == 3 && last.start < 3)
        let mid = 0.5 * (last.start + last.end)
        let y = try #require(s.evaluateLastStep(at: mid))
        #expect(abs(y[0] - cos(mid)) < 1e-8 && abs(y[1] + sin(mid)) < 1e-8)
        #expect(s.evaluateLastStep(at: last.start - 1e-3) == nil)
        #expect(s.evaluate(at: -0.1) == nil && s.evaluate(at: 3.1) == nil)
        #expect(s.evaluate(at: 3) == s.finalState)
        #expect(s.evaluate(at: 0) == [1, 0])
        for (t, state) in zip(s.times, s.states) {
            #expect(TestProblems.maxAbsDifference(try #require(s.evaluate(at: t)), state) < 1e-14)
        }
        // Without denseOutput only the last step is kept.
        let plain = try Integrator.solve(field: TestProblems.oscillator, from: 0, state: [1, 0], to: 3)
        #expect(plain.denseOutput == nil && plain.evaluate(at: 1) == nil && plain.lastStep != nil)
    }
}
