import Foundation

/// The Hessian oracle of any model with any loss, on the flat weight vector (THEORY.md §8.5): exact
/// Hessian-vector products from the model's pullback, pushforward and `pullbackDerivative`, and the loss's log-scaled
/// slopes and curvatures.
///
/// With p_n = <beta(w), x_n>, l_n'(p_n) = e^sigma r_n and l_n''(p_n) = e^sigma c_n (`TrainingLoss`), and J = d beta / dw,
///
///     H = (1/n) sum_n [ l_n'' J^T x_n x_n^T J + l_n' sum_j x_nj Hess beta_j ] = e^s A,   s = sigma - log n,
///     A v = J^T X^T diag(c) X J v + sum_j gbar_j (Hess beta_j) v,   gbar = X^T r,
///
/// so a product costs one pushforward, one pullback and one `pullbackDerivative`. The trace is exact:
/// tr A = sum_n c_n ||J^T x_n||^2 + `Model.secondOrderTrace` (one pullback per example).
public struct ParameterHessian: HessianOracle {
    /// The number of weights.
    public let parameterCount: Int
    /// s = sigma - log n.
    public let logScale: Double
    /// tr A.
    public let scaledTrace: Double
    /// log ||grad L||_2.
    public let logGradientNorm: Double
    let model: any Model
    let weights: [Double]
    let points: [Double]
    let examples: Int, dimension: Int
    let curvatures: [Double]
    /// gbar = X^T r.
    let slopeSum: [Double]

    /// The oracle of `model` with `loss` on `dataset` at `weights`; a non-finite beta, prediction, slope or
    /// curvature is a failure naming it.
    public init(model: any Model, loss: any TrainingLoss, dataset: Dataset, weights: [Double]) throws(SharpnessFailure) {
        let d = dataset.dimension, n = dataset.count
        guard weights.count == model.parameterCount else { throw SharpnessFailure("\(weights.count) weights for a model of \(model.parameterCount)") }
        guard weights.allSatisfy(\.isFinite) else { throw SharpnessFailure("the weights are not finite") }
        let beta = model.beta(of: weights)
        guard beta.allSatisfy(\.isFinite) else { throw SharpnessFailure("beta overflows at these weights") }
        let points = dataset.points.flatMap { $0 }
        let p = ParameterKernel.predictions(beta, points: points, count: n, dimension: d)
        guard p.allSatisfy(\.isFinite) else { throw SharpnessFailure("a prediction is not finite") }
        var r = [Double](repeating: 0, count: n), c = [Double](repeating: 0, count: n)
        let sigma = p.withUnsafeBufferPointer { pb in r.withUnsafeMutableBufferPointer { loss.slopes(predictions: pb, labels: dataset.labels, into: $0) } }
        p.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { loss.curvatures(predictions: pb, labels: dataset.labels, logScale: sigma, into: $0) } }
        guard sigma.isFinite, r.allSatisfy(\.isFinite) else { throw SharpnessFailure("the loss's slope is not finite") }
        guard c.allSatisfy(\.isFinite) else { throw SharpnessFailure("the loss's curvature is not finite") }
        var gbar = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { gbar[j] += r[i] * points[i * d + j] } }
        var trace = model.secondOrderTrace(weights: weights, betaGradient: gbar)
        for i in 0..<n where c[i] != 0 {
            let row = model.pullback(weights: weights, betaGradient: Array(points[i * d..<(i + 1) * d]))
            trace += c[i] * row.reduce(0) { $0 + $1 * $1 }
        }
        guard trace.isFinite else { throw SharpnessFailure("the Hessian's trace is not finite") }
        let gradient = model.pullback(weights: weights, betaGradient: gbar)
        let norm = DiagonalHessian.norm(gradient)
        guard norm.isFinite else { throw SharpnessFailure("the gradient is not finite") }
        parameterCount = weights.count
        logScale = sigma - Foundation.log(Double(n))
        scaledTrace = trace
        logGradientNorm = norm > 0 ? logScale + Foundation.log(norm) : -.infinity
        self.model = model
        self.weights = weights
        self.points = points
        (examples, dimension) = (n, d)
        curvatures = c
        slopeSum = gbar
    }

    /// out = A v (see the type's description).
    public func multiply(_ v: [Double], into out: inout [Double]) {
        let d = dimension
        let u = model.pushforward(weights: weights, velocity: v)
        var back = [Double](repeating: 0, count: d)
        for i in 0..<examples where curvatures[i] != 0 {
            var t = 0.0
            for j in 0..<d { t += points[i * d + j] * u[j] }
            let weight = curvatures[i] * t
            for j in 0..<d { back[j] += weight * points[i * d + j] }
        }
        let first = model.pullback(weights: weights, betaGradient: back)
        let second = model.pullbackDerivative(weights: weights, betaGradient: slopeSum, direction: v)
        for i in 0..<out.count { out[i] = first[i] + second[i] }
    }
}
