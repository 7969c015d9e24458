import Foundation
@testable import SAMCore

/// The built-in models, rules and losses under the names the tests iterate over. The library has no such enums (a
/// spec names components by their registered names); these only spell the tests' cases.
enum Parametrization: String, CaseIterable {
    case product, signed

    func layerCount(depth: Int) -> Int { try! Registry.standard.model(named: rawValue).layerCount(depth: depth) }
}

enum Optimizer: String, CaseIterable {
    case gd, l2SAM = "l2-sam", linfSAM = "linf-sam", usam

    func rule(rho: Double) -> any Rule { try! Registry.standard.rule(named: rawValue).rule(RuleSpec(name: rawValue, rho: rho)) }
}

enum Loss: String, CaseIterable {
    case logistic, exponential

    var margin: any MarginLoss { try! Registry.standard.loss(named: rawValue).marginLoss()! }
    func logValue(margin z: Double) -> Double { margin.logValue(margin: z) }
    func logSlope(margin z: Double) -> Double { margin.logSlope(margin: z) }
}

extension RunSpec {
    /// A discrete run with the tests' defaults (those of `samlab train`).
    static func discrete(data: DataSource = .singleExample(mu: [1, 2]), depth: Int = 2, parametrization: Parametrization = .product,
                         alpha: [Double] = [0.5], layerInit: [[Double]]? = nil, loss: Loss = .logistic, optimizer: Optimizer = .gd,
                         learningRate: Double = 0.1, rho: Double = 0.1, steps: Int = 1000,
                         record: RecordingSchedule = .log(200)) -> RunSpec {
        RunSpec(data: data, model: ModelSpec(name: parametrization.rawValue, depth: depth, alpha: alpha, layerInit: layerInit),
                loss: loss.rawValue, rule: RuleSpec(name: optimizer.rawValue, rho: rho),
                dynamics: .discrete(DiscreteSettings(learningRate: learningRate, steps: steps)), record: record)
    }

    var steps: Int {
        get { discrete!.steps }
        set { discrete!.steps = newValue }
    }
}

/// The one-line message of whatever `body` throws ("" when it does not throw).
func errorMessage(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return ""
}
