import Foundation
import Testing
@testable import SAMCore
@testable import SAMFlow

/// The flow runner's leader samples without a field evaluation of their own: at a step's start the leaders are
/// read off the field the solver evaluated there (its stage 1, kept in the dense output), and every other sample
/// decides them with `LeaderProbe` (the lane algebra on the weights and one velocity, no arrays). Both must be the
/// decisions of `FlowField.observe` and `FlowRunner.leaders(beta:velocity:)` on the same state, bit for bit.
@Suite struct LeaderSamplingTests {
    static func runner(data: DataSource, depth: Int, name: String = ProductNetwork.name, rule: String, rho: Double,
                       rescaled: Bool, alpha: Double) throws -> FlowRunner {
        let spec = RunSpec(
            data: data, model: ModelSpec(name: name, depth: depth, alpha: [alpha]), rule: RuleSpec(name: rule, rho: rho),
            dynamics: .flow(FlowSettings(time: 20, rescaled: rescaled, rtol: 1e-10, atol: 1e-10)), record: .times([]))
        return try FlowRunner(spec: spec, dataset: try spec.data.load())
    }

    static var runners: [FlowRunner] {
        get throws {
            [
                try runner(data: .singleExample(mu: [1, 2, 3, 4, 5, 6]), depth: 2, rule: L2SAM.name, rho: 0.3,
                           rescaled: true, alpha: 0.1),
                try runner(data: .gaussian(try GaussianClusters(count: 20, mean: [1, 2, 0.5], sigma: 0.3, seed: 7)),
                           depth: 3, rule: L2SAM.name, rho: 0.1, rescaled: false, alpha: 0.4),
                try runner(data: .singleExample(mu: [1, 2, 3]), depth: 2, name: SignedNetwork.name, rule: LInfSAM.name,
                           rho: 0.2, rescaled: true, alpha: 0.3),
            ]
        }
    }

    /// The dense output of a plain solve of the runner's field (no events), to t = 2.
    static func dense(_ runner: FlowRunner, solver: Solver) throws -> DenseOutput {
        let solution = try Integrator.solve(
            field: runner.vectorField, from: 0, state: runner.model.initialWeights, to: 2,
            controller: StepSizeController(rtol: 1e-8, atol: 1e-8), denseOutput: true, solver: solver)
        return try #require(solution.denseOutput)
    }

    /// The leaders as the runner decided them before the probe: observe, then `FlowRunner.leaders`.
    static func observed(_ runner: FlowRunner, _ state: [Double], held: [Bool]) -> (relative: Int, absolute: Int)? {
        guard let (observation, velocity) = runner.vectorField.observe(state, held: held) else { return nil }
        return FlowRunner.leaders(beta: observation.beta!, velocity: velocity)
    }

    @Test(arguments: [Solver.dopri5, .dop853])
    func stepStartsReadTheSolversOwnField(solver: Solver) throws {
        for runner in try Self.runners {
            let output = try Self.dense(runner, solver: solver)
            let n = output.dimension, held = runner.vectorField.held
            #expect(output.stepCount > 5)
            #expect(runner.leaderProbe.decidesFromVelocity)
            let velocity = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
            defer { velocity.deallocate() }
            for k in 0..<output.stepCount {
                let state = try #require(output.evaluate(at: output.stepStarts[k]))
                // The kept stage 1 is the field at the interpolant's own start state, bit for bit.
                #expect(state.withUnsafeBufferPointer { runner.vectorField._velocity(at: $0, held: held, into: velocity) })
                let kept = output.withStartDerivative(ofStep: k) { $0.map(Array.init) }
                #expect(kept?.map(\.bitPattern) == Array(velocity).map(\.bitPattern))
                let fromSolver = runner.leadersAtStepStart((output, held), step: k)
                let evaluated = Self.observed(runner, state, held: held)
                #expect(fromSolver?.relative == evaluated?.relative && fromSolver?.absolute == evaluated?.absolute)
            }
        }
    }

    @Test func probeDecidesAsObserve() throws {
        for runner in try Self.runners {
            let output = try Self.dense(runner, solver: .dop853)
            let n = output.dimension
            // Unheld, and with every third weight held (its velocity 0).
            for held in [Array(repeating: false, count: n), (0..<n).map { $0 % 3 == 1 }] {
                var decided = 0
                for k in 0..<output.stepCount {
                    let tau = 0.5 * (output.stepStarts[k] + output.stepEnds[k])
                    let state = try #require(output.evaluate(at: tau))
                    let probed = state.withUnsafeBufferPointer { runner.leaderProbe.leaders(at: $0, held: held) }
                    let expected = Self.observed(runner, state, held: held)
                    #expect(probed?.relative == expected?.relative && probed?.absolute == expected?.absolute)
                    if let probed, probed.relative != 0 { decided += 1 }
                }
                #expect(decided > 0)
            }
        }
    }

    @Test func leaderRaceBreaksTiesToTheFirstAndSkipsWhatDoesNotGrow() {
        // beta = (1, -2, 0, 4), d beta / dt = (2, -4, 0, 8): growth 2, 4, 0, 8; rates 2, 2, -, 2.
        #expect(FlowRunner.leaders(beta: [1, -2, 0, 4], velocity: [2, -4, 0, 8]) == (1, 4))
        // A coordinate leaving 0 has an infinite rate; shrinking ones are no candidates.
        #expect(FlowRunner.leaders(beta: [1, 0, 3], velocity: [-1, 1e-9, 2]) == (2, 3))
        #expect(FlowRunner.leaders(beta: [1, -1], velocity: [-1, 1]) == (0, 0))
    }
}
