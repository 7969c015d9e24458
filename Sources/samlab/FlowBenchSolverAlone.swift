import Foundation
import SAMCore
import SAMFlow

/// The solver alone on scipy's problem, for `samlab bench flow`: what bench/python/flow_scipy.py times, without the
/// flow runner's leaders, weight events and recorded trajectory.
///
/// `Integrator.solve` on the flow's own field (`FlowRunner.vectorField`) from the initial weights over s ∈ [0, 50],
/// with one terminal event, g(w) = ||w||_2 − 1e4 rising, checked at step ends only (`interiorSamples: 0`, as
/// solve_ivp checks events), rtol = atol = tol with atol absolute (scipy's; the flow runner scales atol by the
/// initial weight scale). With `dense` false the DOP853 dense output (3 evaluations) is built only on the step where
/// g changes sign, as scipy's `dense_output=False`; with `dense` true on every step, as scipy's `dense_output=True`.
extension FlowBench {
    /// Evaluations, accepted steps, event time (nil if the solve did not end at the event) and the best wall time
    /// in ms of `repeats` solves (setup excluded: the field is built once).
    func solveAlone(mu: [Double], tol: Double, solver: Solver, dense: Bool) throws
        -> (evaluations: Int, steps: Int, eventTime: Double?, ms: Double) {
        let c = Self.spec(mu: mu, tol: tol, solver: solver.rawValue)
        let runner = try FlowRunner(spec: c, dataset: try c.data.load())
        let field = runner.vectorField, w0 = runner.model.initialWeights, bound = c.flow!.blowupNorm
        let blowUp = Event(direction: .rising, terminal: true, interiorSamples: 0) { _, w in
            w.reduce(0) { $0 + $1 * $1 }.squareRoot() - bound
        }
        var best = Double.infinity
        var last: ODESolution?
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            last = try Integrator.solve(
                field: field, from: 0, state: w0, to: 50, events: [blowUp],
                controller: StepSizeController(rtol: tol, atol: tol), denseOutput: dense, solver: solver)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-6)
        }
        let solution = last!
        var eventTime: Double? = nil
        if case .event(_, let time) = solution.result { eventTime = time }
        return (solution.statistics.functionEvaluations, solution.statistics.acceptedSteps, eventTime, best)
    }
}
