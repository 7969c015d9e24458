import Foundation
import Testing
@testable import SAMCore

/// A deliberately plain implementation of the paper's definitions, written independently of the kernels:
/// no log space, no fused passes, no shared helpers. The kernels must agree with it where it is accurate.
struct ReferenceModel {
    var parametrization: Parametrization
    var depth: Int
    var points: [[Double]]
    var labels: [Double]
    var loss: Loss

    var d: Int { points[0].count }
    var layers: Int { parametrization == .product ? depth : 2 }

    func beta(_ w: [Double]) -> [Double] {
        (0..<d).map { j in
            switch parametrization {
            case .product: (0..<depth).reduce(1.0) { $0 * w[$1 * d + j] }
            case .signed: pow(w[j], Double(depth)) - pow(w[d + j], Double(depth))
            }
        }
    }

    func lossValue(_ w: [Double]) -> Double {
        let b = beta(w)
        var total = 0.0
        for (x, y) in zip(points, labels) {
            let z = y * zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
            total += loss == .logistic ? log(1 + exp(-z)) : exp(-z)
        }
        return total / Double(points.count)
    }

    func gradient(_ w: [Double]) -> [Double] {
        let b = beta(w)
        var g = Array(repeating: 0.0, count: w.count)
        for (x, y) in zip(points, labels) {
            let z = y * zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
            let slope = loss == .logistic ? -1 / (1 + exp(z)) : -exp(-z)
            for j in 0..<d {
                for l in 0..<layers {
                    let partial: Double
                    switch parametrization {
                    case .product:
                        partial = (0..<depth).filter { $0 != l }.reduce(1.0) { $0 * w[$1 * d + j] }
                    case .signed:
                        partial = (l == 0 ? 1 : -1) * Double(depth) * pow(w[l * d + j], Double(depth - 1))
                    }
                    g[l * d + j] += slope * y * x[j] * partial / Double(points.count)
                }
            }
        }
        return g
    }

    func step(_ w: [Double], optimizer: Optimizer, eta: Double, rho: Double) -> [Double] {
        let g = gradient(w)
        let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let eps: [Double] = switch optimizer {
        case .gd: g.map { _ in 0 }
        case .l2SAM: norm > 0 ? g.map { rho * $0 / norm } : g.map { _ in 0 }
        case .linfSAM: g.map { $0 > 0 ? rho : ($0 < 0 ? -rho : 0) }
        case .usam: g.map { rho * $0 }
        }
        let perturbedGradient = gradient(zip(w, eps).map { $0 + $1 })
        return zip(w, perturbedGradient).map { $0 - eta * $1 }
    }
}

enum Fixtures {
    static func network(_ parametrization: Parametrization, depth: Int, d: Int, seed: UInt64) throws -> any DiagonalModel {
        var rng = SplitMix64(seed: seed)
        let layers = parametrization.layerCount(depth: depth)
        let init0 = (0..<layers).map { _ in (0..<d).map { _ in 0.3 + 0.9 * rng.nextUniform() } }
        return try Registry.standard.model(named: parametrization.rawValue)
            .model(ModelSpec(name: parametrization.rawValue, depth: depth, layerInit: init0), dimension: d) as! any DiagonalModel
    }

    /// A model with scalar init alpha.
    static func network(_ parametrization: Parametrization, depth: Int, alpha: [Double], d: Int) throws -> any DiagonalModel {
        try Registry.standard.model(named: parametrization.rawValue)
            .model(ModelSpec(name: parametrization.rawValue, depth: depth, alpha: alpha), dimension: d) as! any DiagonalModel
    }

    static let threePoints = try! Dataset(points: [[1.0, 0.5, -0.2], [0.3, 1.2, 0.4], [-0.8, -0.1, -0.9]],
                                          labels: [1, 1, -1])

    static func kernel(_ network: any Model, _ data: Dataset, _ loss: Loss, _ optimizer: Optimizer,
                       eta: Double = 0.05, rho: Double = 0.1, general: Bool = false) -> any DynamicsKernel {
        KernelFactory.make(rule: optimizer.rule(rho: rho), model: network, dataset: data, loss: loss.margin, learningRate: eta,
                           forceGeneral: general)
    }

    /// `steps` steps of `rule`'s kernel on `network` and `data` (with eta), next to the same steps of `plain` (w to
    /// the next w) from the same weights: the kernel's weights and the plain ones. Fails the test if a step does.
    static func stepsSideBySide(_ rule: any Rule, _ network: any Model, _ data: Dataset, general: Bool, eta: Double, steps: Int,
                                plain: ([Double]) -> [Double]) -> (kernel: [Double], plain: [Double]) {
        let kernel = KernelFactory.make(rule: rule, model: network, dataset: data, loss: Loss.logistic.margin,
                                        learningRate: eta, forceGeneral: general)
        var w = network.initialWeights
        var scan = GrowthScan(dimension: data.dimension)
        for _ in 0..<steps {
            #expect(kernel.step(scan: &scan))
            w = plain(w)
        }
        return (kernel.weights, w)
    }

    /// The kernels of two rules on the same network and data after 100 steps taken side by side (for reductions:
    /// a rule against the rule it reduces to); each step's success is expected.
    static func sideBySide(_ a: any Rule, _ b: any Rule, _ network: any Model, _ data: Dataset, general: Bool,
                           sourceLocation: SourceLocation = #_sourceLocation) -> [any DynamicsKernel] {
        let kernels = [a, b].map {
            KernelFactory.make(rule: $0, model: network, dataset: data, loss: Loss.logistic.margin, learningRate: 0.1, forceGeneral: general)
        }
        var scan = GrowthScan(dimension: data.dimension)
        for _ in 0..<100 { for k in kernels { #expect(k.step(scan: &scan), sourceLocation: sourceLocation) } }
        return kernels
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, 1e-300)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }
}
