import Foundation
import SAMCore
import Testing

/// Sharpness of this target's model and loss, which write neither `betaHessian` nor `curvatureRatio`: the
/// library's defaults (polarization of the perturbed polynomial, central differences of log |l'|) give the
/// Hessian of the plain formulas (central differences of `PlainModel.gradient`).
@Suite struct SharpnessExtensionTests {
    @Test(arguments: [(TestTiedNetwork.name, TestSigmoidLoss.name, 3), (TestTiedNetwork.name, LogisticLoss.name, 2),
                      (ProductNetwork.name, TestSigmoidLoss.name, 3)])
    func defaultsGiveTheHessian(_ model: String, _ loss: String, _ depth: Int) throws {
        for data in [DataSource.singleExample(mu: [0.7, 1.1, 1.9]), ExtensionTests.threePoints] {
            var spec = ExtensionTests.spec(data, model: model, depth: depth, loss: loss, rule: L2SAM.name)
            spec.sharpness = true
            let dataset = try data.load()
            let components = try spec.components(dimension: dataset.dimension, registry: Extensions.registry)
            let w = components.model.initialWeights.enumerated().map { $0.element * (1 + 0.1 * Double($0.offset % 3)) }
            let plain = PlainModel(kind: model == ProductNetwork.name ? .product : .tied, depth: depth, points: dataset.points,
                                   labels: dataset.labels, loss: loss == LogisticLoss.name ? .logistic : .sigmoid)
            let p = w.count
            var fd = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
            for i in 0..<p {
                let h = 1e-5
                var plus = w, minus = w
                plus[i] += h
                minus[i] -= h
                let gp = plain.gradient(plus), gm = plain.gradient(minus)
                for k in 0..<p { fd[k][i] = (gp[k] - gm[k]) / (2 * h) }
            }
            let oracle = try DiagonalHessian(model: components.model as! any DiagonalModel, loss: components.loss as! any MarginLoss, dataset: dataset, weights: w)
            var column = [Double](repeating: 0, count: p), largestError = 0.0
            for i in 0..<p {
                var e = [Double](repeating: 0, count: p)
                e[i] = 1
                oracle.multiply(e, into: &column)
                for k in 0..<p { largestError = max(largestError, abs(exp(oracle.logScale) * column[k] - fd[k][i])) }
            }
            let scale = fd.flatMap { $0 }.map(abs).max()!
            #expect(largestError <= 1e-6 * scale, "\(model) \(loss) L=\(depth) n=\(dataset.count): \(largestError / scale)")
            let record = try #require(SharpnessProbe.forRun(spec, components: components, dataset: dataset)).measure(w)
            let trace = (0..<p).reduce(0) { $0 + fd[$1][$1] }
            #expect(abs(try #require(record.hessianTrace) - trace) <= 1e-6 * scale)
            #expect(record.lambdaMax != nil && record.samEdge != nil && record.hasEdges)
        }
    }

    /// The default curvature ratio -d/dz log |l'| against the sigmoid loss's closed form 2 sigma(z) - 1.
    @Test func defaultCurvatureRatio() {
        for z in [-40.0, -3, -0.5, 0, 0.2, 2, 30] {
            let exact = 2 / (1 + exp(-z)) - 1
            #expect(abs(TestSigmoidLoss().curvatureRatio(margin: z) - exact) <= 1e-9, "z = \(z)")
        }
    }
}
