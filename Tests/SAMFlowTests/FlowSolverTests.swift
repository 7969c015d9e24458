import Foundation
import Testing
@testable import SAMCore
@testable import SAMFlow

/// The Fig 3 flow (rescaled l2-SAM, mu = 4..8, rho = 1, alpha = 0.5, until ||w||_2 = 1e4) with DOP853 against
/// DOPRI5, and the spec's `solver` key.
@Suite struct FlowSolverTests {
    static func figure3(rtol: Double, solver: String?) throws -> RunResult {
        let spec = RunSpec(
            data: .singleExample(mu: [4, 5, 6, 7, 8]), model: ModelSpec(depth: 2, alpha: [0.5]),
            rule: RuleSpec(name: L2SAM.name, rho: 1),
            dynamics: .flow(FlowSettings(time: 50, rescaled: true, rtol: rtol, atol: rtol, blowupNorm: 1e4, solver: solver)),
            record: .times([]))
        return try FlowRunner(spec: spec, dataset: try spec.data.load()).run()
    }

    @Test func figure3AgreesWithDopri5AtFewerEvaluations() throws {
        let reference = try Self.figure3(rtol: 1e-13, solver: "dop853")
        let t = try #require(reference.eventClock)
        let five = try Self.figure3(rtol: 1e-10, solver: "dopri5"), eight = try Self.figure3(rtol: 1e-10, solver: "dop853")
        for r in [reference, five, eight] { #expect(r.status == .blowUp) }
        let e5 = abs(try #require(five.eventClock) - t) / t, e8 = abs(try #require(eight.eventClock) - t) / t
        let n5 = try #require(five.solver).functionEvaluations, n8 = try #require(eight.solver).functionEvaluations
        print("Fig 3 flow at 1e-10: dopri5 \(n5) evaluations, error \(e5); dop853 \(n8), error \(e8)")
        #expect(e5 < 1e-9 && e8 < 1e-9)
        #expect(n8 < n5)
        // The same leader switches, at the same times to the solvers' accuracy.
        for (a, b) in [(reference.leaders, eight.leaders), (reference.leaders, five.leaders),
                       (reference.leadersAbsolute, eight.leadersAbsolute)] {
            #expect(a.map(\.coordinate) == b.map(\.coordinate))
            for (p, q) in zip(a, b) { #expect(abs(p.start - q.start) <= 1e-7 * max(1, abs(p.start))) }
        }
        #expect(five.solver?.method == "dopri5" && eight.solver?.method == "dop853")
    }

    @Test func theToleranceChoosesTheSolver() throws {
        #expect(try Self.figure3(rtol: 1e-6, solver: nil).solver?.method == "dopri5")
        #expect(try Self.figure3(rtol: 1e-10, solver: nil).solver?.method == "dopri5")
        #expect(try Self.figure3(rtol: 1e-11, solver: nil).solver?.method == "dop853")
        #expect(try Self.figure3(rtol: 1e-11, solver: "dopri5").solver?.method == "dopri5")
    }

    @Test func solverNamesAreTheSpecsNames() {
        #expect(FlowSettings.solvers == Solver.allCases.map(\.rawValue))
        #expect(throws: SpecError.unknownName(field: "solver", name: "rk45", known: ["dopri5", "dop853"])) {
            try FlowSettings(solver: "rk45").validate()
        }
    }
}
