import Foundation

/// The kernel for any dataset of n examples.
///
/// With a_n = y_n x_n and r_n = |l'(z_n)| e^-M (M the largest log |l'(z_n)|), the gradient with respect to beta is
/// e^s g_beta with s = M - log n and g_beta = -sum_n r_n a_n, and the gradient of weight theta_l of coordinate j is
/// e^s g_beta_j d beta_j / d theta_l. A step: margins, gradient, perturbation coefficient, perturbed weights and
/// margins, perturbed gradient, update. Beta and the margins of the new weights are kept for the next step.
public final class GeneralKernel<P: Perturbation>: DynamicsKernel {
    public let dimension: Int
    let count: Int
    let algebra: CoordinateAlgebra
    let layerCount: Int
    /// a_n = y_n x_n, row-major n x d.
    let features: [Double]
    let loss: Loss
    let learningRate: Double
    let perturbation: P
    var theta: [Double]
    var beta: [Double]
    var margins: [Double]
    // Work buffers, allocated once.
    var perturbed: [Double]
    var perturbedBeta: [Double]
    var perturbedMargins: [Double]
    var betaGradient: [Double]
    var parameterGradient: [Double]
    var weightsOfExamples: [Double]

    public init(network: DiagonalNetwork, dataset: Dataset, loss: Loss, learningRate: Double, perturbation: P) {
        dimension = network.dimension
        count = dataset.count
        algebra = network.algebra
        layerCount = network.layerCount
        features = dataset.signedFeatures
        self.loss = loss
        self.learningRate = learningRate
        self.perturbation = perturbation
        theta = network.initialWeights
        beta = Array(repeating: 0, count: dimension)
        margins = Array(repeating: 0, count: dataset.count)
        perturbed = theta
        perturbedBeta = beta
        perturbedMargins = margins
        betaGradient = beta
        parameterGradient = theta
        weightsOfExamples = margins
        prepare()
    }

    public var weights: [Double] {
        get { theta }
        set {
            precondition(newValue.count == theta.count)
            theta = newValue
            prepare()
        }
    }

    func prepare() {
        Self.computeBeta(algebra, theta, dimension, into: &beta)
        Self.computeMargins(features, beta, count, dimension, into: &margins)
    }

    public func observe(includeBeta: Bool) -> StateObservation {
        let logLoss = margins.withUnsafeBufferPointer { loss.logMeanValue(margins: $0) }
        return StateObservation(logLoss: logLoss, margin: margins.min()!,
                                norm: beta.reduce(0) { $0 + $1 * $1 }.squareRoot(), beta: includeBeta ? beta : nil)
    }

    static func computeBeta(_ algebra: CoordinateAlgebra, _ theta: [Double], _ d: Int, into beta: inout [Double]) {
        theta.withUnsafeBufferPointer { w in
            for j in 0..<d { beta[j] = algebra.beta(w.baseAddress! + j, stride: d) }
        }
    }

    static func computeMargins(_ a: [Double], _ beta: [Double], _ n: Int, _ d: Int, into z: inout [Double]) {
        for i in 0..<n {
            var s = 0.0
            for j in 0..<d { s += a[i * d + j] * beta[j] }
            z[i] = s
        }
    }

    /// g_beta = -sum_n r_n a_n into `betaGradient`; returns the log-scale s.
    func gradient(at z: [Double]) -> Double {
        let n = count, d = dimension
        var largest = -Double.infinity
        for i in 0..<n { largest = max(largest, loss.logSlope(margin: z[i])) }
        for i in 0..<n { weightsOfExamples[i] = Foundation.exp(loss.logSlope(margin: z[i]) - largest) }
        for j in 0..<d { betaGradient[j] = 0 }
        for i in 0..<n {
            let r = weightsOfExamples[i]
            for j in 0..<d { betaGradient[j] -= r * features[i * d + j] }
        }
        return largest - Foundation.log(Double(n))
    }

    public func step(scan: inout GrowthScan) -> Bool {
        let d = dimension, m = layerCount
        guard margins.allSatisfy(\.isFinite) else { return false }
        let s = gradient(at: margins)
        var factorScale = s
        if !perturbation.isZero {
            // ghat_l = g_beta_j d beta_j / d theta_l over all parameters, then theta + eps(ghat).
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m) { scratch in
                let local = scratch.baseAddress!, grad = local + m
                for j in 0..<d {
                    for l in 0..<m { local[l] = theta[l * d + j] }
                    algebra.betaGradient(local, stride: 1, into: grad)
                    for l in 0..<m { parameterGradient[l * d + j] = betaGradient[j] * grad[l] }
                }
            }
            guard let eps = perturbation.epsilon(weights: theta, gradientDirection: parameterGradient, logScale: s) else {
                return false
            }
            for i in 0..<theta.count { perturbed[i] = theta[i] + eps[i] }
            guard perturbed.allSatisfy(\.isFinite) else { return false }
            Self.computeBeta(algebra, perturbed, d, into: &perturbedBeta)
            Self.computeMargins(features, perturbedBeta, count, d, into: &perturbedMargins)
            guard perturbedMargins.allSatisfy(\.isFinite) else { return false }
            factorScale = gradient(at: perturbedMargins)
        } else {
            perturbed = theta
        }
        // theta_l -= eta e^s' g'_beta_j d beta_j / d theta_l (at the perturbed weights).
        let factor = learningRate * Foundation.exp(factorScale)
        var finite = 0.0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 6 * m) { scratch in
            let local = scratch.baseAddress!, grad = local + m, direction = grad + m, old = direction + m
            let spare = old + m, new = spare + m
            for j in 0..<d {
                for l in 0..<m { local[l] = perturbed[l * d + j] }
                algebra.betaGradient(local, stride: 1, into: grad)
                var crossed = false
                for l in 0..<m {
                    let before = theta[l * d + j]
                    direction[l] = -betaGradient[j] * grad[l]
                    let after = before + factor * direction[l]
                    theta[l * d + j] = after
                    old[l] = before
                    new[l] = after
                    finite += after * 0
                    crossed = crossed || (before > 0 && after <= 0) || (before < 0 && after >= 0)
                }
                if scan.tracksLeaders || crossed {
                    algebra.betaGradient(old, stride: 1, into: grad)
                    scan.observe(coordinate: j, before: beta[j], after: algebra.beta(new, stride: 1),
                                 scaledIncrement: algebra.scaledIncrement(old, stride: 1, direction: direction, factor: factor,
                                                                          gradient: grad, scratch: spare),
                                 factor: factor, crossedZero: crossed)
                }
            }
        }
        prepare()
        return finite == 0 && beta.allSatisfy(\.isFinite) && margins.allSatisfy(\.isFinite)
    }
}
