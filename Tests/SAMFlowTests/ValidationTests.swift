import Foundation
import SAMFlow
import Testing

@Suite struct ValidationTests {
    func solve(
        state: [Double] = [1], from t0: Double = 0, to t1: Double = 1, saveAt: SaveAt = .endpoints,
        events: [Event] = [], controller: StepSizeController = StepSizeController()
    ) throws {
        _ = try Integrator.solve(
            field: TestProblems.decay, from: t0, state: state, to: t1, saveAt: saveAt, events: events,
            controller: controller)
    }

    @Test func badInputThrowsOneLineMessages() {
        let cases: [(String, () throws -> Void)] = [
            ("solve: the initial state has 2 components but the field's dimension is 1", { try solve(state: [1, 2]) }),
            ("solve: component 0 of the initial state is not finite (nan)", { try solve(state: [.nan]) }),
            ("solve: t1 (0.0) must be greater than t0 (0.0); backward integration is not supported",
             { try solve(to: 0) }),
            ("solve: t1 (-1.0) must be greater than t0 (0.0); backward integration is not supported",
             { try solve(to: -1) }),
            ("solve: t0 and t1 must be finite, got 0.0 and inf", { try solve(to: .infinity) }),
            ("StepSizeController: rtol must be finite and positive, got 0.0",
             { try solve(controller: StepSizeController(rtol: 0)) }),
            ("StepSizeController: rtol must be finite and positive, got nan",
             { try solve(controller: StepSizeController(rtol: .nan)) }),
            ("StepSizeController: atol must be finite and positive, got -1.0",
             { try solve(controller: StepSizeController(atol: -1)) }),
            ("StepSizeController: atol must be finite and positive, got inf",
             { try solve(controller: StepSizeController(atol: .infinity)) }),
            ("StepSizeController: maxSteps must be positive, got 0",
             { try solve(controller: StepSizeController(maxSteps: 0)) }),
            ("StepSizeController: initialStep must be finite and positive, got -0.1",
             { try solve(controller: StepSizeController(initialStep: -0.1)) }),
            ("SaveAt.times: times must be strictly increasing (time 1 = 0.2 after 0.5)",
             { try solve(saveAt: .times([0.5, 0.2])) }),
            ("SaveAt.times: time 0 = 2.0 is outside [t0, t1] = [0.0, 1.0]", { try solve(saveAt: .times([2])) }),
            ("SaveAt.times: time 0 is not finite (nan)", { try solve(saveAt: .times([.nan])) }),
            ("SaveAt.every: dt must be finite and positive, got 0.0", { try solve(saveAt: .every(0)) }),
            ("SaveAt.log: count must be in 2...10000000, got 1", { try solve(saveAt: .log(count: 1, first: 0.1)) }),
            ("SaveAt.log: first must be in (0, t1 - t0) = (0, 1.0), got 1.0",
             { try solve(saveAt: .log(count: 4, first: 1)) }),
            ("events[1]: interiorSamples must be in 0...1000, got -1",
             { try solve(events: [Event { _, y in y[0] }, Event(interiorSamples: -1) { _, y in y[0] }]) }),
        ]
        for (message, body) in cases {
            #expect(throws: IntegratorError(message)) { try body() }
            #expect(!message.contains("\n"))
        }
        #expect(throws: IntegratorError("DormandPrince54: dimension must be positive, got 0")) {
            _ = try DormandPrince54(dimension: 0)
        }
        let empty = ClosureField(dimension: 0) { _, _, _ in }
        #expect(throws: IntegratorError("solve: the field's dimension must be positive, got 0")) {
            _ = try Integrator.solve(field: empty, from: 0, state: [], to: 1)
        }
    }
}
