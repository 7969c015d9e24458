import Foundation

/// The kernel for any model, any loss and any rule, on the flat weight vector: the path of the dense networks
/// (`DenseNetwork`), of regression losses (`SquaredLoss`), and of every combination the lane kernels do not cover.
///
/// It sees the model only through `Model`'s beta, pullback and pushforward, and the loss through `TrainingLoss`'s
/// log-scaled slopes, so it is plain array code, correct for any model but without the lane kernels'
/// specialization. A step (THEORY.md §1.4, §4.16, §4.17):
///
/// 1. The examples form groups: one group of all n, or consecutive groups of M (`Rule.exampleGroupSize`, m-sharpness).
/// 2. For group b with n_b examples, g_b = grad L_b(w) = e^(s_b) ghat_b, with ghat_b = J(w)^T sum_(n in b) r_n x_n
///    and s_b = s_loss - log n_b (`TrainingLoss.slopes`); eps_b is the rule's elementwise form of ghat_b
///    (`Rule.epsilon(weights:gradientDirection:logScale:)`), and g'_b = grad L_b(w + eps_b) the same way.
/// 3. The step direction is D = sum_b (n_b / n) g'_b; GSAM (`Rule.surrogateGapWeight` alpha) replaces it by
///    g_p - alpha g_perp, g_perp = g - (<g, g_p> / ||g_p||^2) g_p (g_perp = g when g_p = 0).
/// 4. w <- w - eta D. The flow's field is -D, or -D / (mean |l'| at the perturbed points) when rescaled.
///
/// Every sum over groups is carried in log scale (the largest e^(s'_b) factored out), so normalized rules keep their
/// direction where |l'| underflows, as in the lane kernels.
public final class ParameterKernel: DynamicsKernel, FieldKernel {
    /// The data dimension d.
    public let dimension: Int
    let model: any Model
    let rule: any Rule
    let elementwise: any Rule
    let loss: any TrainingLoss
    let learningRate: Double
    let count: Int
    /// x_n, row-major (n rows of d).
    let points: [Double]
    let labels: [Double]
    /// Consecutive example ranges, one per group.
    let groups: [Range<Int>]
    var theta: [Double]
    var beta: [Double]
    var predictions: [Double]
    /// Per-weight coordinate (`Model.coordinate(ofWeight:)`), -1 when none.
    let coordinates: [Int]
    /// The last field evaluation's direction scale and mean-slope log (for the rescaled field).
    var lastLogMeanSlope = 0.0
    /// Per group: its labels, log n_b and weight n_b / n (fixed for the run).
    let groupLabels: [[Double]]
    let groupLogSizes: [Double]
    let groupWeights: [Double]
    /// `direction()`'s scratch, allocated once (m-SAM's groups are single examples, where allocation would cost more
    /// than the arithmetic): per group its gradient at its perturbed point (or at w, for GD), the log scale and the
    /// log slope sum; one group's slopes, beta-gradient, unperturbed gradient, eps, perturbed weights, beta and
    /// predictions.
    var partGradients: [[Double]]
    var partScales: [Double]
    var partSlopeLogs: [Double]
    var slopeScratch: [Double]
    var betaGradientScratch: [Double]
    var gradientScratch: [Double]
    var epsilonScratch: [Double]
    var movedWeights: [Double]
    var movedBeta: [Double]
    var movedPredictions: [Double]

    /// A kernel for `rule` on `model`, `dataset` and `loss` from the model's initial weights, with step size `learningRate`.
    public init(rule: any Rule, model: any Model, dataset: Dataset, loss: any TrainingLoss, learningRate: Double) {
        dimension = dataset.dimension
        self.model = model
        self.rule = rule
        elementwise = rule.kernelRule
        self.loss = loss
        self.learningRate = learningRate
        count = dataset.count
        points = dataset.points.flatMap { $0 }
        labels = dataset.labels
        let size = min(max(rule.exampleGroupSize ?? dataset.count, 1), dataset.count)
        groups = stride(from: 0, to: dataset.count, by: size).map { $0..<min($0 + size, dataset.count) }
        theta = model.initialWeights
        beta = []
        predictions = Array(repeating: 0, count: dataset.count)
        coordinates = (0..<model.initialWeights.count).map { model.coordinate(ofWeight: $0) ?? -1 }
        groupLabels = groups.map { Array(dataset.labels[$0]) }
        groupLogSizes = groups.map { Foundation.log(Double($0.count)) }
        groupWeights = groups.map { Double($0.count) / Double(dataset.count) }
        let weightCount = model.initialWeights.count
        partGradients = Array(repeating: Array(repeating: 0, count: weightCount), count: groups.count)
        partScales = Array(repeating: 0, count: groups.count)
        partSlopeLogs = Array(repeating: 0, count: groups.count)
        slopeScratch = Array(repeating: 0, count: size)
        betaGradientScratch = Array(repeating: 0, count: dataset.dimension)
        gradientScratch = Array(repeating: 0, count: weightCount)
        epsilonScratch = Array(repeating: 0, count: weightCount)
        movedWeights = Array(repeating: 0, count: weightCount)
        movedBeta = Array(repeating: 0, count: dataset.dimension)
        movedPredictions = Array(repeating: 0, count: dataset.count)
        prepare()
    }

    /// The current weights; setting them recomputes beta and the predictions.
    public var weights: [Double] {
        get { theta }
        set {
            precondition(newValue.count == theta.count)
            theta = newValue
            prepare()
        }
    }

    func prepare() {
        beta = model.beta(of: theta)
        predictions = Self.predictions(beta, points: points, count: count, dimension: dimension)
    }

    /// <beta, x_n> for every example.
    static func predictions(_ beta: [Double], points: [Double], count: Int, dimension d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        predictions(beta, points: points, dimension: d, range: 0..<count, into: &out)
        return out
    }

    /// <beta, x_n> for the examples in `range`, written into `out` (the other entries left as they are: a group's
    /// perturbed gradient needs its own examples' predictions alone).
    static func predictions(_ beta: [Double], points: [Double], dimension d: Int, range: Range<Int>, into out: inout [Double]) {
        precondition(range.upperBound <= out.count && range.upperBound * d <= points.count && beta.count >= d)
        beta.withUnsafeBufferPointer { b in
            points.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { o in
                    for n in range {
                        var p = 0.0
                        for j in 0..<d { p += x[n * d + j] * b[j] }
                        o[n] = p
                    }
                }
            }
        }
    }

    /// The mean loss, the smallest margin (NaN for a regression loss, which reports its mse), ||beta||_2 and beta.
    public func observe(includeBeta: Bool) -> StateObservation {
        let logLoss = predictions.withUnsafeBufferPointer { loss.logMeanValue(predictions: $0, labels: labels) }
        let margin = loss.isMarginLoss ? zip(predictions, labels).map { $0 * $1 }.min()! : .nan
        let mse = loss.isMarginLoss ? nil : SquaredLoss.meanSquaredError(predictions: predictions, labels: labels)
        return StateObservation(logLoss: logLoss, margin: margin, norm: EuclideanNorm.of(beta),
                                beta: includeBeta ? beta : nil, mse: mse)
    }

    /// The gradient of the mean loss over group `b` at weights w with predictions p, written into `ghat`: returns
    /// (s, log of sum_(n in b) |l_n'|) with gradient e^s ghat (the second for the rescaled field); nil when not
    /// finite. Uses the slope and beta-gradient scratch; allocates nothing for models with an in-place pullback.
    func gradient(group b: Int, weights w: [Double], predictions p: [Double], into ghat: inout [Double]) -> (s: Double, logSlopeSum: Double)? {
        let range = groups[b], size = range.count
        let s = p.withUnsafeBufferPointer { pb in
            slopeScratch.withUnsafeMutableBufferPointer { rb in
                loss.slopes(predictions: UnsafeBufferPointer(rebasing: pb[range]), labels: groupLabels[b],
                            into: UnsafeMutableBufferPointer(rebasing: rb[0..<size]))
            }
        }
        guard s.isFinite || s == -.infinity, slopeScratch[0..<size].allSatisfy(\.isFinite) else { return nil }
        let d = dimension
        var slopeSum = 0.0
        slopeScratch.withUnsafeBufferPointer { r in
            betaGradientScratch.withUnsafeMutableBufferPointer { gBeta in
                points.withUnsafeBufferPointer { x in
                    for j in 0..<d { gBeta[j] = 0 }
                    for (k, n) in range.enumerated() {
                        let c = r[k]
                        if c == 0 { continue }
                        for j in 0..<d { gBeta[j] += c * x[n * d + j] }
                    }
                }
            }
            for k in 0..<size { slopeSum += abs(r[k]) }
        }
        model.pullback(weights: w, betaGradient: betaGradientScratch, into: &ghat)
        guard ghat.allSatisfy(\.isFinite) else { return nil }
        return (s - groupLogSizes[b], s + Foundation.log(slopeSum))
    }

    /// The step direction at the current weights, D = e^scale dhat, and the log of the mean |l'| over the examples
    /// at the points where the step's gradients are taken; nil when not finite.
    func direction() -> (dhat: [Double], scale: Double, logMeanSlope: Double)? {
        guard predictions.allSatisfy(\.isFinite) else { return nil }
        var unperturbedScale: Double? = nil
        for b in groups.indices {
            if rule.isZero {
                guard let g = gradient(group: b, weights: theta, predictions: predictions, into: &partGradients[b]) else { return nil }
                (partScales[b], partSlopeLogs[b]) = g
                continue
            }
            guard let g = gradient(group: b, weights: theta, predictions: predictions, into: &gradientScratch) else { return nil }
            unperturbedScale = g.s
            guard elementwise.epsilon(weights: theta, gradientDirection: gradientScratch, logScale: g.s, into: &epsilonScratch) else { return nil }
            theta.withUnsafeBufferPointer { w in
                epsilonScratch.withUnsafeBufferPointer { e in
                    movedWeights.withUnsafeMutableBufferPointer { m in for i in 0..<w.count { m[i] = w[i] + e[i] } }
                }
            }
            model.beta(of: movedWeights, into: &movedBeta)
            Self.predictions(movedBeta, points: points, dimension: dimension, range: groups[b], into: &movedPredictions)
            guard let gp = gradient(group: b, weights: movedWeights, predictions: movedPredictions, into: &partGradients[b]) else { return nil }
            (partScales[b], partSlopeLogs[b]) = gp
        }
        let scale = partScales.max()!
        var dhat = [Double](repeating: 0, count: theta.count)
        for b in groups.indices where partScales[b] > -.infinity {
            let factor = groupWeights[b] * Foundation.exp(partScales[b] - scale)
            partGradients[b].withUnsafeBufferPointer { part in
                for i in 0..<dhat.count { dhat[i] += factor * part[i] }
            }
        }
        var resultScale = scale
        let alpha = rule.surrogateGapWeight
        if alpha != 0, let gs = unperturbedScale, groups.count == 1 {
            // GSAM: dhat = c_p ghat_p - alpha (c ghat - c <ghat, ghat_p> / ||ghat_p||^2 ghat_p), in the larger scale.
            let common = max(scale, gs)
            guard common.isFinite else { return nil }
            let cp = Foundation.exp(scale - common), c = Foundation.exp(gs - common)
            let gp = partGradients[0], g = gradientScratch
            let dot = zip(g, gp).reduce(0) { $0 + $1.0 * $1.1 }, square = gp.reduce(0) { $0 + $1 * $1 }
            let projection = square > 0 ? dot / square : 0
            dhat = (0..<theta.count).map { i in cp * gp[i] - alpha * c * (g[i] - projection * gp[i]) }
            resultScale = common
        }
        let largest = partSlopeLogs.max()!
        let slopeSum = partSlopeLogs.reduce(0) { $0 + Foundation.exp($1 - largest) }
        let logMeanSlope = largest + Foundation.log(slopeSum) - Foundation.log(Double(count))
        guard dhat.allSatisfy(\.isFinite) else { return nil }
        return (dhat, resultScale == -.infinity ? 0 : resultScale, logMeanSlope)
    }

    /// One step w <- w - eta D, recording growth and zero crossings in `scan`; false when the new state is not finite.
    public func step(scan: inout GrowthScan) -> Bool {
        guard let (dhat, scale, _) = direction() else { return false }
        let factor = learningRate * Foundation.exp(scale)
        let old = theta, oldBeta = beta
        var crossed = [Bool](repeating: false, count: dimension)
        for i in 0..<theta.count {
            let new = old[i] - factor * dhat[i]
            theta[i] = new
            let j = coordinates[i]
            if j >= 0, (old[i] > 0 && new <= 0) || (old[i] < 0 && new >= 0) { crossed[j] = true }
        }
        prepare()
        guard theta.allSatisfy(\.isFinite), beta.allSatisfy(\.isFinite), predictions.allSatisfy(\.isFinite) else { return false }
        let firstOrder = factor > GrowthScan.firstOrderThreshold ? nil
            : model.pushforward(weights: old, velocity: dhat.map { -$0 })
        for j in 0..<dimension {
            let increment = firstOrder?[j] ?? (beta[j] - oldBeta[j]) / factor
            scan.observe(coordinate: j, before: oldBeta[j], after: beta[j], scaledIncrement: increment, factor: factor,
                         crossedZero: crossed[j])
        }
        return true
    }

    /// The flow's field -D at `weights` (divided by the mean |l'| at the perturbed points when `rescaled`); false
    /// when it is not finite. The kernel's weights become `weights`.
    public func velocity(at weights: UnsafeBufferPointer<Double>, rescaled: Bool, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        theta = Array(weights)
        prepare()
        guard let (dhat, scale, logMeanSlope) = direction() else { return false }
        let factor = Foundation.exp(rescaled ? scale - logMeanSlope : scale)
        var finite = factor.isFinite
        for i in 0..<dhat.count {
            out[i] = -factor * dhat[i]
            finite = finite && out[i].isFinite
        }
        return finite
    }

    /// d beta / dt = J(w) v at the current weights.
    public func betaVelocity(_ velocity: UnsafeBufferPointer<Double>) -> [Double] {
        model.pushforward(weights: theta, velocity: Array(velocity))
    }
}
