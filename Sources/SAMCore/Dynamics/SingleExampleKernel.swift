import Foundation

/// The fused kernel for a single example (x, y): one pass over the coordinates per step.
///
/// With one example, the gradient over all parameters is l'(z) times a vector that depends on the weights only,
/// ghat_l = -a_j d beta_j / d theta_l (a = y x), and every rule is eps = c * shape(ghat, theta) with one common
/// coefficient c. So the perturbed margin is a polynomial in c,
///
///     z(c) = sum_j a_j beta_j(theta_j + c D_j) = sum_k m_k c^k,
///
/// whose coefficients m_k (with m_0 = z) are sums over coordinates. The pass that updates the weights also
/// accumulates the m_k and the normalizer of the next step, so a step reads and writes each weight once: the
/// memory traffic of the step is that of the update itself. Coordinates go four at a time (`Lanes`).
///
/// The class holds the state; the arithmetic is generic over the rule and the model's algebra and is bound once, at
/// construction, into closures. Built from a specialized context (`KernelFactory`'s tables), those closures run
/// code specialized for the concrete rule and algebra.
public final class SingleExampleKernel: DynamicsKernel {
    /// The data dimension d.
    public let dimension: Int
    let layerCount: Int
    let degree: Int
    let blocks: Int
    /// a = y x, padded with zeros to whole blocks: the dataset's own array when that is already a (d a multiple of
    /// 4, y = +1: 1 * x is x, bit for bit), so that the features are not held twice (8 MB at d = 10^6). A `let`: the
    /// hot loop reads it through one pointer per pass, with no exclusivity checks.
    let _feature: [Double]
    let loss: any MarginLoss
    let learningRate: Double
    /// Layer-major padded weights: block b of layer l is lanes l * blocks + b, doubles 4 (l * blocks + b) ..< +4.
    /// When d is a multiple of 4 there is no padding, and this array is the layer-major weights themselves:
    /// `weights` then hands it out and takes it in without a copy (16 MB at d = 10^6), and a step that finds it
    /// shared copies it once (copy on write). Each pass reaches it through one pointer (`_withLanes`).
    var _theta: [Double]
    /// False during `lookAhead`: the update pass then leaves the weights as they are.
    var _commitsUpdate = true
    /// m_0...m_L for the current weights.
    var moments: [Double]
    var normalizer = 0.0
    var stateIsFinite = true
    /// For a one-component rule (`Rule.selectsOneComponent`): the block and layer of the perturbed weight and its
    /// direction D (zero but in its lane), chosen for the current weights; block -1 when eps = 0.
    var selectedBlock = -1
    var selectedLayer = 0
    var selectedDirection = Lanes.zero
    /// For GSAM (`Rule.surrogateGapWeight` > 0): u' = a dbeta/dtheta(theta + c D), layer-major, from the pass that
    /// computes <u, u'> and ||u'||^2 to the update pass (owned buffer; empty for every other rule).
    let gapCache: UnsafeMutablePointer<Lanes>
    /// Blocks staged for the leader scan (`LeaderLanes.offer`).
    let leaderStaging = LeaderStaging()
    private var prepareOperation: (SingleExampleKernel) -> Void = { _ in }
    private var stepOperation: (SingleExampleKernel, inout GrowthScan) -> Bool = { _, _ in false }
    private var betaOperation: (UnsafePointer<Lanes>, Int, Int) -> Lanes = { _, _, _ in .zero }

    /// A kernel for `rule` and `algebra` on a one-example `dataset` (a precondition) from the given layer-major weights, with step size `learningRate`.
    public init<R: Rule, A: LaneAlgebra>(rule: R, algebra: A, initialWeights: [Double], dataset: Dataset,
                                         loss: any MarginLoss, learningRate: Double) {
        precondition(dataset.count == 1)
        dimension = dataset.dimension
        layerCount = algebra.layerCount
        degree = algebra.degree
        // The weights and a = y x go straight into the owned buffers (no padded arrays in between: at d = 10^6
        // those would be 16 and 8 MB more at the peak of the setup).
        let d = dataset.dimension, blockCount = (d + Lanes.scalarCount - 1) / Lanes.scalarCount
        blocks = blockCount
        let thetaCount = algebra.layerCount * blockCount
        let unpadded = blockCount * Lanes.scalarCount == d
        if unpadded {
            precondition(initialWeights.count == algebra.layerCount * d)
            _theta = initialWeights
        } else {
            _theta = [Double](unsafeUninitializedCapacity: thetaCount * Lanes.scalarCount) { buffer, count in
                Self._rebound(buffer) { PaddedLayers.pad(initialWeights, dimension: d, layers: algebra.layerCount, into: $0) }
                count = thetaCount * Lanes.scalarCount
            }
        }
        let y = dataset.labels[0]
        if unpadded && y == 1 {
            _feature = dataset.points[0]
        } else {
            _feature = dataset.points[0].withUnsafeBufferPointer { x in
                [Double](unsafeUninitializedCapacity: blockCount * Lanes.scalarCount) { a, count in
                    for i in 0..<blockCount * Lanes.scalarCount { a[i] = i < d ? y * x[i] : 0 }
                    count = blockCount * Lanes.scalarCount
                }
            }
        }
        let cacheCount = rule.surrogateGapWeight != 0 ? thetaCount : 0
        gapCache = .allocate(capacity: cacheCount)
        gapCache.initialize(repeating: .zero, count: cacheCount)
        self.loss = loss
        self.learningRate = learningRate
        moments = Array(repeating: 0, count: algebra.degree + 1)
        prepareOperation = { k in k.prepare(rule, algebra) }
        stepOperation = { k, scan in k.step(rule, algebra, &scan) }
        betaOperation = { theta, b, blocks in algebra.beta(algebra.load(theta, block: b, blocks: blocks)) }
        prepare()
    }

    deinit {
        gapCache.deallocate()
        leaderStaging.deallocate()
    }

    /// The current layer-major weights; setting them recomputes the margin's polynomial and the normalizer.
    public var weights: [Double] {
        get {
            if _theta.count == layerCount * dimension { return _theta }
            return _readingLanes { theta, _ in PaddedLayers.unpad(theta, dimension: dimension, layers: layerCount) }
        }
        set {
            precondition(newValue.count == layerCount * dimension)
            if _theta.count == newValue.count {
                _theta = newValue
            } else {
                _withLanes { theta, _ in PaddedLayers.pad(newValue, dimension: dimension, layers: layerCount, into: theta) }
            }
            prepare()
        }
    }

    /// Runs `body` with the padded weights and features as lanes, to write the weights (one exclusivity check and
    /// one uniqueness check of the weights per call, which copies them if they are shared: callers make one call per
    /// pass, not per block).
    @inline(__always)
    func _withLanes<T>(_ body: (UnsafeMutablePointer<Lanes>, UnsafePointer<Lanes>) -> T) -> T {
        _feature.withUnsafeBufferPointer { a in
            Self._rebound(a) { feature in
                _theta.withUnsafeMutableBufferPointer { w in Self._rebound(w) { theta in body(theta, feature) } }
            }
        }
    }

    /// `_withLanes` to read the weights only: no uniqueness check, so weights shared with a caller are not copied.
    @inline(__always)
    func _readingLanes<T>(_ body: (UnsafePointer<Lanes>, UnsafePointer<Lanes>) -> T) -> T {
        _feature.withUnsafeBufferPointer { a in
            Self._rebound(a) { feature in
                _theta.withUnsafeBufferPointer { w in Self._rebound(w) { theta in body(theta, feature) } }
            }
        }
    }

    /// Doubles 4i ..< 4i + 4 of `buffer` as lane i. Swift arrays of Double start 16-byte aligned (malloc's
    /// alignment, after a 32-byte header), which is `Lanes`' alignment; the precondition checks it. An empty buffer
    /// (d = 0) gives an aligned pointer that no loop dereferences.
    @inline(__always)
    static func _rebound<T>(_ buffer: UnsafeMutableBufferPointer<Double>, _ body: (UnsafeMutablePointer<Lanes>) -> T) -> T {
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            return body(UnsafeMutablePointer(bitPattern: MemoryLayout<Lanes>.alignment)!)
        }
        precondition(Int(bitPattern: base) % MemoryLayout<Lanes>.alignment == 0 && buffer.count % Lanes.scalarCount == 0)
        return base.withMemoryRebound(to: Lanes.self, capacity: buffer.count / Lanes.scalarCount, body)
    }

    /// `_rebound` for reading.
    @inline(__always)
    static func _rebound<T>(_ buffer: UnsafeBufferPointer<Double>, _ body: (UnsafePointer<Lanes>) -> T) -> T {
        _rebound(UnsafeMutableBufferPointer(mutating: buffer)) { body(UnsafePointer($0)) }
    }

    /// The loss, the margin z = m_0, ||beta||_2 and optionally beta.
    public func observe(includeBeta: Bool) -> StateObservation {
        let z = moments[0]
        let betaOperation = self.betaOperation, blocks = self.blocks
        var norm2 = Lanes.zero
        var beta: [Double]? = nil
        var norm = 0.0
        _readingLanes { theta, _ in
            if includeBeta {
                // beta_j written once, into an array of exactly d entries.
                let d = dimension
                beta = [Double](unsafeUninitializedCapacity: d) { out, count in
                    for b in 0..<blocks {
                        let value = betaOperation(theta, b, blocks)
                        norm2 += value * value
                        for lane in 0..<Lanes.scalarCount where b * Lanes.scalarCount + lane < d { out[b * Lanes.scalarCount + lane] = value[lane] }
                    }
                    count = d
                }
            } else {
                for b in 0..<blocks {
                    let value = betaOperation(theta, b, blocks)
                    norm2 += value * value
                }
            }
            norm = norm2.sum().squareRoot()
            if EuclideanNorm.needsScaling(norm) {
                // Entries past 1e154 (or all below 1e-154): the scaled norm, from beta again.
                norm = EuclideanNorm.of((0..<blocks).flatMap { b in let v = betaOperation(theta, b, blocks); return (0..<Lanes.scalarCount).map { v[$0] } })
            }
        }
        return StateObservation(logLoss: loss.logValue(margin: z), margin: z, norm: norm, beta: beta)
    }

    func prepare() { prepareOperation(self) }

    /// One fused step w <- w - eta grad L(w + eps(w)); false when the new state is not finite.
    public func step(scan: inout GrowthScan) -> Bool { stepOperation(self, &scan) }

    /// The step's pass without its update: the same leaders and crossings in `scan` as `step`, and the weights,
    /// the margin's polynomial and the normalizer left as they were (no copy of the weights is made to restore).
    public func lookAhead(scan: inout GrowthScan) -> Bool {
        let kept = (moments, normalizer, stateIsFinite, selectedBlock, selectedLayer, selectedDirection)
        _commitsUpdate = false
        defer {
            _commitsUpdate = true
            (moments, normalizer, stateIsFinite, selectedBlock, selectedLayer, selectedDirection) = kept
        }
        return stepOperation(self, &scan)
    }

    /// Computes m_k and the normalizer for the current weights (the same arithmetic as the fused update pass, so
    /// a restored state continues bit for bit as if it had never been interrupted).
    func prepare<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A) {
        _readingLanes { theta, feature in
            var sums = Sums<A.Storage>()
            if rule.selectsOneComponent {
                var selection = ComponentSelection()
                for b in 0..<blocks {
                    Self.accumulateSelecting(algebra, rule, algebra.load(theta, block: b, blocks: blocks), feature: feature[b],
                                             block: b, blocks: blocks, into: &sums, &selection)
                }
                finish(sums, degree: algebra.degree)
                select(rule, algebra, selection, theta: theta, feature: feature)
                return
            }
            for b in 0..<blocks {
                Self.accumulate(algebra, rule, algebra.load(theta, block: b, blocks: blocks), feature: feature[b], into: &sums)
            }
            finish(sums, degree: algebra.degree)
        }
    }

    /// Per-lane running sums of one pass: m_0...m_L and the normalizer. They also detect divergence: a non-finite
    /// weight makes its beta_j inf or NaN, and then m_0 = sum_j a_j beta_j (or, for SAM, m_degree) is not finite
    /// either, even where a_j = 0 (0 * inf is NaN).
    struct Sums<S: LaneStorage> {
        var moments = S()
        var normalizer = Lanes.zero
    }

    @inline(__always)
    func finish<S: LaneStorage>(_ sums: Sums<S>, degree: Int) {
        for k in 0...degree { moments[k] = sums.moments[k].sum() }
        normalizer = sums.normalizer.sum()
        stateIsFinite = moments.allSatisfy(\.isFinite) && normalizer.isFinite
    }

    /// Adds one block's share of m_0...m_L and of the normalizer.
    @inline(__always)
    static func accumulate<R: Rule, A: LaneAlgebra>(_ algebra: A, _ rule: R, _ theta: A.Storage,
                                                     feature a: Lanes, into sums: inout Sums<A.Storage>) {
        if rule.isZero {
            sums.moments[0] += a * algebra.beta(theta)
            return
        }
        let grad = algebra.betaGradient(theta)
        var direction = A.Storage()
        for l in 0..<algebra.layerCount {
            let g = -a * grad[l]
            direction[l] = rule.shape(gradient: g, weight: theta[l])
            sums.normalizer += rule.normalizerTerm(gradient: g, weight: theta[l])
        }
        let poly = algebra.perturbedBetaPolynomial(theta, direction: direction)
        for k in 0...algebra.degree { sums.moments[k] += a * poly[k] }
    }

    /// For a one-component rule: adds block b's share of m_0 and offers its components' scores to the selection
    /// (`select` then adds m_1...m_L, which only the selected coordinate has).
    @inline(__always)
    static func accumulateSelecting<R: Rule, A: LaneAlgebra>(_ algebra: A, _ rule: R, _ theta: A.Storage, feature a: Lanes,
                                                              block b: Int, blocks: Int, into sums: inout Sums<A.Storage>,
                                                              _ selection: inout ComponentSelection) {
        sums.moments[0] += a * algebra.beta(theta)
        let grad = algebra.betaGradient(theta)
        for l in 0..<algebra.layerCount {
            selection.observe(rule.selectionScore(gradient: -a * grad[l], weight: theta[l]),
                              firstPosition: ComponentSelection.position(layer: l, block: b, blocks: blocks))
        }
    }

    /// A one-component rule's perturbation for the current weights: the selected weight's direction D (its shape
    /// at the selected lane, 0 elsewhere) and m_1...m_L, the selected coordinate's polynomial beyond m_0 (every
    /// other coordinate has D = 0, so it adds nothing there). No winner (a zero gradient): eps = 0.
    func select<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, _ selection: ComponentSelection,
                                         theta: UnsafePointer<Lanes>, feature: UnsafePointer<Lanes>) {
        selectedBlock = -1
        guard let position = selection.winner() else { return }
        let (l, b, lane) = ComponentSelection.location(position, blocks: blocks)
        let old = algebra.load(theta, block: b, blocks: blocks)
        let shape = rule.shape(gradient: -feature[b] * algebra.betaGradient(old)[l], weight: old[l])
        var direction = A.Storage()
        direction[l][lane] = shape[lane]
        let poly = algebra.perturbedBetaPolynomial(old, direction: direction)
        for k in 1...algebra.degree { moments[k] = feature[b][lane] * poly[k][lane] }
        (selectedBlock, selectedLayer, selectedDirection) = (b, l, direction[l])
        stateIsFinite = stateIsFinite && moments.allSatisfy(\.isFinite)
    }

    @inline(__always)
    func step<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, _ scan: inout GrowthScan) -> Bool {
        guard stateIsFinite else { return false }
        let s = loss.logSlope(margin: moments[0])
        let c = rule.isZero ? 0 : rule.coefficient(logGradientScale: s, normalizer: normalizer)
        guard c.isFinite else { return false }
        var perturbedMargin = 0.0
        for k in stride(from: algebra.degree, through: 0, by: -1) { perturbedMargin = perturbedMargin * c + moments[k] }
        guard perturbedMargin.isFinite else { return false }
        // Step factor eta |l'(z')|; the minus signs of l' and of the gradient cancel in theta += f a dbeta/dtheta.
        let sp = loss.logSlope(margin: perturbedMargin)
        let factor = learningRate * Foundation.exp(sp)
        // `update` writes through `theta` only when it commits; a look-ahead reads the weights, so that weights
        // shared with the caller are not copied for it.
        func pass(_ theta: UnsafeMutablePointer<Lanes>, _ feature: UnsafePointer<Lanes>) -> Bool {
            if rule.surrogateGapWeight != 0 {
                // GSAM (a branch that is constant for every other rule): one more pass for <u, u'> and ||u'||^2.
                guard let (along, across) = surrogateGapWeights(rule, algebra, c, logSlope: s, perturbedLogSlope: sp,
                                                                theta: theta, feature: feature) else { return false }
                update(rule, algebra, c, factor, along: along, across: across, &scan, theta: theta, feature: feature)
            } else {
                update(rule, algebra, c, factor, along: 1, across: 0, &scan, theta: theta, feature: feature)
            }
            return stateIsFinite
        }
        if _commitsUpdate { return _withLanes(pass) }
        return _readingLanes { theta, feature in pass(UnsafeMutablePointer(mutating: theta), feature) }
    }

    /// GSAM's weights of u' and u in its step (and u' itself, in `gapCache`, for the update pass), u = a dbeta/dtheta(theta) and u' = a dbeta/dtheta(theta + c D) (the
    /// gradients at w and w + eps are l'(z) u and l'(z') u'): with q = |l'(z)| / |l'(z')| and k = <u, u'> /
    /// ||u'||^2 (0 when u' = 0), the step -(g_p - alpha g_perp) is |l'(z')| ((1 + alpha q k) u' - alpha q u).
    /// Nil when they are not finite.
    func surrogateGapWeights<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, _ c: Double, logSlope s: Double,
                                                      perturbedLogSlope sp: Double, theta: UnsafePointer<Lanes>,
                                                      feature: UnsafePointer<Lanes>) -> (Double, Double)? {
        let m = algebra.layerCount, blocks = self.blocks
        var dot = Lanes.zero, norm = Lanes.zero
        for b in 0..<blocks {
            let ab = feature[b]
            let old = algebra.load(theta, block: b, blocks: blocks)
            let grad = algebra.betaGradient(old)
            var moved = A.Storage()
            for l in 0..<m { moved[l] = old[l] + c * rule.shape(gradient: -ab * grad[l], weight: old[l]) }
            let gradMoved = algebra.betaGradient(moved)
            for l in 0..<m {
                let u = ab * grad[l], up = ab * gradMoved[l]
                dot += u * up
                norm += up * up
                gapCache[l * blocks + b] = up
            }
        }
        let alpha = rule.surrogateGapWeight, q = Foundation.exp(s - sp)
        let k = norm.sum() > 0 ? dot.sum() / norm.sum() : 0
        let along = 1 + alpha * q * k, across = alpha * q
        return along.isFinite && across.isFinite ? (along, across) : nil
    }

    /// The fused pass: perturb, update, stage the blocks for the leader scan (`LeaderLanes`), note zero crossings,
    /// and accumulate the next step's moments.
    @inline(__always)
    func update<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, _ c: Double, _ factor: Double,
                                         along: Double, across: Double, _ scan: inout GrowthScan,
                                         theta: UnsafeMutablePointer<Lanes>, feature: UnsafePointer<Lanes>) {
        let m = algebra.layerCount, blocks = self.blocks, d = dimension
        let tracks = scan.tracksLeaders, commits = _commitsUpdate
        let gap = rule.surrogateGapWeight != 0  // constant for every rule but GSAM
        var sums = Sums<A.Storage>()
        var selection = ComponentSelection()
        var leaders = LeaderLanes()
        let w = theta, a = feature
        for b in 0..<blocks {
            let ab = a[b]
            let old = algebra.load(w, block: b, blocks: blocks)
            // Perturbed weights theta + c D, the gradient there, and the update theta + f u.
            let grad = algebra.betaGradient(old)
            var direction = A.Storage(), new = A.Storage()
            if gap {
                // GSAM: u' = a dbeta/dtheta(theta + c D) as the pass of `surrogateGapWeights` left it.
                for l in 0..<m { direction[l] = along * gapCache[l * blocks + b] - across * (ab * grad[l]) }
            } else {
                var moved = A.Storage()
                if rule.selectsOneComponent {
                    for l in 0..<m { moved[l] = old[l] }
                    if b == selectedBlock { moved[selectedLayer] = old[selectedLayer] + c * selectedDirection }
                } else {
                    for l in 0..<m { moved[l] = old[l] + c * rule.shape(gradient: -ab * grad[l], weight: old[l]) }
                }
                let gradMoved = algebra.betaGradient(moved)
                for l in 0..<m { direction[l] = ab * gradMoved[l] }
            }
            // A weight that crosses zero has old * new <= 0 (a cheap test, exact up to underflow false alarms);
            // the exact sign test runs only then.
            var suspect = false
            for l in 0..<m {
                new[l] = old[l] + factor * direction[l]
                if commits { w[l * blocks + b] = new[l] }
                suspect = suspect || any(old[l] * new[l] .<= 0)
            }
            if suspect {
                var crossed = SIMDMask<Lanes.MaskStorage>(repeating: false)
                for l in 0..<m { crossed = crossed .| GrowthScan.crossings(old: old[l], new: new[l]) }
                if any(crossed) { scan.recordCrossings(block: b, dimension: d, crossedZero: crossed) }
            }
            if tracks {
                leaders.offer(leaderStaging, block: b, blocks: blocks, dimension: d, before: algebra.beta(old),
                              after: algebra.beta(new),
                              scaledIncrement: algebra.scaledIncrement(old, direction: direction, factor: factor, gradient: grad),
                              factor: factor)
            }
            if rule.selectsOneComponent {
                Self.accumulateSelecting(algebra, rule, new, feature: ab, block: b, blocks: blocks, into: &sums, &selection)
            } else {
                Self.accumulate(algebra, rule, new, feature: ab, into: &sums)
            }
        }
        finish(sums, degree: algebra.degree)
        if rule.selectsOneComponent { select(rule, algebra, selection, theta: theta, feature: feature) }
        if tracks { scan.record(leaders) }
    }
}
