import Foundation

/// The kernel for any dataset of n examples.
///
/// With a_n = y_n x_n and r_n = |l'(z_n)| e^-M (M the largest log |l'(z_n)|), the gradient with respect to beta is
/// e^s g_beta with s = M - log n and g_beta = -sum_n r_n a_n, and the gradient of weight theta_l of coordinate j is
/// e^s g_beta_j d beta_j / d theta_l. A step: margins, gradient, perturbation coefficient, perturbed weights and
/// margins, perturbed gradient, update. Beta and the margins of the new weights are kept for the next step.
/// Coordinates go four at a time (`Lanes`), padded with zero weights and features.
public final class GeneralKernel: DynamicsKernel {
    public let dimension: Int
    let count: Int
    let algebra: CoordinateAlgebra
    let layerCount: Int
    let blocks: Int
    /// a_n = y_n x_n: n rows of `blocks` lanes.
    let features: [Lanes]
    let loss: Loss
    let learningRate: Double
    let perturbation: PerturbationKind
    var theta: [Lanes]
    var beta: [Lanes]
    var margins: [Double]
    // Work buffers, allocated once.
    var perturbed: [Lanes]
    var perturbedBeta: [Lanes]
    var perturbedMargins: [Double]
    var betaGradient: [Lanes]
    var weightsOfExamples: [Double]

    public init(network: DiagonalNetwork, dataset: Dataset, loss: Loss, learningRate: Double, perturbation: any Perturbation) {
        dimension = network.dimension
        count = dataset.count
        algebra = network.algebra
        layerCount = network.layerCount
        let padded = PaddedLayers(weights: network.initialWeights, dimension: network.dimension, layers: network.layerCount)
        blocks = padded.blocks
        theta = padded.storage
        features = PaddedLayers(weights: dataset.signedFeatures, dimension: dataset.dimension, layers: dataset.count).storage
        self.loss = loss
        self.learningRate = learningRate
        self.perturbation = PerturbationKind(perturbation)
        beta = Array(repeating: .zero, count: blocks)
        margins = Array(repeating: 0, count: dataset.count)
        perturbed = theta
        perturbedBeta = beta
        perturbedMargins = margins
        betaGradient = beta
        weightsOfExamples = margins
        prepare()
    }

    public var weights: [Double] {
        get { PaddedLayers(storage: theta, dimension: dimension, layers: layerCount).weights }
        set {
            precondition(newValue.count == layerCount * dimension)
            theta = PaddedLayers(weights: newValue, dimension: dimension, layers: layerCount).storage
            prepare()
        }
    }

    func prepare() {
        computeBeta(of: theta, into: &beta)
        computeMargins(of: beta, into: &margins)
    }

    public func observe(includeBeta: Bool) -> StateObservation {
        let logLoss = margins.withUnsafeBufferPointer { loss.logMeanValue(margins: $0) }
        let norm = beta.reduce(Lanes.zero) { $0 + $1 * $1 }.sum().squareRoot()
        let values = includeBeta ? (0..<dimension).map { beta[$0 / Lanes.scalarCount][$0 % Lanes.scalarCount] } : nil
        return StateObservation(logLoss: logLoss, margin: margins.min()!, norm: norm, beta: values)
    }

    func computeBeta(of weights: [Lanes], into out: inout [Lanes]) {
        let blocks = self.blocks
        weights.withUnsafeBufferPointer { w in
            for b in 0..<blocks { out[b] = algebra.beta(algebra.load(w.baseAddress!, block: b, blocks: blocks)) }
        }
    }

    func computeMargins(of beta: [Lanes], into z: inout [Double]) {
        for i in 0..<count {
            var s = Lanes.zero
            for b in 0..<blocks { s += features[i * blocks + b] * beta[b] }
            z[i] = s.sum()
        }
    }

    /// g_beta = -sum_n r_n a_n into `betaGradient`; returns the log-scale s.
    func gradient(at z: [Double]) -> Double {
        var largest = -Double.infinity
        for i in 0..<count { largest = max(largest, loss.logSlope(margin: z[i])) }
        for i in 0..<count { weightsOfExamples[i] = Foundation.exp(loss.logSlope(margin: z[i]) - largest) }
        for b in 0..<blocks { betaGradient[b] = .zero }
        for i in 0..<count {
            let r = weightsOfExamples[i]
            for b in 0..<blocks { betaGradient[b] -= r * features[i * blocks + b] }
        }
        return largest - Foundation.log(Double(count))
    }

    public func step(scan: inout GrowthScan) -> Bool {
        switch perturbation {
        case .none(let p): step(p, &scan)
        case .l2(let p): step(p, &scan)
        case .linf(let p): step(p, &scan)
        case .unnormalized(let p): step(p, &scan)
        case .other(let p): step(p, &scan)
        }
    }

    /// The gradient at the perturbed point w + eps(w) for the current weights: fills `perturbed` and, with
    /// `betaGradient` and `weightsOfExamples`, the gradient there; returns its log-scale s', or nil if not finite.
    func perturbedGradient<P: Perturbation>(_ perturbation: P) -> Double? {
        let m = layerCount, blocks = self.blocks, algebra = self.algebra
        guard margins.allSatisfy(\.isFinite) else { return nil }
        let s = gradient(at: margins)
        if perturbation.isZero {
            perturbed = theta
            return s
        }
        // ghat_l = g_beta_j d beta_j / d theta_l over all parameters; eps = c shape(ghat, theta).
        var normalizer = Lanes.zero
        theta.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let old = algebra.load(w.baseAddress!, block: b, blocks: blocks)
                let grad = algebra.betaGradient(old)
                for l in 0..<m { normalizer += perturbation.normalizerTerm(gradient: betaGradient[b] * grad[l], weight: old[l]) }
            }
        }
        let c = perturbation.coefficient(logGradientScale: s, normalizer: normalizer.sum())
        guard c.isFinite, normalizer.sum().isFinite else { return nil }
        theta.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let old = algebra.load(w.baseAddress!, block: b, blocks: blocks)
                let grad = algebra.betaGradient(old)
                for l in 0..<m {
                    perturbed[l * blocks + b] = old[l] + c * perturbation.shape(gradient: betaGradient[b] * grad[l], weight: old[l])
                }
            }
        }
        computeBeta(of: perturbed, into: &perturbedBeta)
        computeMargins(of: perturbedBeta, into: &perturbedMargins)
        guard perturbedMargins.allSatisfy(\.isFinite) else { return nil }
        return gradient(at: perturbedMargins)
    }

    func step<P: Perturbation>(_ perturbation: P, _ scan: inout GrowthScan) -> Bool {
        let m = layerCount, blocks = self.blocks, d = dimension, algebra = self.algebra
        guard let factorScale = perturbedGradient(perturbation) else { return false }
        // theta_l += f u_l, u_l = -g'_beta_j d beta_j / d theta_l at the perturbed weights, f = eta e^s'.
        let factor = learningRate * Foundation.exp(factorScale)
        var check = Lanes.zero
        for b in 0..<blocks {
            let moved = perturbed.withUnsafeBufferPointer { algebra.load($0.baseAddress!, block: b, blocks: blocks) }
            let old = theta.withUnsafeBufferPointer { algebra.load($0.baseAddress!, block: b, blocks: blocks) }
            let gradMoved = algebra.betaGradient(moved)
            var direction = CoordinateAlgebra.Storage(), new = CoordinateAlgebra.Storage()
            var crossed = SIMDMask<Lanes.MaskStorage>(repeating: false)
            for l in 0..<m {
                direction[l] = -betaGradient[b] * gradMoved[l]
                new[l] = old[l] + factor * direction[l]
                theta[l * blocks + b] = new[l]
                check += new[l] * 0
                crossed = crossed .| GrowthScan.crossings(old: old[l], new: new[l])
            }
            if scan.tracksLeaders || any(crossed) {
                scan.observe(block: b, dimension: d, before: beta[b], after: algebra.beta(new),
                             scaledIncrement: algebra.scaledIncrement(old, direction: direction, factor: factor,
                                                                      gradient: algebra.betaGradient(old)),
                             factor: factor, crossedZero: crossed)
            }
        }
        prepare()
        return check.sum() == 0 && beta.allSatisfy { $0.sum().isFinite } && margins.allSatisfy(\.isFinite)
    }

    /// The SAM flow's field at `weights` (layer-major): -grad L(w + eps(w)), or, rescaled, that divided by the mean
    /// |l'| at the perturbed point (PAPER.md: a time change, same path). Both are computed from the log-scaled
    /// gradient, so neither overflows nor loses the direction when |l'| underflows. Returns false when the field is
    /// not finite. The kernel's weights become `weights`.
    public func velocity(at weights: UnsafeBufferPointer<Double>, rescaled: Bool,
                         into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let d = dimension, blocks = self.blocks, algebra = self.algebra, m = layerCount
        for l in 0..<m {
            for b in 0..<blocks {
                var lanes = Lanes.zero
                for lane in 0..<Lanes.scalarCount where b * Lanes.scalarCount + lane < d {
                    lanes[lane] = weights[l * d + b * Lanes.scalarCount + lane]
                }
                theta[l * blocks + b] = lanes
            }
        }
        prepare()
        let scale: Double? = switch perturbation {
        case .none(let p): perturbedGradient(p)
        case .l2(let p): perturbedGradient(p)
        case .linf(let p): perturbedGradient(p)
        case .unnormalized(let p): perturbedGradient(p)
        case .other(let p): perturbedGradient(p)
        }
        guard let s = scale else { return false }
        // -grad L = -e^s' g'_beta dbeta/dtheta; mean |l'| = e^s' sum_n r'_n.
        let factor = rescaled ? 1 / weightsOfExamples.reduce(0, +) : Foundation.exp(s)
        var finite = true
        perturbed.withUnsafeBufferPointer { p in
            for b in 0..<blocks {
                let grad = algebra.betaGradient(algebra.load(p.baseAddress!, block: b, blocks: blocks))
                for l in 0..<m {
                    let v = -factor * (betaGradient[b] * grad[l])
                    for lane in 0..<Lanes.scalarCount where b * Lanes.scalarCount + lane < d {
                        out[l * d + b * Lanes.scalarCount + lane] = v[lane]
                        finite = finite && v[lane].isFinite
                    }
                }
            }
        }
        return finite
    }

    /// d beta_j / dt for a velocity of the weights (chain rule), at the kernel's current weights.
    public func betaVelocity(_ velocity: UnsafeBufferPointer<Double>) -> [Double] {
        let d = dimension, blocks = self.blocks, algebra = self.algebra, m = layerCount
        var result = [Double](repeating: 0, count: d)
        theta.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let grad = algebra.betaGradient(algebra.load(w.baseAddress!, block: b, blocks: blocks))
                var total = Lanes.zero
                for l in 0..<m {
                    var v = Lanes.zero
                    for lane in 0..<Lanes.scalarCount where b * Lanes.scalarCount + lane < d {
                        v[lane] = velocity[l * d + b * Lanes.scalarCount + lane]
                    }
                    total += grad[l] * v
                }
                for lane in 0..<Lanes.scalarCount where b * Lanes.scalarCount + lane < d {
                    result[b * Lanes.scalarCount + lane] = total[lane]
                }
            }
        }
        return result
    }
}
