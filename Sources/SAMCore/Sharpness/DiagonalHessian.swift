import Foundation

/// The Hessian oracle of a diagonal model with a margin loss: exact Hessian-vector products and trace of
/// L(w) = (1/n) sum_n l(z_n), z_n = <beta(w), a_n>, a_n = y_n x_n (THEORY.md §8.1).
///
/// With J_n = grad_w z_n (entry (l, j) = a_nj d beta_j / d theta_l) and K_j the Hessian of beta_j with respect to
/// coordinate j's weights (`LaneAlgebra.betaHessian(_:)`),
///
///     H = (1/n) sum_n [ l''(z_n) J_n J_n^T + l'(z_n) sum_j a_nj K_j ].
///
/// In log space, |l'(z_n)| = e^M q_n with M = max_n log |l'(z_n)| and q_n in (0, 1], and l'' = |l'| r with r the
/// curvature ratio (`MarginLoss.curvatureRatio(margin:)`); SAMLab's losses have l' < 0. So H = e^s A with
/// s = M - log n and A = sum_n q_n r_n J_n J_n^T - blockdiag_j(c_j K_j), c_j = sum_n q_n a_nj. A product A v costs
/// O(n d + d m^2) for m weights per coordinate: u = J v (one number per coordinate), t_n = <a_n, u>, then
/// (A v)_(l, j) = (d beta_j / d theta_l) sum_n a_nj q_n r_n t_n - c_j (K_j v_j)_l. The trace is
/// sum_j [ (sum_n q_n r_n a_nj^2) ||grad beta_j||^2 - c_j tr K_j ].
public struct DiagonalHessian: HessianOracle {
    /// P = m d, the weights of the model, layer-major as in `Model.initialWeights`.
    public let parameterCount: Int
    /// s = max_n log |l'(z_n)| - log n.
    public let logScale: Double
    /// tr A.
    public let scaledTrace: Double
    /// log ||grad L||_2 = s + log ||sum_n q_n a_n (d beta / d w)||_2.
    public let logGradientNorm: Double
    let dimension: Int, layers: Int, examples: Int
    /// a_n = y_n x_n, n rows of d.
    let features: [Double]
    /// d beta_j / d theta_l at entry l d + j.
    let betaGradient: [Double]
    /// d^2 beta_j / d theta_l d theta_k at entry (l m + k) d + j.
    let betaHessian: [Double]
    /// c_j = sum_n q_n a_nj.
    let slopeSums: [Double]
    /// q_n r_n.
    let curvatures: [Double]

    /// The oracle of `model` with `loss` on `dataset` at the layer-major `weights`; a non-finite beta, margin,
    /// derivative or curvature is a failure naming it.
    public init(model: any DiagonalModel, loss: any MarginLoss, dataset: Dataset, weights: [Double]) throws(SharpnessFailure) {
        let d = dataset.dimension, m = model.layerCount, n = dataset.count
        guard weights.count == m * d else { throw SharpnessFailure("\(weights.count) weights for \(m) layers of dimension \(d)") }
        guard weights.allSatisfy(\.isFinite) else { throw SharpnessFailure("the weights are not finite") }
        let parts = Self.coordinateDerivatives(model.laneAlgebra, weights: weights, dimension: d)
        guard parts.beta.allSatisfy(\.isFinite), parts.gradient.allSatisfy(\.isFinite), parts.hessian.allSatisfy(\.isFinite) else {
            throw SharpnessFailure("beta or its first or second derivatives overflow at these weights")
        }
        let a = dataset.signedFeatures
        var margins = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var z = 0.0
            for j in 0..<d { z += a[i * d + j] * parts.beta[j] }
            margins[i] = z
        }
        guard margins.allSatisfy(\.isFinite) else { throw SharpnessFailure("a margin is not finite") }
        let logSlopes = margins.map { loss.logSlope(margin: $0) }
        let largest = logSlopes.max()!
        guard largest.isFinite else { throw SharpnessFailure("log |l'| is not finite") }
        let q = logSlopes.map { Foundation.exp($0 - largest) }
        let curvatures = zip(q, margins).map { $0 * loss.curvatureRatio(margin: $1) }
        guard curvatures.allSatisfy(\.isFinite) else { throw SharpnessFailure("the loss's curvature l''/|l'| is not finite") }
        var slopeSums = [Double](repeating: 0, count: d), squareSums = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let x = a[i * d + j]
                slopeSums[j] += q[i] * x
                squareSums[j] += curvatures[i] * x * x
            }
        }
        var trace = 0.0
        var gradientTerms = [Double]()
        gradientTerms.reserveCapacity(m * d)
        for j in 0..<d {
            var gradientSquare = 0.0, hessianTrace = 0.0
            for l in 0..<m {
                let g = parts.gradient[l * d + j]
                gradientSquare += g * g
                hessianTrace += parts.hessian[(l * m + l) * d + j]
                gradientTerms.append(slopeSums[j] * g)
            }
            trace += squareSums[j] * gradientSquare - slopeSums[j] * hessianTrace
        }
        guard trace.isFinite else { throw SharpnessFailure("the Hessian's trace is not finite") }
        let gradientNorm = Self.norm(gradientTerms)
        guard gradientNorm.isFinite else { throw SharpnessFailure("the gradient is not finite") }
        parameterCount = m * d
        logScale = largest - Foundation.log(Double(n))
        scaledTrace = trace
        logGradientNorm = gradientNorm > 0 ? logScale + Foundation.log(gradientNorm) : -.infinity
        (dimension, layers, examples) = (d, m, n)
        features = a
        betaGradient = parts.gradient
        betaHessian = parts.hessian
        self.slopeSums = slopeSums
        self.curvatures = curvatures
    }

    /// out = A v (see the type's description).
    public func multiply(_ v: [Double], into out: inout [Double]) {
        let d = dimension, m = layers
        var u = [Double](repeating: 0, count: d)
        for l in 0..<m {
            for j in 0..<d { u[j] += betaGradient[l * d + j] * v[l * d + j] }
        }
        var back = [Double](repeating: 0, count: d)
        for i in 0..<examples {
            var t = 0.0
            for j in 0..<d { t += features[i * d + j] * u[j] }
            let weight = curvatures[i] * t
            for j in 0..<d { back[j] += weight * features[i * d + j] }
        }
        for l in 0..<m {
            for j in 0..<d {
                var block = 0.0
                for k in 0..<m { block += betaHessian[(l * m + k) * d + j] * v[k * d + j] }
                out[l * d + j] = betaGradient[l * d + j] * back[j] - slopeSums[j] * block
            }
        }
    }

    /// beta_j, d beta_j / d theta_l (entry l d + j) and d^2 beta_j / d theta_l d theta_k (entry (l m + k) d + j)
    /// from the model's algebra, block by block; with `secondOrder` false the Hessian is not formed (empty), which
    /// the pullback and pushforward of the general path do not need.
    static func coordinateDerivatives<A: LaneAlgebra>(_ algebra: A, weights: [Double], dimension d: Int, secondOrder: Bool = true)
        -> (beta: [Double], gradient: [Double], hessian: [Double]) {
        let m = algebra.layerCount
        let padded = PaddedLayers(weights: weights, dimension: d, layers: m)
        let blocks = padded.blocks
        var beta = [Double](repeating: 0, count: d)
        var gradient = [Double](repeating: 0, count: m * d), hessian = [Double](repeating: 0, count: secondOrder ? m * m * d : 0)
        padded.storage.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let theta = algebra.load(w.baseAddress!, block: b, blocks: blocks)
                let value = algebra.beta(theta), first = algebra.betaGradient(theta), second = secondOrder ? algebra.betaHessian(theta) : []
                for lane in 0..<Lanes.scalarCount where b * Lanes.scalarCount + lane < d {
                    let j = b * Lanes.scalarCount + lane
                    beta[j] = value[lane]
                    for l in 0..<m {
                        gradient[l * d + j] = first[l][lane]
                        if secondOrder { for k in 0..<m { hessian[(l * m + k) * d + j] = second[l * m + k][lane] } }
                    }
                }
            }
        }
        return (beta, gradient, hessian)
    }

    /// ||v||_2, scaled by the largest entry so that it neither overflows nor underflows.
    static func norm(_ v: [Double]) -> Double {
        let scale = v.reduce(0) { max($0, abs($1)) }
        guard scale > 0, scale.isFinite else { return scale }
        return scale * v.reduce(0) { $0 + ($1 / scale) * ($1 / scale) }.squareRoot()
    }
}
