import SAMCore

extension TrainingRun {
    /// Trains until `config.epochs` epochs are done, or earlier: after `untilEpoch` epochs, once `untilStep`
    /// steps have been taken in all, or at the first step boundary where `shouldStop` says so (Ctrl-C). Stopping
    /// early leaves status `.interrupted` and, inside an epoch, its position in `epochProgress`; calling `train`
    /// again on the run (or on a checkpoint of it, with the same data) continues bit for bit. At the end the
    /// status is `.completed`. A non-finite loss, gradient or update stops it with status `.diverged`, keeping the
    /// last finite parameters.
    ///
    /// `checkpoint` is called with the run after every epoch and, if `checkpointEvery` > 0, every that many steps
    /// inside an epoch, for instance to save it. `observer` measures the Grad-CAM foreground share at step 0,
    /// every `observer.every` steps and after every epoch, appending to `camShare`; it only reads the network,
    /// so a run trains to the same bits with or without it. `sharpness` measures lambda_max of the loss on its fixed
    /// images at the same moments (step 0, every `sharpness.every` steps, epoch ends), appending to `sharpness`; it
    /// restores the parameters it probes, so it does not change the training bits either. `progress` is called with
    /// the total step count after every step (for a progress bar).
    ///
    /// A SAM step costs two forward/backward passes: the gradient g at w gives eps, and the gradient at w + eps
    /// moves w, w <- w - lr * grad L(w + eps) (THEORY.md §1.4). The recorded training loss is the one at w.
    public mutating func train(on train: ImageSet, test: ImageSet, untilEpoch: Int? = nil, untilStep: Int? = nil,
                               checkpointEvery: Int = 0, observer: ForegroundShareObserver? = nil,
                               sharpness sharpnessObserver: VisionSharpnessObserver? = nil,
                               shouldStop: () -> Bool = { false },
                               progress: ((_ steps: Int) -> Void)? = nil,
                               checkpoint: ((TrainingRun) throws(InvalidInput) -> Void)? = nil) throws(InvalidInput) {
        let arch = config.architecture
        guard train.count > 0 else { throw InvalidInput("training set is empty") }
        guard test.count > 0 else { throw InvalidInput("test set is empty (the test loss and accuracy need at least one image)") }
        try checkShape(train, "training")
        try checkShape(test, "test")
        if let observer { try checkShape(observer.images, "Grad-CAM") }
        if let bad = (train.labels + test.labels).first(where: { $0 < 0 || $0 >= arch.classes }) {
            throw InvalidInput("label \(bad) is outside 0..<\(arch.classes)")
        }
        guard checkpointEvery >= 0 else { throw InvalidInput("the checkpoint interval must be 0 (epoch ends only) or positive, got \(checkpointEvery)") }
        guard status != .diverged else { return }
        let batch = config.batchSize == 0 ? train.count : min(config.batchSize, train.count)
        let chunk = config.batchSize == 0 ? Self.fullBatchChunk : Self.maximumChunk
        try checkProgress(trainCount: train.count, batch: batch)
        try startSeries(observer)
        try startSharpness(sharpnessObserver)
        let net = try makeNetwork()
        let stepsPerEpoch = (train.count + batch - 1) / batch
        let last = min(untilEpoch ?? config.epochs, config.epochs)
        let lr = Float(config.learningRate)
        let rule: FloatRuleAdapter
        do { rule = try config.optimizer.adapter(rho: config.rho, parameters: config.parameterValues) } catch { throw InvalidInput("\(config.optimizer): \(error)") }
        if completedEpochs < last { try observe(net, observer, stepsPerEpoch: stepsPerEpoch, due: steps == 0) }
        if completedEpochs < last { try observeSharpness(net, sharpnessObserver, stepsPerEpoch: stepsPerEpoch, due: steps == 0) }
        while completedEpochs < last {
            let order = Self.shuffledOrder(count: train.count, seed: config.seed, epoch: completedEpochs)
            var p = epochProgress ?? EpochProgress()
            while p.examples < train.count {
                if let untilStep, steps >= untilStep { return pause(p) }
                if shouldStop() { return pause(p) }
                let end = min(p.examples + batch, train.count)
                let indices = order[p.examples..<end]
                let w = parameters
                var loss = 0.0, right = 0, g: [Float] = []
                // m-sharpness: groups of M images of the batch, in batch order, each with its own eps_b; the
                // step's gradient is sum_b (n_b / n) grad L_b(w + eps_b), the loss at w the groups' weighted mean.
                let groupSize = rule.isZero ? nil : rule.rule.exampleGroupSize.flatMap { $0 < indices.count ? $0 : nil }
                for start in stride(from: indices.startIndex, to: indices.endIndex, by: groupSize ?? indices.count) {
                    let group = indices[start..<min(start + (groupSize ?? indices.count), indices.endIndex)]
                    if start != indices.startIndex { net.parameters = w }
                    let first = try Self.batchGradient(net, train, group, chunk: chunk)
                    guard first.loss.isFinite else { return diverge(net, w, "non-finite loss at step \(steps + 1)") }
                    var groupGradient = first.gradient
                    if let shifted = rule.perturbed(weights: w, gradient: first.gradient) {
                        net.parameters = shifted
                        let second = try Self.batchGradient(net, train, group, chunk: chunk)
                        guard second.loss.isFinite else { return diverge(net, w, "non-finite perturbed loss at step \(steps + 1)") }
                        // GSAM: g_p - alpha g_perp; every other rule: g_p itself.
                        groupGradient = rule.direction(gradient: first.gradient, perturbedGradient: second.gradient)
                    }
                    guard groupSize != nil else {
                        (loss, right, g) = (first.loss, first.correct, groupGradient)
                        break
                    }
                    let share = Double(group.count) / Double(indices.count)
                    loss += first.loss * share
                    right += first.correct
                    if g.isEmpty { g = [Float](repeating: 0, count: groupGradient.count) }
                    let weight = Float(share)
                    for i in g.indices { g[i] += weight * groupGradient[i] }
                }
                var next = w
                var finite = true
                for i in next.indices {
                    next[i] -= lr * g[i]
                    if !next[i].isFinite { finite = false }
                }
                guard finite else { return diverge(net, w, "non-finite parameters after step \(steps + 1)") }
                net.parameters = next
                parameters = next
                steps += 1
                p.steps += 1
                p.examples = end
                p.lossSum += loss * Double(indices.count)
                p.correct += right
                progress?(steps)
                guard p.examples < train.count else { break }
                if let observer, observer.every > 0, steps % observer.every == 0 {
                    try observe(net, observer, stepsPerEpoch: stepsPerEpoch, due: true)
                }
                if let every = sharpnessObserver?.every, every > 0, steps % every == 0 {
                    try observeSharpness(net, sharpnessObserver, stepsPerEpoch: stepsPerEpoch, due: true)
                }
                if checkpointEvery > 0, steps % checkpointEvery == 0 {
                    pause(p)
                    try checkpoint?(self)
                }
            }
            let evaluation = net.evaluate(test)
            guard evaluation.loss.isFinite else {
                // Finite weights can still overflow the logits; records must stay finite to be saved as JSON.
                return diverge(net, parameters, "non-finite test loss after epoch \(completedEpochs + 1)")
            }
            completedEpochs += 1
            epochProgress = nil
            status = completedEpochs >= config.epochs ? .completed : .interrupted
            records.append(EpochRecord(epoch: completedEpochs, steps: p.steps, trainLoss: p.lossSum / Double(p.examples),
                                       trainAccuracy: Double(p.correct) / Double(p.examples),
                                       testLoss: evaluation.loss, testAccuracy: evaluation.accuracy))
            try observe(net, observer, stepsPerEpoch: stepsPerEpoch, due: true)
            try observeSharpness(net, sharpnessObserver, stepsPerEpoch: stepsPerEpoch, due: true)
            try checkpoint?(self)
        }
        status = completedEpochs >= config.epochs ? .completed : .interrupted
    }

    /// Largest number of examples pushed through the network at once. A bigger batch (full-batch GD on 60,000
    /// images would need about 14 GB of activations and im2col columns) is split into chunks of this size whose
    /// mean gradients are combined with weights chunk/batch: the same full-batch gradient, in bounded memory.
    /// Batches up to this size are one chunk, so mini-batch training is unaffected.
    public static let maximumChunk = 1024

    /// The chunk of a full-batch step (`batchSize` 0): 128 images, where the products are fastest on this CPU
    /// (one chunk of 1,000 images took 25% longer per image than eight of 128). Each step is still one update with the
    /// mean gradient over the whole training set.
    public static let fullBatchChunk = 128

    /// Mean loss, correct count and mean gradient over the examples `indices` of `set`, in chunks.
    static func batchGradient(_ net: Network, _ set: ImageSet, _ indices: ArraySlice<Int>,
                              chunk: Int = maximumChunk) throws(InvalidInput) -> (loss: Double, correct: Int, gradient: [Float]) {
        guard indices.count > chunk else {
            let (x, y) = try set.batch(indices)
            return net.lossAndGradient(x, labels: y)
        }
        var loss = 0.0, correct = 0
        var gradient = [Float](repeating: 0, count: net.parameterCount)
        var start = indices.startIndex
        while start < indices.endIndex {
            let end = min(start + chunk, indices.endIndex)
            let (x, y) = try set.batch(indices[start..<end])
            let part = net.lossAndGradient(x, labels: y)
            let weight = Double(end - start) / Double(indices.count)
            loss += part.loss * weight
            correct += part.correct
            let w = Float(weight)
            for i in gradient.indices { gradient[i] += w * part.gradient[i] }
            start = end
        }
        return (loss, correct, gradient)
    }

    /// Stops inside an epoch (or at its start, which is an epoch boundary and needs no position).
    private mutating func pause(_ progress: EpochProgress) {
        epochProgress = progress.examples > 0 ? progress : nil
        status = .interrupted
    }

    /// A diverged run is final (`train` does nothing more with it), so no position inside an epoch is kept.
    private mutating func diverge(_ net: Network, _ lastGood: [Float], _ why: String) {
        parameters = lastGood
        epochProgress = nil
        net.parameters = lastGood
        status = .diverged
        note = why
    }

    private func checkShape(_ set: ImageSet, _ name: String) throws(InvalidInput) {
        let arch = config.architecture
        guard set.height == arch.inputHeight, set.width == arch.inputWidth, arch.inputChannels == 1 else {
            throw InvalidInput("\(name) images are \(set.height)x\(set.width) but the architecture expects \(arch.inputChannels)x\(arch.inputHeight)x\(arch.inputWidth)")
        }
    }

    /// A saved position must fit this data: every batch before it is full, and it lies inside the epoch.
    private func checkProgress(trainCount: Int, batch: Int) throws(InvalidInput) {
        guard let p = epochProgress else { return }
        guard completedEpochs < config.epochs, p.examples > 0, p.examples < trainCount, p.examples == p.steps * batch else {
            throw InvalidInput("the checkpoint stopped after \(p.examples) examples (\(p.steps) steps) of epoch \(completedEpochs + 1), which does not fit \(trainCount) training images in batches of \(batch); resume with the same data")
        }
    }

    /// Starts the foreground-share series, or checks that a resumed one was measured the same way.
    private mutating func startSeries(_ observer: ForegroundShareObserver?) throws(InvalidInput) {
        guard let observer else { return }
        guard let series = camShare else { camShare = observer.emptySeries; return }
        let wanted = observer.emptySeries
        guard series.every == wanted.every, series.images == wanted.images, series.threshold == wanted.threshold else {
            throw InvalidInput("the checkpoint's foreground-share series was measured every \(series.every) steps on \(series.images) images at threshold \(series.threshold), not every \(wanted.every) on \(wanted.images) at \(wanted.threshold); resume with the same settings")
        }
    }

    /// Measures the foreground share now if `due`, once per step (an epoch end can also be a multiple of `every`).
    private mutating func observe(_ net: Network, _ observer: ForegroundShareObserver?, stepsPerEpoch: Int, due: Bool) throws(InvalidInput) {
        guard due, let observer, camShare?.observations.last?.step != steps else { return }
        let share = try observer.measure(net)
        camShare?.observations.append(ForegroundShareObservation(step: steps, epoch: Double(steps) / Double(stepsPerEpoch), share: share))
    }

    /// The example order of one epoch: a Fisher-Yates shuffle from a generator seeded by (seed, epoch) only, so
    /// a resumed run shuffles exactly as an uninterrupted one.
    static func shuffledOrder(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = SplitMix64(seed: seed ^ (UInt64(epoch + 1) &* 0xD1B5_4A32_D192_ED03))
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }
}
