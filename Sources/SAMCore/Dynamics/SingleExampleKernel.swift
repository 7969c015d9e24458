import Foundation

/// The fused kernel for a single example (x, y): one pass over the coordinates per step.
///
/// With one example, the gradient over all parameters is l'(z) times a vector that depends on the weights only,
/// ghat_l = -a_j d beta_j / d theta_l (a = y x), and every perturbation rule is eps = c * shape(ghat, theta) with one
/// common coefficient c. So the perturbed margin is a polynomial in c,
///
///     z(c) = sum_j a_j beta_j(theta_j + c D_j) = sum_k m_k c^k,
///
/// whose coefficients m_k (with m_0 = z) are sums over coordinates. The pass that updates the weights also
/// accumulates the m_k and the normalizer of the next step, so a step reads and writes each weight once: the
/// memory traffic of the step is that of the update itself.
public final class SingleExampleKernel<P: Perturbation>: DynamicsKernel {
    public let dimension: Int
    let algebra: CoordinateAlgebra
    let layerCount: Int
    let signedFeature: [Double]
    let loss: Loss
    let learningRate: Double
    let perturbation: P
    var theta: [Double]
    /// m_0...m_L for the current weights.
    var moments: [Double]
    var normalizer = 0.0
    var stateIsFinite = true

    public init(network: DiagonalNetwork, dataset: Dataset, loss: Loss, learningRate: Double, perturbation: P) {
        precondition(dataset.count == 1)
        dimension = network.dimension
        algebra = network.algebra
        layerCount = network.layerCount
        signedFeature = dataset.signedFeatures
        self.loss = loss
        self.learningRate = learningRate
        self.perturbation = perturbation
        theta = network.initialWeights
        moments = Array(repeating: 0, count: network.depth + 1)
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

    public func observe(includeBeta: Bool) -> StateObservation {
        let z = moments[0]
        var norm2 = 0.0
        var beta: [Double]? = includeBeta ? [] : nil
        beta?.reserveCapacity(dimension)
        theta.withUnsafeBufferPointer { w in
            for j in 0..<dimension {
                let b = algebra.beta(w.baseAddress! + j, stride: dimension)
                norm2 += b * b
                beta?.append(b)
            }
        }
        return StateObservation(logLoss: loss.logValue(margin: z), margin: z, norm: norm2.squareRoot(), beta: beta)
    }

    /// Computes m_k and the normalizer for the current weights (the same arithmetic as the fused update pass, so
    /// a restored state continues bit for bit as if it had never been interrupted).
    func prepare() {
        let algebra = self.algebra, m = layerCount, d = dimension, depth = algebra.depth
        var finite = 0.0
        var norm = 0.0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * m + 2 * (depth + 1)) { scratch in
            let local = scratch.baseAddress!, grad = local + m, dir = grad + m, poly = dir + 2 * m
            let sums = poly + depth + 1
            for k in 0...depth { sums[k] = 0 }
            theta.withUnsafeBufferPointer { w in
                signedFeature.withUnsafeBufferPointer { a in
                    for j in 0..<d {
                        for l in 0..<m { local[l] = w[l * d + j] }
                        Self.accumulate(algebra, perturbation, local: local, feature: a[j], grad: grad, dir: dir,
                                        poly: poly, sums: sums, normalizer: &norm, finite: &finite)
                    }
                }
            }
            for k in 0...depth { moments[k] = sums[k] }
        }
        normalizer = norm
        stateIsFinite = finite == 0 && moments.allSatisfy(\.isFinite) && norm.isFinite
    }

    /// Adds coordinate j's share of m_0...m_L and of the normalizer; `finite` stays 0 unless a weight or beta_j is
    /// inf or NaN (x * 0 is NaN exactly then).
    @inline(__always)
    static func accumulate(_ algebra: CoordinateAlgebra, _ perturbation: P, local: UnsafeMutablePointer<Double>,
                           feature a: Double, grad: UnsafeMutablePointer<Double>, dir: UnsafeMutablePointer<Double>,
                           poly: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>,
                           normalizer: inout Double, finite: inout Double) {
        let m = algebra.layerCount, depth = algebra.depth
        algebra.betaGradient(local, stride: 1, into: grad)
        for l in 0..<m {
            let g = -a * grad[l]
            dir[l] = perturbation.shape(gradient: g, weight: local[l])
            normalizer += perturbation.normalizerTerm(gradient: g, weight: local[l])
            finite += local[l] * 0
        }
        if perturbation.isZero {
            let b = algebra.beta(local, stride: 1)
            sums[0] += a * b
            finite += b * 0
        } else {
            algebra.perturbedBetaPolynomial(local, stride: 1, direction: dir, into: poly)
            for k in 0...depth { sums[k] += a * poly[k] }
            finite += poly[0] * 0
        }
    }

    public func step(scan: inout GrowthScan) -> Bool {
        guard stateIsFinite else { return false }
        let s = loss.logSlope(margin: moments[0])
        let c = perturbation.isZero ? 0 : perturbation.coefficient(logGradientScale: s, normalizer: normalizer)
        guard c.isFinite else { return false }
        var perturbedMargin = 0.0
        for k in stride(from: algebra.depth, through: 0, by: -1) { perturbedMargin = perturbedMargin * c + moments[k] }
        guard perturbedMargin.isFinite else { return false }
        // Step factor eta |l'(z')|; the minus signs of l' and of the gradient cancel in theta += f a dbeta/dtheta.
        let factor = learningRate * Foundation.exp(loss.logSlope(margin: perturbedMargin))
        switch (algebra.parametrization, algebra.depth) {
        case (.product, 1): update(CoordinateAlgebra(parametrization: .product, depth: 1), c, factor, &scan)
        case (.product, 2): update(CoordinateAlgebra(parametrization: .product, depth: 2), c, factor, &scan)
        case (.product, 3): update(CoordinateAlgebra(parametrization: .product, depth: 3), c, factor, &scan)
        case (.signed, 2): update(CoordinateAlgebra(parametrization: .signed, depth: 2), c, factor, &scan)
        default: update(algebra, c, factor, &scan)
        }
        return stateIsFinite
    }

    /// The fused pass: perturb, update, record growth, and accumulate the next step's moments. Inlined into
    /// each call site of `step` with a constant algebra, so that the common depths get unrolled loops.
    @inline(__always)
    func update(_ algebra: CoordinateAlgebra, _ c: Double, _ factor: Double, _ scan: inout GrowthScan) {
        let m = algebra.layerCount, d = dimension, depth = algebra.depth
        let perturbation = self.perturbation
        var finite = 0.0
        var norm = 0.0
        let tracks = scan.tracksLeaders
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 9 * m + 2 * (depth + 1)) { scratch in
            let local = scratch.baseAddress!, grad = local + m, dir = grad + m, moved = dir + 2 * m
            let gradMoved = moved + m, direction = gradMoved + m, fresh = direction + m, spare = fresh + m
            let poly = spare + m, sums = poly + depth + 1
            for k in 0...depth { sums[k] = 0 }
            theta.withUnsafeMutableBufferPointer { w in
                signedFeature.withUnsafeBufferPointer { a in
                    for j in 0..<d {
                        let aj = a[j]
                        for l in 0..<m { local[l] = w[l * d + j] }
                        // Perturbed weights theta + c D, the gradient there, and the update theta + f u.
                        algebra.betaGradient(local, stride: 1, into: grad)
                        for l in 0..<m {
                            moved[l] = local[l] + c * perturbation.shape(gradient: -aj * grad[l], weight: local[l])
                        }
                        algebra.betaGradient(moved, stride: 1, into: gradMoved)
                        var crossed = false
                        for l in 0..<m {
                            let old = local[l]
                            direction[l] = aj * gradMoved[l]
                            let new = old + factor * direction[l]
                            w[l * d + j] = new
                            fresh[l] = new
                            crossed = crossed || (old > 0 && new <= 0) || (old < 0 && new >= 0)
                        }
                        if tracks || crossed {
                            scan.observe(coordinate: j, before: algebra.beta(local, stride: 1),
                                         after: algebra.beta(fresh, stride: 1),
                                         scaledIncrement: algebra.scaledIncrement(local, stride: 1, direction: direction,
                                                                                  factor: factor, gradient: grad, scratch: spare),
                                         factor: factor, crossedZero: crossed)
                        }
                        for l in 0..<m { local[l] = fresh[l] }
                        Self.accumulate(algebra, perturbation, local: local, feature: aj, grad: grad, dir: dir,
                                        poly: poly, sums: sums, normalizer: &norm, finite: &finite)
                    }
                }
            }
            for k in 0...depth { moments[k] = sums[k] }
        }
        normalizer = norm
        stateIsFinite = finite == 0 && moments.allSatisfy(\.isFinite) && norm.isFinite
    }
}
