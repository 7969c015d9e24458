import Testing
import SAMCore
@testable import SAMVision

/// Backpropagation against central finite differences of L = sum(r * layer(x)) (accumulated in Double).
@Suite struct GradientCheckTests {
    func projected(_ layer: any Layer, _ x: Tensor, _ r: [Float]) -> Double {
        let y = layer.forward(x)
        var s = 0.0
        for i in y.data.indices { s += Double(y.data[i]) * Double(r[i]) }
        return s
    }

    /// Checks d/dx and d/dparameters of one layer; returns the number of mismatches.
    func check(_ layer: any Layer, input: Tensor, step: Float = 1e-2) -> Int {
        let outShape = layer.outputShape(input.shape)
        let r = randomFloats(outShape.reduce(1, *), seed: 99)
        layer.zeroGradients()
        _ = layer.forward(input)
        let dx = layer.backward(Tensor(shape: outShape, data: r))
        let dp = layer.gradients
        var failures = 0
        var x = input
        for i in x.data.indices {
            let v = x.data[i]
            x.data[i] = v + step; let plus = projected(layer, x, r)
            x.data[i] = v - step; let minus = projected(layer, x, r)
            x.data[i] = v
            if !close((plus - minus) / Double(2 * step), Double(dx.data[i])) { failures += 1 }
        }
        for i in layer.parameters.indices {
            let v = layer.parameters[i]
            layer.parameters[i] = v + step; let plus = projected(layer, input, r)
            layer.parameters[i] = v - step; let minus = projected(layer, input, r)
            layer.parameters[i] = v
            if !close((plus - minus) / Double(2 * step), Double(dp[i])) { failures += 1 }
        }
        return failures
    }

    @Test func conv2D() {
        let conv = Conv2D(inChannels: 2, outChannels: 3, kernel: 3)
        conv.parameters = randomFloats(conv.parameters.count, seed: 1, scale: 0.5)
        #expect(check(conv, input: Tensor(shape: [2, 2, 5, 6], data: randomFloats(120, seed: 2))) == 0)
    }

    @Test func linear() {
        let linear = Linear(inputs: 12, outputs: 4)
        linear.parameters = randomFloats(linear.parameters.count, seed: 3, scale: 0.5)
        // A 4-D input: Linear flattens it, and the input gradient keeps the input's shape.
        #expect(check(linear, input: Tensor(shape: [3, 3, 2, 2], data: randomFloats(36, seed: 4))) == 0)
    }

    @Test func relu() {
        // Keep inputs away from the kink at 0.
        let x = randomFloats(40, seed: 5).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        #expect(check(ReLU(), input: Tensor(shape: [2, 2, 2, 5], data: x)) == 0)
    }

    @Test func maxPool2() {
        // Distinct values 0.1 apart so a step of 0.01 never changes a window's argmax; odd sizes test the floor.
        var x = (0..<(2 * 2 * 5 * 4)).map { Float($0) * 0.1 }
        var rng = SplitMix64(seed: 6)
        x.shuffle(using: &rng)
        let pool = MaxPool2()
        #expect(pool.outputShape([2, 2, 5, 4]) == [2, 2, 2, 2])
        #expect(check(pool, input: Tensor(shape: [2, 2, 5, 4], data: x)) == 0)
    }

    @Test func softmaxCrossEntropy() {
        let logits = Tensor(shape: [3, 4], data: randomFloats(12, seed: 7, scale: 2))
        let labels = [0, 3, 1]
        let g = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels).gradient
        let h: Float = 1e-2
        for i in logits.data.indices {
            var p = logits, m = logits
            p.data[i] += h; m.data[i] -= h
            let numeric = (SoftmaxCrossEntropy.evaluate(logits: p, labels: labels).loss
                - SoftmaxCrossEntropy.evaluate(logits: m, labels: labels).loss) / Double(2 * h)
            #expect(close(numeric, Double(g.data[i])))
        }
    }

    @Test func softmaxIsStableForHugeLogits() {
        let r = SoftmaxCrossEntropy.evaluate(logits: Tensor(shape: [1, 3], data: [1e30, -1e30, 0]), labels: [1])
        #expect(r.loss.isFinite && r.loss > 1e29)
        #expect(r.gradient.data.allSatisfy { $0.isFinite })
    }

    @Test func wholeNetwork() throws {
        let arch = Architecture(inputHeight: 14, inputWidth: 14, convChannels: [2, 3], hidden: 5, classes: 3)
        let net = try Network(architecture: arch, seed: 11)
        var params = net.parameters
        // Non-zero biases too, so their gradients are tested away from zero.
        let noise = randomFloats(params.count, seed: 12, scale: 0.05)
        for i in params.indices { params[i] += noise[i] }
        net.parameters = params
        let x = Tensor(shape: [2, 1, 14, 14], data: randomFloats(392, seed: 13))
        let labels = [0, 2]
        let analytic = net.lossAndGradient(x, labels: labels).gradient
        let h: Float = 1e-3
        var failures = 0
        for i in params.indices {
            var p = params
            p[i] += h; net.parameters = p
            let plus = SoftmaxCrossEntropy.evaluate(logits: net.forward(x), labels: labels).loss
            p[i] = params[i] - h; net.parameters = p
            let minus = SoftmaxCrossEntropy.evaluate(logits: net.forward(x), labels: labels).loss
            if !close((plus - minus) / Double(2 * h), Double(analytic[i]), relative: 2e-2, absolute: 2e-3) { failures += 1 }
        }
        #expect(params.count == 20 + 57 + 65 + 18)
        #expect(failures == 0)
    }
}

