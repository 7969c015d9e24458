import Foundation
import Testing
@testable import SAMCore

/// The one-example field (`GeneralKernel.writeSingleExampleVelocity`) gives the bits of the n-example field at n = 1
/// (the path every one-example flow took before it): the field, whether it is finite, and what the kernel keeps for
/// `observe` and `betaVelocity`, at the initial weights, at weights with zeros, near blow-up and with saturated
/// margins, for every kind of rule (plain, one-component, none), both losses and both models.
struct SingleExampleFieldTests {
    static let rules: [(String, [String: Double])] = [
        (GradientDescent.name, [:]), (L2SAM.name, [:]), (LInfSAM.name, [:]), (UnnormalizedSAM.name, [:]),
        (AdaptiveSAM.name, [:]), (LpSAM.name, ["p": 1]), (LpSAM.name, ["p": 3]),
    ]
    static let models: [(Parametrization, Int)] = [(.product, 1), (.product, 2), (.product, 3), (.signed, 2), (.product, 5)]

    @Test(arguments: rules.indices, models.indices)
    func fusedFieldHasTheGeneralPathsBits(_ ruleIndex: Int, _ modelIndex: Int) throws {
        let (name, parameters) = Self.rules[ruleIndex], (p, depth) = Self.models[modelIndex]
        let rule = try Registry.standard.rule(named: name).rule(RuleSpec(name: name, rho: 0.3, parameters: parameters)).kernelRule
        for d in [1, 5, 6, 9] {
            let data = try Dataset.singleExample(mu: (0..<d).map { 0.4 + 0.7 * Double($0) })
            let network = try Fixtures.network(p, depth: depth, d: d, seed: UInt64(7 + d))
            for loss in Loss.allCases {
                let kernels = [true, false].map {
                    GeneralKernel(rule: rule, algebra: network.laneAlgebra, initialWeights: network.initialWeights, dataset: data,
                                  loss: loss.margin, learningRate: 1, fusesSingleExampleField: $0)
                }
                for (k, w) in Self.states(network.initialWeights, d: d).enumerated() {
                    for rescaled in [false, true] {
                        let results = kernels.map { kernel -> (Bool, [UInt64], [UInt64], StateObservation) in
                            var out = [Double](repeating: -1, count: w.count)
                            let ok = w.withUnsafeBufferPointer { s in
                                out.withUnsafeMutableBufferPointer { kernel.velocity(at: s, rescaled: rescaled, into: $0) }
                            }
                            let betaVelocity = out.withUnsafeBufferPointer { kernel.betaVelocity($0) }
                            return (ok, out.map(\.bitPattern), betaVelocity.map(\.bitPattern), kernel.observe(includeBeta: true))
                        }
                        let label = "\(name) \(parameters) \(p) L=\(depth) d=\(d) \(loss) state \(k) rescaled=\(rescaled)"
                        #expect(results[0].0 == results[1].0, "finite: \(label)")
                        #expect(results[0].1 == results[1].1, "field: \(label)")
                        #expect(results[0].2 == results[1].2, "beta velocity: \(label)")
                        let (a, b) = (results[0].3, results[1].3)
                        #expect(a.logLoss.bitPattern == b.logLoss.bitPattern && a.margin.bitPattern == b.margin.bitPattern
                                && a.norm.bitPattern == b.norm.bitPattern && a.beta?.map(\.bitPattern) == b.beta?.map(\.bitPattern),
                                "observation: \(label)")
                        // `observe`'s one-example log loss is `logMeanValue`'s, bit for bit.
                        let logMean = [a.margin].withUnsafeBufferPointer { loss.margin.logMeanValue(margins: $0) }
                        #expect(a.logLoss.bitPattern == logMean.bitPattern, "log loss: \(label)")
                    }
                }
            }
        }
    }

    /// The initial weights, with some weights 0 (and a whole coordinate 0), scaled up to saturated margins (|l'|
    /// far below 1), to overflow, and negated (negative margins).
    static func states(_ w: [Double], d: Int) -> [[Double]] {
        var zeros = w
        for i in stride(from: 0, to: w.count, by: 3) { zeros[i] = 0 }
        for l in 0..<(w.count / d) { zeros[l * d] = 0 }
        return [w, zeros, w.map { $0 * 40 }, w.map { $0 * 1e120 }, w.map { -$0 * 3 }, w.map { $0 * 1e-160 }]
    }
}
