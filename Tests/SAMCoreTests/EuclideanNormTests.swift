import Foundation
@testable import SAMCore
import Testing

/// ||x||_2 without overflow: plain where the plain sum is representable (bit for bit), scaled beyond.
@Suite struct EuclideanNormTests {
    @Test func plainWhereRepresentableAndScaledBeyond() {
        #expect(EuclideanNorm.of([3.0, 4]) == 5)
        #expect(EuclideanNorm.of([Double]()) == 0 && EuclideanNorm.of([0.0, 0]) == 0)
        let x = [0.3, -1.7, 2.9, 1e-3]
        #expect(EuclideanNorm.of(x) == x.reduce(0) { $0 + $1 * $1 }.squareRoot())
        // The plain sums overflow to inf or underflow to 0 here.
        #expect(!(3e200 * 3e200).isFinite && (3e-200 * 3e-200) == 0)
        for scale in [1e200, 1e-200, 1e300] {
            let big = [3 * scale, -4 * scale]
            let norm = EuclideanNorm.of(big)
            #expect(norm.isFinite && abs(norm / (5 * scale) - 1) < 1e-15, "\(scale): \(norm)")
        }
        #expect(EuclideanNorm.of([Double.infinity, 1]) == .infinity)
        #expect(EuclideanNorm.of([Double.nan, 1]).isNaN)
    }

    /// A diverging regression run (unnormalized SAM far above its threshold on a depth-1 quadratic: H has eigenvalues
    /// 1 and 1/3, eta lambda (1 + rho lambda) = 5.5 > 2, so the top component grows 4.5-fold per step) passes
    /// ||beta|| = 1e154 before it overflows: its rows and summary keep a finite norm and encode as JSON.
    @Test func aDivergingRegressionRunKeepsAFiniteNorm() throws {
        let points: [[Double]] = [[1, 0], [0, 1], [1, 1]], labels = [1.0, 2, 3]
        let dataset = try Dataset(points: points, labels: labels, origin: .file("inline"), labelKind: .real)
        let spec = RunSpec(data: .csv(path: "inline", embedded: EmbeddedData(points: points, labels: labels)),
                           model: ModelSpec(name: ProductNetwork.name, depth: 1, alpha: [0.1]), loss: SquaredLoss.name,
                           rule: RuleSpec(name: UnnormalizedSAM.name, rho: 10),
                           dynamics: .discrete(DiscreteSettings(learningRate: 0.5, steps: 5000)), record: .every(1))
        let runner = try DiscreteRunner(spec: spec, dataset: dataset)
        _ = runner.run()
        let result = runner.result
        let large = result.rows.filter { $0.norm > 1e160 }
        #expect(!large.isEmpty, "the run never passed 1e160 (status \(result.status))")
        #expect(result.rows.allSatisfy { $0.norm.isFinite })
        #expect(result.status == .diverged, "\(result.status)")
        let json = try JSONSerialization.jsonObject(with: try JSONOutput.encode(RunSummary(result))) as? [String: Any]
        #expect((json?["norm"] as? Double)?.isFinite == true)
        // The mse overflowed with the residuals: null, not absent (a regression run), and log_loss carries it.
        #expect(json?.keys.contains("mse") == true && json?["mse"] is NSNull)
        let csv = TrajectoryCSV.render(result.rows, clock: .step, dimension: 2)
        #expect(!csv.contains("inf"))
    }
}
