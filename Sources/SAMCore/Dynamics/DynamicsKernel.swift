/// One discrete step w <- w - eta grad L(w + eps(w)) on a fixed dataset and network, with the state inside.
///
/// A kernel owns the weights and whatever it has precomputed for them. `step` returns false when the new
/// state is not finite (weights, beta or a margin overflowed, or the perturbation coefficient did): the state is
/// then unusable and the caller restores a saved one. The scan collects, from beta(k) and beta(k+1), which
/// coordinate grew fastest and which weights crossed zero during the step.
public protocol DynamicsKernel: AnyObject {
    var dimension: Int { get }
    /// Layer-major weights; setting them recomputes everything derived from them.
    var weights: [Double] { get set }
    func observe(includeBeta: Bool) -> StateObservation
    func step(scan: inout GrowthScan) -> Bool
}

/// What can be read off a state without stepping.
public struct StateObservation: Sendable {
    /// log of the mean loss.
    public var logLoss: Double
    /// min_n y_n <beta, x_n>.
    public var margin: Double
    /// ||beta||_2.
    public var norm: Double
    /// beta, when asked for.
    public var beta: [Double]?
}

/// Builds the kernel that suits a dataset: one fused pass per step for a single example, a general one otherwise.
public enum KernelFactory {
    public static func make(network: DiagonalNetwork, dataset: Dataset, loss: Loss, learningRate: Double,
                            perturbation: any Perturbation, forceGeneral: Bool = false) -> any DynamicsKernel {
        if dataset.count == 1 && !forceGeneral {
            return SingleExampleKernel(network: network, dataset: dataset, loss: loss, learningRate: learningRate,
                                       perturbation: perturbation)
        }
        return GeneralKernel(network: network, dataset: dataset, loss: loss, learningRate: learningRate, perturbation: perturbation)
    }
}
