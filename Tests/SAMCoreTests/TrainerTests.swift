import Foundation
import Testing
@testable import SAMCore

@Suite struct TrainerTests {
    /// THEORY.md §5.2: alpha = 0.35, rho = 1 on mu = (1, ..., 6) is between alpha_c and alpha*, so l2-SAM amplifies
    /// minor coordinates first.
    static let sam = RunSpec.discrete(data: .singleExample(mu: [1, 2, 3, 4, 5, 6]), depth: 2, alpha: [0.35],
                                        optimizer: .l2SAM, learningRate: 0.05, rho: 1, steps: 3000, record: .log(30))

    /// The leader lists come from every step, so they do not depend on the recording grid; the recorded rows'
    /// leaders agree with the lists.
    @Test func leadersDoNotDependOnTheRecordingGrid() throws {
        var a = Self.sam, b = Self.sam
        a.record = .every(1)
        b.record = .log(7)
        let ta = try DiscreteRunner(spec: a, dataset: try a.data.load()), tb = try DiscreteRunner(spec: b, dataset: try b.data.load())
        ta.run()
        tb.run()
        #expect(ta.state.leaders == tb.state.leaders)
        #expect(ta.state.leadersAbsolute == tb.state.leadersAbsolute)
        #expect(ta.state.leaders.count >= 3, "minor-first amplification: the leader moves at alpha = 0.35, rho = 1")
        // Every recorded row's leader is the one whose period covers its step.
        for row in ta.state.rows.dropLast() {
            let period = ta.state.leaders.last { $0.startStep <= row.step }!
            #expect(row.leader == period.coordinate)
        }
        // Minor first, major last: the leader index never decreases here.
        let order = ta.state.leaders.map(\.coordinate)
        #expect(order == order.sorted())
    }

    /// Stopping and restoring from a (JSON round-tripped) state gives the same bytes as an uninterrupted run.
    @Test(arguments: [false, true])
    func resumeIsBitForBit(general: Bool) throws {
        let data = general ? Fixtures.threePoints : try Self.sam.data.load()
        let straight = try DiscreteRunner(spec: Self.sam, dataset: data, forceGeneralKernel: general)
        straight.run()

        let first = try DiscreteRunner(spec: Self.sam, dataset: data, forceGeneralKernel: general)
        var calls = 0
        let partial = first.run(shouldStop: { calls += 1; return calls > 1 })
        #expect(partial.status == .interrupted)
        #expect(partial.step > 0 && partial.step < Self.sam.steps)
        let json = try JSONOutput.encode(partial)
        let saved = try JSONOutput.decode(DiscreteState.self, from: json, source: "checkpoint")
        let second = try DiscreteRunner(spec: Self.sam, dataset: data, forceGeneralKernel: general)
        try second.restore(saved)
        second.run()
        #expect(second.state == straight.state)
        #expect(try JSONOutput.encode(RunSummary(second.result, version: "t")) == JSONOutput.encode(RunSummary(straight.result, version: "t")))
    }

    /// Divergence stops the run at the last finite state, never with NaN rows.
    @Test func divergenceKeepsTheLastFiniteState() throws {
        // A negative margin under the exponential loss: |l'| = e^-z explodes after one large step.
        let c = RunSpec.discrete(data: .singleExample(mu: [-1, -2]), depth: 2, alpha: [1], loss: .exponential,
                                 optimizer: .gd, learningRate: 1, steps: 1000, record: .every(1))
        let trainer = try DiscreteRunner(spec: c, dataset: try c.data.load())
        trainer.run()
        #expect(trainer.state.status == .diverged)
        let k = trainer.state.step
        #expect(trainer.state.eventStep == k + 1)
        #expect(trainer.state.weights.allSatisfy { $0.isFinite })
        #expect(trainer.state.rows.allSatisfy { $0.beta!.allSatisfy { $0.isFinite } && $0.logLoss.isFinite })
        #expect(trainer.state.rows.last!.step == k)
        // The reported state is exactly the state after k steps.
        var again = c
        again.steps = k
        let shorter = try DiscreteRunner(spec: again, dataset: try c.data.load())
        shorter.run()
        #expect(shorter.state.status == .completed)
        #expect(shorter.state.weights == trainer.state.weights)
    }

    /// l2-SAM below alpha_c collapses: every weight passes through 0 and the loss rises to log 2.
    @Test func collapseIsReported() throws {
        let c = RunSpec.discrete(data: .singleExample(mu: [1, 2]), depth: 2, alpha: [0.2], optimizer: .l2SAM,
                                 learningRate: 0.01, rho: 1, steps: 3000)
        let trainer = try DiscreteRunner(spec: c, dataset: try c.data.load())
        trainer.run()
        #expect(trainer.state.status == .collapsed)
        let event = try #require(trainer.state.eventStep)
        #expect(event > 0 && event < 3000)
        #expect(abs(trainer.state.rows.last!.logLoss - log(log(2))) < 0.01)
        // GD from the same init separates instead.
        var gd = c
        gd.rule.name = Optimizer.gd.rawValue
        let g = try DiscreteRunner(spec: gd, dataset: try c.data.load())
        g.run()
        #expect(g.state.status == .completed)
    }
}
