import Foundation
import SAMCore
import SAMFlow
import Testing

/// A flow with `sharpness`: every recorded state gets the probe's values at its weights after the solve, and
/// nothing else about the run changes; flows have no stability edges.
@Suite struct SharpnessFlowTests {
    @Test func flowRowsRecordSharpness() throws {
        let plain = RunSpec(data: .singleExample(mu: [1, 2, 3]), model: ModelSpec(name: "product", depth: 2, alpha: [0.5]),
                            rule: RuleSpec(name: L2SAM.name, rho: 0.5), dynamics: .flow(FlowSettings(time: 2, rescaled: true)),
                            record: .log(10))
        var sharp = plain
        sharp.sharpness = true
        let dataset = try Dataset.singleExample(mu: [1, 2, 3])
        let a = try FlowRunner(spec: plain, dataset: dataset).run()
        let b = try FlowRunner(spec: sharp, dataset: dataset).run()
        #expect(a.rows.allSatisfy { $0.sharpness == nil })
        #expect(b.rows.map { var r = $0; r.sharpness = nil; return r } == a.rows)
        #expect(b.rows.allSatisfy { $0.sharpness?.lambdaMax != nil && $0.sharpness?.hessianTrace != nil && $0.sharpness?.hasEdges == false })
        let probe = try #require(SharpnessProbe.forRun(sharp, components: try sharp.components(dimension: 3), dataset: dataset))
        #expect(b.rows.last!.sharpness == probe.measure(b.finalWeights))
        #expect(RunSummary(b).sharpness == b.rows.last!.sharpness)
    }
}
