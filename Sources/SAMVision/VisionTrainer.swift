import SAMCore

extension TrainingRun {
    /// Trains until `config.epochs` (or `untilEpoch`) epochs are done, calling `afterEpoch` after each one
    /// (for instance to save a checkpoint). The status is `.interrupted` while epochs remain (a checkpoint can be
    /// resumed by calling `train` again on the loaded run, with the same data) and `.completed` at the end. Stops early with status `.diverged` on a non-finite loss, gradient or
    /// update, keeping the last finite parameters.
    ///
    /// A SAM step costs two forward/backward passes: the gradient g at w gives eps, and the gradient at w + eps
    /// moves w. The recorded training loss is the one at w.
    public mutating func train(on train: ImageSet, test: ImageSet, untilEpoch: Int? = nil,
                               afterEpoch: ((TrainingRun) throws(InvalidInput) -> Void)? = nil) throws(InvalidInput) {
        let arch = config.architecture
        guard train.count > 0 else { throw InvalidInput("training set is empty") }
        guard train.height == arch.inputHeight, train.width == arch.inputWidth, arch.inputChannels == 1 else {
            throw InvalidInput("images are \(train.height)x\(train.width) but the architecture expects \(arch.inputChannels)x\(arch.inputHeight)x\(arch.inputWidth)")
        }
        if let bad = (train.labels + test.labels).first(where: { $0 < 0 || $0 >= arch.classes }) {
            throw InvalidInput("label \(bad) is outside 0..<\(arch.classes)")
        }
        guard status != .diverged else { return }
        let net = try makeNetwork()
        let last = min(untilEpoch ?? config.epochs, config.epochs)
        let batch = config.batchSize == 0 ? train.count : min(config.batchSize, train.count)
        let lr = Float(config.learningRate)
        while completedEpochs < last {
            let order = Self.shuffledOrder(count: train.count, seed: config.seed, epoch: completedEpochs)
            var lossSum = 0.0, correct = 0, seen = 0, epochSteps = 0
            var start = 0
            while start < train.count {
                let end = min(start + batch, train.count)
                let (x, y) = train.batch(order[start..<end])
                start = end
                let w = parameters
                var (loss, right, g) = net.lossAndGradient(x, labels: y)
                guard loss.isFinite else { return diverge(net, w, "non-finite loss at step \(steps + 1)") }
                if let eps = config.optimizer.perturbation(gradient: g, rho: config.rho) {
                    var shifted = w
                    for i in shifted.indices { shifted[i] += eps[i] }
                    net.parameters = shifted
                    let second = net.lossAndGradient(x, labels: y)
                    guard second.loss.isFinite else { return diverge(net, w, "non-finite perturbed loss at step \(steps + 1)") }
                    g = second.gradient
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
                epochSteps += 1
                lossSum += loss * Double(y.count)
                correct += right
                seen += y.count
            }
            let evaluation = net.evaluate(test)
            guard evaluation.loss.isFinite else {
                // Finite weights can still overflow the logits; records must stay finite to be saved as JSON.
                return diverge(net, parameters, "non-finite test loss after epoch \(completedEpochs + 1)")
            }
            completedEpochs += 1
            status = completedEpochs >= config.epochs ? .completed : .interrupted
            records.append(EpochRecord(epoch: completedEpochs, steps: epochSteps, trainLoss: lossSum / Double(seen),
                                       trainAccuracy: Double(correct) / Double(seen),
                                       testLoss: evaluation.loss, testAccuracy: evaluation.accuracy))
            try afterEpoch?(self)
        }
        status = completedEpochs >= config.epochs ? .completed : .interrupted
    }

    private mutating func diverge(_ net: Network, _ lastGood: [Float], _ why: String) {
        parameters = lastGood
        net.parameters = lastGood
        status = .diverged
        note = why
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
