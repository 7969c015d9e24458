import Foundation

/// The kernel for any dataset of n examples, and the field of the flows.
///
/// With a_n = y_n x_n and r_n = |l'(z_n)| e^-M (M the largest log |l'(z_n)|), the gradient with respect to beta is
/// e^s g_beta with s = M - log n and g_beta = -sum_n r_n a_n, and the gradient of weight theta_l of coordinate j is
/// e^s g_beta_j d beta_j / d theta_l. A step: margins, gradient, perturbation coefficient, perturbed weights and
/// margins, perturbed gradient, update. Beta and the margins of the new weights are kept for the next step.
/// Coordinates go four at a time (`Lanes`), padded with zero weights and features.
///
/// m-sharpness (`Rule.exampleGroupSize` M < n) perturbs each group of M consecutive examples by its own gradient and
/// GSAM (`Rule.surrogateGapWeight` alpha > 0) combines the gradients at w and w + eps (THEORY.md §4.16); both step
/// along a direction of their own (`combined`), on a common log-scale. For every other rule that branch is constant.
///
/// As in `SingleExampleKernel`, the arithmetic is generic over the rule and the algebra and bound at construction.
public final class GeneralKernel: DynamicsKernel, FieldKernel {
    /// The data dimension d.
    public let dimension: Int
    let count: Int
    let layerCount: Int
    let blocks: Int
    /// a_n = y_n x_n: n rows of `blocks` lanes.
    let features: [Lanes]
    let loss: any MarginLoss
    let learningRate: Double
    // The state and work buffers below are read and written only by this kernel's own methods, which never overlap
    // (a kernel is used by one thread at a time and its operations do not call each other re-entrantly on the same
    // buffer), so they opt out of the dynamic exclusivity checks that Swift makes on every access to a class's stored
    // property: those checks (`swift_beginAccess`) were about a fifth of the flows' time (BENCHMARKS.md, "Sweep
    // throughput"). The compile-time checks still apply; the arithmetic, and so every result, is unchanged.
    @exclusivity(unchecked) var theta: [Lanes]
    @exclusivity(unchecked) var beta: [Lanes]
    @exclusivity(unchecked) var margins: [Double]
    // Work buffers, allocated once.
    @exclusivity(unchecked) var perturbed: [Lanes]
    @exclusivity(unchecked) var perturbedBeta: [Lanes]
    @exclusivity(unchecked) var perturbedMargins: [Double]
    @exclusivity(unchecked) var betaGradient: [Lanes]
    @exclusivity(unchecked) var weightsOfExamples: [Double]
    /// For m-sharpness (groups of `Rule.exampleGroupSize` < n) and GSAM (`Rule.surrogateGapWeight` > 0), whose step
    /// is not the gradient at one perturbed point: the step direction U over all parameters (layer-major, theta +=
    /// eta e^S U is the step), its log-scale S, and the sum of the examples' r'_i = |l'(z'_i)| e^-(S + log n) at
    /// their perturbed points (the rescaled flow's divisor). Empty for every other rule.
    @exclusivity(unchecked) var combined: [Lanes] = []
    @exclusivity(unchecked) var combinedScale = 0.0
    @exclusivity(unchecked) var combinedMass = 0.0
    /// GSAM: the gradient g_beta at w, kept while the perturbed one is computed.
    @exclusivity(unchecked) var unperturbedBetaGradient: [Lanes] = []
    /// Blocks staged for the leader scan (`LeaderLanes.offer`).
    let leaderStaging = LeaderStaging()
    private var prepareOperation: (GeneralKernel) -> Void = { _ in }
    private var stepOperation: (GeneralKernel, inout GrowthScan) -> Bool = { _, _ in false }
    private var velocityOperation: (GeneralKernel, Bool, UnsafeMutableBufferPointer<Double>) -> Bool = { _, _, _ in false }
    private var betaVelocityOperation: (GeneralKernel, UnsafeBufferPointer<Double>) -> [Double] = { _, _ in [] }

    /// A kernel for `rule` and `algebra` on `dataset` from the given layer-major weights, with step size `learningRate`.
    public init<R: Rule, A: LaneAlgebra>(rule: R, algebra: A, initialWeights: [Double], dataset: Dataset,
                                         loss: any MarginLoss, learningRate: Double) {
        dimension = dataset.dimension
        count = dataset.count
        layerCount = algebra.layerCount
        let padded = PaddedLayers(weights: initialWeights, dimension: dataset.dimension, layers: algebra.layerCount)
        blocks = padded.blocks
        theta = padded.storage
        features = PaddedLayers(weights: dataset.signedFeatures, dimension: dataset.dimension, layers: dataset.count).storage
        self.loss = loss
        self.learningRate = learningRate
        beta = Array(repeating: .zero, count: padded.blocks)
        margins = Array(repeating: 0, count: dataset.count)
        perturbed = theta
        perturbedBeta = beta
        perturbedMargins = margins
        betaGradient = beta
        weightsOfExamples = margins
        if Self.combines(rule, count: dataset.count) {
            combined = theta
            unperturbedBetaGradient = beta
        }
        prepareOperation = { k in k.computeBeta(algebra, of: k.theta, into: &k.beta); k.computeMargins(of: k.beta, into: &k.margins) }
        stepOperation = { k, scan in k.step(rule, algebra, &scan) }
        velocityOperation = { k, rescaled, out in k.writeVelocity(rule, algebra, rescaled: rescaled, into: out) }
        betaVelocityOperation = { k, v in k.betaVelocity(algebra, v) }
        prepare()
    }

    deinit { leaderStaging.deallocate() }

    /// The current layer-major weights; setting them recomputes beta and the margins.
    public var weights: [Double] {
        get { PaddedLayers(storage: theta, dimension: dimension, layers: layerCount).weights }
        set {
            precondition(newValue.count == layerCount * dimension)
            theta = PaddedLayers(weights: newValue, dimension: dimension, layers: layerCount).storage
            prepare()
        }
    }

    func prepare() { prepareOperation(self) }

    /// One step w <- w - eta grad L(w + eps(w)) over all n examples; false when the new state is not finite.
    public func step(scan: inout GrowthScan) -> Bool { stepOperation(self, &scan) }

    /// The mean loss (by log-sum-exp), the smallest margin, ||beta||_2 and optionally beta.
    public func observe(includeBeta: Bool) -> StateObservation {
        let logLoss = margins.withUnsafeBufferPointer { loss.logMeanValue(margins: $0) }
        var norm = beta.reduce(Lanes.zero) { $0 + $1 * $1 }.sum().squareRoot()
        let values = includeBeta ? (0..<dimension).map { beta[$0 / Lanes.scalarCount][$0 % Lanes.scalarCount] } : nil
        if EuclideanNorm.needsScaling(norm) {
            norm = EuclideanNorm.of((0..<dimension).map { beta[$0 / Lanes.scalarCount][$0 % Lanes.scalarCount] })
        }
        return StateObservation(logLoss: logLoss, margin: margins.min()!, norm: norm, beta: values)
    }

    func computeBeta<A: LaneAlgebra>(_ algebra: A, of weights: [Lanes], into out: inout [Lanes]) {
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

    /// The gradient at the perturbed point w + eps(w) for the current weights: fills `perturbed` and, with
    /// `betaGradient` and `weightsOfExamples`, the gradient there; returns its log-scale s', or nil if not finite.
    func perturbedGradient<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A) -> Double? {
        let m = layerCount, blocks = self.blocks
        guard margins.allSatisfy(\.isFinite) else { return nil }
        let s = gradient(at: margins)
        if rule.isZero {
            perturbed = theta
            return s
        }
        if rule.selectsOneComponent {
            guard perturbOneComponent(rule, algebra, logScale: s) else { return nil }
            computeBeta(algebra, of: perturbed, into: &perturbedBeta)
            computeMargins(of: perturbedBeta, into: &perturbedMargins)
            guard perturbedMargins.allSatisfy(\.isFinite) else { return nil }
            return gradient(at: perturbedMargins)
        }
        guard perturb(rule, algebra, logScale: s) else { return nil }
        computeBeta(algebra, of: perturbed, into: &perturbedBeta)
        computeMargins(of: perturbedBeta, into: &perturbedMargins)
        guard perturbedMargins.allSatisfy(\.isFinite) else { return nil }
        return gradient(at: perturbedMargins)
    }

    /// `perturbed` = theta + eps for the gradient e^s g_beta dbeta/dtheta of `betaGradient`: ghat_l = g_beta_j
    /// d beta_j / d theta_l over all parameters, eps = c shape(ghat, theta); false when c or the normalizer is not
    /// finite.
    @inline(__always)
    func perturb<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, logScale s: Double) -> Bool {
        let m = layerCount, blocks = self.blocks
        var normalizer = Lanes.zero
        theta.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let old = algebra.load(w.baseAddress!, block: b, blocks: blocks)
                let grad = algebra.betaGradient(old)
                for l in 0..<m { normalizer += rule.normalizerTerm(gradient: betaGradient[b] * grad[l], weight: old[l]) }
            }
        }
        let c = rule.coefficient(logGradientScale: s, normalizer: normalizer.sum())
        guard c.isFinite, normalizer.sum().isFinite else { return false }
        theta.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let old = algebra.load(w.baseAddress!, block: b, blocks: blocks)
                let grad = algebra.betaGradient(old)
                for l in 0..<m {
                    perturbed[l * blocks + b] = old[l] + c * rule.shape(gradient: betaGradient[b] * grad[l], weight: old[l])
                }
            }
        }
        return true
    }

    /// Whether `rule`'s step on n examples is a combination (`combined`): groups smaller than n, or GSAM's alpha > 0.
    /// Constant for rules that leave both hooks at their defaults, so their kernels do not branch on it.
    @inline(__always)
    static func combines<R: Rule>(_ rule: R, count: Int) -> Bool {
        (rule.exampleGroupSize.map { $0 < count } ?? false) || rule.surrogateGapWeight != 0
    }

    /// g_beta = -sum_n r_n a_n over the examples `range` into `betaGradient`, with r_n = |l'(z_n)| e^-M (M the
    /// largest log |l'| there) in `weightsOfExamples`; returns M.
    func groupGradient(at z: [Double], _ range: Range<Int>) -> Double {
        var largest = -Double.infinity
        for i in range { largest = max(largest, loss.logSlope(margin: z[i])) }
        for i in range { weightsOfExamples[i] = Foundation.exp(loss.logSlope(margin: z[i]) - largest) }
        for b in 0..<blocks { betaGradient[b] = .zero }
        for i in range {
            let r = weightsOfExamples[i]
            for b in 0..<blocks { betaGradient[b] -= r * features[i * blocks + b] }
        }
        return largest
    }

    /// The m-sharpness direction (`combined`) for the current weights: for each group b of M consecutive examples,
    /// eps_b from the group's own gradient (log-scale M_b - log n_b), the perturbed margins of its examples, and
    /// their share sum_{i in b} |l'(z'_i)| a_i dbeta/dtheta(w + eps_b), added to U on the common scale e^S
    /// (S = max log |l'(z'_i)| - log n, kept as it grows). False when anything is not finite.
    func groupedDirection<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, groupSize: Int) -> Bool {
        let m = layerCount, blocks = self.blocks
        guard margins.allSatisfy(\.isFinite) else { return false }
        for k in combined.indices { combined[k] = .zero }
        var largest = -Double.infinity, mass = 0.0
        for start in stride(from: 0, to: count, by: groupSize) {
            let range = start..<min(start + groupSize, count)
            let s = groupGradient(at: margins, range) - Foundation.log(Double(range.count))
            guard perturb(rule, algebra, logScale: s) else { return false }
            computeBeta(algebra, of: perturbed, into: &perturbedBeta)
            // The group's examples at w + eps_b, and h = sum_i r'_i a_i on the group's own scale e^M'_b.
            var groupLargest = -Double.infinity
            for i in range {
                var z = Lanes.zero
                for b in 0..<blocks { z += features[i * blocks + b] * perturbedBeta[b] }
                perturbedMargins[i] = z.sum()
                guard perturbedMargins[i].isFinite else { return false }
                groupLargest = max(groupLargest, loss.logSlope(margin: perturbedMargins[i]))
            }
            _ = groupGradient(at: perturbedMargins, range)  // betaGradient = -h
            if groupLargest > largest {
                // Rescale what is accumulated to the new, larger scale (a factor <= 1).
                let shrink = largest == -.infinity ? 0 : Foundation.exp(largest - groupLargest)
                for k in combined.indices { combined[k] *= shrink }
                mass *= shrink
                largest = groupLargest
            }
            let weight = Foundation.exp(groupLargest - largest)
            for i in range { mass += weight * weightsOfExamples[i] }
            perturbed.withUnsafeBufferPointer { p in
                for b in 0..<blocks {
                    let grad = algebra.betaGradient(algebra.load(p.baseAddress!, block: b, blocks: blocks))
                    for l in 0..<m { combined[l * blocks + b] -= weight * (betaGradient[b] * grad[l]) }
                }
            }
        }
        combinedScale = largest - Foundation.log(Double(count))
        combinedMass = mass
        return combinedScale.isFinite && mass.isFinite && combined.allSatisfy { $0.sum().isFinite }
    }

    /// GSAM's direction (`combined`) for the current weights, with g = e^s ghat at w and g_p = e^s' ghat' at
    /// w + eps: U = -(g_p - alpha g_perp) e^-s' = -(1 + alpha q k) ghat' + alpha q ghat, q = e^(s - s'),
    /// k = <ghat, ghat'> / ||ghat'||^2 (0 when ghat' = 0: g_perp = g), on the scale S = s'. False when anything is
    /// not finite.
    func surrogateGapDirection<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, alpha: Double) -> Bool {
        let m = layerCount, blocks = self.blocks
        guard margins.allSatisfy(\.isFinite) else { return false }
        let s = gradient(at: margins)
        unperturbedBetaGradient = betaGradient
        guard perturb(rule, algebra, logScale: s) else { return false }
        computeBeta(algebra, of: perturbed, into: &perturbedBeta)
        computeMargins(of: perturbedBeta, into: &perturbedMargins)
        guard perturbedMargins.allSatisfy(\.isFinite) else { return false }
        let sp = gradient(at: perturbedMargins)
        var dot = Lanes.zero, norm = Lanes.zero
        theta.withUnsafeBufferPointer { w in
            perturbed.withUnsafeBufferPointer { p in
                for b in 0..<blocks {
                    let grad = algebra.betaGradient(algebra.load(w.baseAddress!, block: b, blocks: blocks))
                    let gradMoved = algebra.betaGradient(algebra.load(p.baseAddress!, block: b, blocks: blocks))
                    for l in 0..<m {
                        let g = unperturbedBetaGradient[b] * grad[l], gp = betaGradient[b] * gradMoved[l]
                        dot += g * gp
                        norm += gp * gp
                        combined[l * blocks + b] = g
                        perturbed[l * blocks + b] = gp  // ghat' (the perturbed weights are no longer needed)
                    }
                }
            }
        }
        let q = Foundation.exp(s - sp)
        let k = norm.sum() > 0 ? dot.sum() / norm.sum() : 0
        let along = 1 + alpha * q * k, across = alpha * q
        guard along.isFinite, across.isFinite else { return false }
        for i in combined.indices { combined[i] = across * combined[i] - along * perturbed[i] }
        combinedScale = sp
        combinedMass = weightsOfExamples.reduce(0, +)
        return combined.allSatisfy { $0.sum().isFinite }
    }

    /// The combined direction of `rule` (m-sharpness or GSAM) for the current weights; false when not finite.
    @inline(__always)
    func combinedDirection<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A) -> Bool {
        if let size = rule.exampleGroupSize, size < count { return groupedDirection(rule, algebra, groupSize: size) }
        return surrogateGapDirection(rule, algebra, alpha: rule.surrogateGapWeight)
    }

    /// A one-component rule's perturbed weights (`Rule.selectsOneComponent`): `perturbed` is theta with only the
    /// first component of largest score moved, by c times its shape (none when no score is positive); false when
    /// the coefficient or the normalizer is not finite.
    func perturbOneComponent<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, logScale s: Double) -> Bool {
        let m = layerCount, blocks = self.blocks
        var normalizer = Lanes.zero
        var selection = ComponentSelection()
        theta.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let old = algebra.load(w.baseAddress!, block: b, blocks: blocks)
                let grad = algebra.betaGradient(old)
                for l in 0..<m {
                    normalizer += rule.normalizerTerm(gradient: betaGradient[b] * grad[l], weight: old[l])
                    selection.observe(rule.selectionScore(gradient: betaGradient[b] * grad[l], weight: old[l]),
                                      firstPosition: ComponentSelection.position(layer: l, block: b, blocks: blocks))
                }
            }
        }
        let c = rule.coefficient(logGradientScale: s, normalizer: normalizer.sum())
        guard c.isFinite, normalizer.sum().isFinite else { return false }
        perturbed = theta
        if let position = selection.winner() {
            let (l, b, lane) = ComponentSelection.location(position, blocks: blocks)
            let old = theta.withUnsafeBufferPointer { algebra.load($0.baseAddress!, block: b, blocks: blocks) }
            let shape = rule.shape(gradient: betaGradient[b] * algebra.betaGradient(old)[l], weight: old[l])
            perturbed[l * blocks + b][lane] = old[l][lane] + c * shape[lane]
        }
        return true
    }

    func step<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, _ scan: inout GrowthScan) -> Bool {
        let m = layerCount, blocks = self.blocks, d = dimension
        // m-sharpness and GSAM step along `combined` (theta += eta e^S U); every other rule along the gradient at
        // its one perturbed point (a branch that is constant for it).
        let combines = Self.combines(rule, count: count)
        let factorScale: Double
        if combines {
            guard combinedDirection(rule, algebra) else { return false }
            factorScale = combinedScale
        } else {
            guard let s = perturbedGradient(rule, algebra) else { return false }
            factorScale = s
        }
        // theta_l += f u_l, u_l = -g'_beta_j d beta_j / d theta_l at the perturbed weights, f = eta e^s'.
        let factor = learningRate * Foundation.exp(factorScale)
        var check = Lanes.zero
        let tracks = scan.tracksLeaders
        var leaders = LeaderLanes()
        for b in 0..<blocks {
            let moved = perturbed.withUnsafeBufferPointer { algebra.load($0.baseAddress!, block: b, blocks: blocks) }
            let old = theta.withUnsafeBufferPointer { algebra.load($0.baseAddress!, block: b, blocks: blocks) }
            let gradMoved = combines ? old : algebra.betaGradient(moved)
            var direction = A.Storage(), new = A.Storage()
            var crossed = SIMDMask<Lanes.MaskStorage>(repeating: false)
            for l in 0..<m {
                direction[l] = combines ? combined[l * blocks + b] : -betaGradient[b] * gradMoved[l]
                new[l] = old[l] + factor * direction[l]
                theta[l * blocks + b] = new[l]
                check += new[l] * 0
                crossed = crossed .| GrowthScan.crossings(old: old[l], new: new[l])
            }
            if any(crossed) { scan.recordCrossings(block: b, dimension: d, crossedZero: crossed) }
            if tracks {
                leaders.offer(leaderStaging, block: b, blocks: blocks, dimension: d, before: beta[b], after: algebra.beta(new),
                              scaledIncrement: algebra.scaledIncrement(old, direction: direction, factor: factor,
                                                                       gradient: algebra.betaGradient(old)),
                              factor: factor)
            }
        }
        if tracks { scan.record(leaders) }
        prepare()
        return check.sum() == 0 && beta.allSatisfy { $0.sum().isFinite } && margins.allSatisfy(\.isFinite)
    }

    /// The SAM flow's field at `weights` (layer-major): -grad L(w + eps(w)), or, rescaled, that divided by the mean
    /// |l'| at the perturbed point (THEORY.md §1.5: a time change, same path). Both are computed from the log-scaled
    /// gradient, so neither overflows nor loses the direction when |l'| underflows. Returns false when the field is
    /// not finite. The kernel's weights become `weights`.
    public func velocity(at weights: UnsafeBufferPointer<Double>, rescaled: Bool,
                         into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let d = dimension, m = layerCount
        let first = UnsafeBufferPointer(rebasing: weights.prefix(m * d))  // the weights; a longer state's rest is not read
        theta.withUnsafeMutableBufferPointer { PaddedLayers.pad(first, dimension: d, layers: m, into: $0.baseAddress!) }
        prepare()
        return velocityOperation(self, rescaled, out)
    }

    /// The field for the current weights (`velocity(at:rescaled:into:)`): for m-sharpness and GSAM e^S U, or rescaled
    /// U / sum r' (the mean |l'| over the examples at their perturbed points is e^S sum r', the 1/n being in e^S);
    /// for every other rule the gradient at the one perturbed point.
    func writeVelocity<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, rescaled: Bool,
                                                into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let combines = Self.combines(rule, count: count)
        let factor: Double
        if combines {
            guard combinedDirection(rule, algebra) else { return false }
            factor = rescaled ? 1 / combinedMass : Foundation.exp(combinedScale)
        } else {
            guard let s = perturbedGradient(rule, algebra) else { return false }
            // -grad L = -e^s' g'_beta dbeta/dtheta; mean |l'| = e^s' sum_n r'_n.
            factor = rescaled ? 1 / weightsOfExamples.reduce(0, +) : Foundation.exp(s)
        }
        let d = dimension, blocks = self.blocks, m = layerCount
        var finite = true
        perturbed.withUnsafeBufferPointer { p in
            for b in 0..<blocks {
                let grad = combines ? A.Storage() : algebra.betaGradient(algebra.load(p.baseAddress!, block: b, blocks: blocks))
                for l in 0..<m {
                    let v = combines ? factor * combined[l * blocks + b] : -factor * (betaGradient[b] * grad[l])
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
    public func betaVelocity(_ velocity: UnsafeBufferPointer<Double>) -> [Double] { betaVelocityOperation(self, velocity) }

    func betaVelocity<A: LaneAlgebra>(_ algebra: A, _ velocity: UnsafeBufferPointer<Double>) -> [Double] {
        let d = dimension, blocks = self.blocks, m = layerCount
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
