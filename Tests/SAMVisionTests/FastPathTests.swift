import Testing
@testable import SAMVision

/// `Network`'s fast path (channel-major maps between convolutions, the bias and ReLU in one pass of the convolution,
/// ReLU's mask applied by pooling's backward pass) against the plain layer-by-layer path: the same bits.
@Suite struct FastPathTests {
    /// The layers of `net` rebuilt with the same parameters and default settings: all batch-major, nothing fused.
    func plainLayers(_ net: Network) -> [any Layer] {
        net.layers.map { layer -> any Layer in
            switch layer {
            case let conv as Conv2D:
                let plain = Conv2D(inChannels: conv.inChannels, outChannels: conv.outChannels, kernel: conv.kernel)
                plain.parameters = conv.parameters
                return plain
            case let linear as Linear:
                let plain = Linear(inputs: linear.inputs, outputs: linear.outputs)
                plain.parameters = linear.parameters
                return plain
            case is ReLU: return ReLU()
            default: return MaxPool2()
            }
        }
    }

    /// One to three conv stages (the middle one of three takes and gives channel-major maps), nonzero biases, a
    /// batch of 5 random images: logits, Grad-CAM's feature maps and their gradient, and every parameter gradient
    /// are bit for bit the plain path's.
    @Test(arguments: [[4], [3, 5], [2, 3, 4]])
    func networkMatchesPlainLayers(channels: [Int]) throws {
        let arch = Architecture(inputHeight: 28, inputWidth: 28, convChannels: channels, hidden: 6, classes: 4)
        let net = try Network(architecture: arch, seed: 5)
        var p = net.parameters
        let noise = randomFloats(p.count, seed: 6, scale: 0.05)
        for i in p.indices { p[i] += noise[i] }
        net.parameters = p
        let n = 5
        let x = Tensor(shape: [n, 1, 28, 28], data: randomFloats(n * 784, seed: 7))
        let labels = (0..<n).map { $0 % 4 }
        let plain = plainLayers(net)
        var a = x
        var features: Tensor?
        for (i, layer) in plain.enumerated() {
            a = layer.forward(a)
            if i == net.lastConvFeatureIndex { features = a }
        }
        let seed = SoftmaxCrossEntropy.evaluate(logits: a, labels: labels).gradient
        var g = seed
        var featureGradient: Tensor?
        for i in plain.indices.reversed() {
            if i == net.lastConvFeatureIndex { featureGradient = g }
            g = plain[i].backward(g)
        }
        let plainGradients = plain.flatMap(\.gradients)

        let fast = net.forwardKeeping(x)
        #expect(fast.logits.data.map(\.bitPattern) == a.data.map(\.bitPattern))
        #expect(fast.features?.shape == features?.shape)
        #expect(fast.features?.data.map(\.bitPattern) == features?.data.map(\.bitPattern))
        let dA = net.backward(seed, stopAfter: net.lastConvFeatureIndex)
        #expect(dA.data.map(\.bitPattern) == featureGradient?.data.map(\.bitPattern))
        let result = net.lossAndGradient(x, labels: labels)
        #expect(result.gradient.map(\.bitPattern) == plainGradients.map(\.bitPattern))
        #expect(result.gradient.contains { $0 != 0 })
    }

    /// A convolution that gives channel-major maps gives the batch-major ones transposed, and one that takes them
    /// returns the same output and gradients as from the batch-major input (its input gradient transposed back).
    @Test func conv2DLayoutsHoldTheSameNumbers() {
        let (n, cin, cout, h, w) = (3, 2, 4, 7, 6)
        let x = randomFloats(n * cin * h * w, seed: 8)
        // x as [cin, n, h, w].
        var xt = [Float](repeating: 0, count: x.count)
        for s in 0..<n { for c in 0..<cin { for e in 0..<(h * w) { xt[(c * n + s) * h * w + e] = x[(s * cin + c) * h * w + e] } } }
        let params = randomFloats(cout * cin * 9 + cout, seed: 9)
        func run(_ input: ActivationLayout, _ output: ActivationLayout) -> (y: Tensor, dx: Tensor, grads: [Float]) {
            let conv = Conv2D(inChannels: cin, outChannels: cout, kernel: 3)
            conv.parameters = params
            conv.inputLayout = input
            conv.outputLayout = output
            let y = conv.forward(input == .batchMajor ? Tensor(shape: [n, cin, h, w], data: x) : Tensor(shape: [cin, n, h, w], data: xt))
            let dy = randomFloats(y.count, seed: output == .batchMajor ? 10 : 11)
            return (y, conv.backward(Tensor(shape: y.shape, data: dy)), conv.gradients)
        }
        let plain = run(.batchMajor, .batchMajor)
        // The gradient fed to the channel-major output must be the plain one transposed, to compare gradients.
        let dyPlain = randomFloats(plain.y.count, seed: 10)
        let cols = 5 * 4
        var dyT = [Float](repeating: 0, count: dyPlain.count)
        for s in 0..<n { for o in 0..<cout { for e in 0..<cols { dyT[(o * n + s) * cols + e] = dyPlain[(s * cout + o) * cols + e] } } }
        for (input, output) in [(ActivationLayout.channelMajor, ActivationLayout.batchMajor), (.batchMajor, .channelMajor), (.channelMajor, .channelMajor)] {
            let conv = Conv2D(inChannels: cin, outChannels: cout, kernel: 3)
            conv.parameters = params
            conv.inputLayout = input
            conv.outputLayout = output
            let y = conv.forward(input == .batchMajor ? Tensor(shape: [n, cin, h, w], data: x) : Tensor(shape: [cin, n, h, w], data: xt))
            #expect(y.shape == (output == .batchMajor ? [n, cout, 5, 4] : [cout, n, 5, 4]))
            #expect(conv.outputShape(input == .batchMajor ? [n, cin, h, w] : [cin, n, h, w]) == y.shape)
            for s in 0..<n { for o in 0..<cout { for e in 0..<cols {
                let value = output == .batchMajor ? y.data[(s * cout + o) * cols + e] : y.data[(o * n + s) * cols + e]
                #expect(value.bitPattern == plain.y.data[(s * cout + o) * cols + e].bitPattern)
            } } }
            let dx = conv.backward(Tensor(shape: y.shape, data: output == .batchMajor ? dyPlain : dyT))
            #expect(conv.gradients.map(\.bitPattern) == plain.grads.map(\.bitPattern))
            for s in 0..<n { for c in 0..<cin { for e in 0..<(h * w) {
                let value = input == .batchMajor ? dx.data[(s * cin + c) * h * w + e] : dx.data[(c * n + s) * h * w + e]
                #expect(value.bitPattern == plain.dx.data[(s * cin + c) * h * w + e].bitPattern)
            } } }
        }
    }

    /// Pooling's backward pass with the ReLU mask is `MaxPool2.backward` then `ReLU.backward`, including ties, zeros
    /// and a negative zero gradient.
    @Test(arguments: [(26, 26), (11, 11), (9, 12), (3, 5)])
    func maskedPoolBackwardIsPoolThenReLU(h: Int, w: Int) {
        let (n, c) = (2, 3)
        let x = Tensor(shape: [n, c, h, w], data: randomFloats(n * c * h * w, seed: UInt64(h * 100 + w)).map { ($0 * 2).rounded() / 2 })
        let count = n * c * (h / 2) * (w / 2)
        var dy = randomFloats(count, seed: 3)
        dy[0] = -0.0
        let relu = ReLU(), pool = MaxPool2()
        _ = pool.forward(relu.forward(x))
        let masked = pool.backward(Tensor(shape: [n, c, h / 2, w / 2], data: dy), rectifiedBy: relu)
        let twoPasses = relu.backward(pool.backward(Tensor(shape: [n, c, h / 2, w / 2], data: dy)))
        #expect(masked.shape == twoPasses.shape)
        #expect(masked.data.map(\.bitPattern) == twoPasses.data.map(\.bitPattern))
    }
}
