import Testing
@testable import SAMVision

/// The SIMD loops against the plain scalar definitions they replace, on sizes that exercise both the vector body
/// and the scalar tail, with ties (pooling must pick the FIRST maximum, as the scalar chain does).
@Suite struct VectorLoopsTests {
    /// Quantized values so that windows often hold equal maxima.
    func tiedValues(_ n: Int, seed: UInt64) -> [Float] {
        randomFloats(n, seed: seed).map { ($0 * 2).rounded() / 2 }
    }

    @Test(arguments: [(26, 26), (11, 11), (9, 12), (8, 8), (3, 5)])
    func maxPoolMatchesScalarReference(h: Int, w: Int) {
        let (n, c) = (2, 3)
        let x = Tensor(shape: [n, c, h, w], data: tiedValues(n * c * h * w, seed: UInt64(h * 100 + w)))
        let pool = MaxPool2()
        let y = pool.forward(x)
        let (ho, wo) = (h / 2, w / 2)
        var expected = [Float](), winners = [Int]()
        for plane in 0..<(n * c) {
            for i in 0..<ho {
                for j in 0..<wo {
                    let top = plane * h * w + 2 * i * w + 2 * j
                    var best = top
                    for candidate in [top + 1, top + w, top + w + 1] where x.data[candidate] > x.data[best] { best = candidate }
                    expected.append(x.data[best])
                    winners.append(best)
                }
            }
        }
        #expect(y.shape == [n, c, ho, wo])
        #expect(y.data == expected)
        let g = randomFloats(y.count, seed: 5)
        let dx = pool.backward(Tensor(shape: y.shape, data: g))
        var expectedDx = [Float](repeating: 0, count: x.count)
        for (o, k) in winners.enumerated() { expectedDx[k] += g[o] }
        #expect(dx.data == expectedDx)
    }

    @Test(arguments: [1, 15, 16, 17, 100])
    func reluMatchesScalarDefinitionAndPassesNaN(count: Int) {
        var values = tiedValues(count, seed: UInt64(count))
        values[count / 2] = .nan
        let relu = ReLU()
        let y = relu.forward(Tensor(shape: [1, count], data: values))
        for i in 0..<count {
            if values[i].isNaN { #expect(y.data[i].isNaN) } else { #expect(y.data[i] == max(values[i], 0)) }
        }
        let g = randomFloats(count, seed: 9)
        let dx = relu.backward(Tensor(shape: [1, count], data: g))
        for i in 0..<count { #expect(dx.data[i] == (values[i] > 0 ? g[i] : 0)) }
    }

    @Test func copySumAndAddScalar() {
        let src = randomFloats(37, seed: 3)
        var dst = [Float](repeating: 0, count: 37)
        let sum = dst.withUnsafeMutableBufferPointer { VectorLoops.copySum(src, $0.baseAddress!, count: 37) }
        #expect(dst == src)
        #expect(abs(Double(sum) - src.reduce(0.0) { $0 + Double($1) }) < 1e-5)
        dst.withUnsafeMutableBufferPointer { VectorLoops.addScalar(src, 0.5, $0.baseAddress!, count: 37) }
        #expect(dst == src.map { $0 + 0.5 })
    }

    /// Skipping the input gradient must not change the parameter gradients.
    @Test func convWithoutInputGradientKeepsParameterGradients() {
        let x = Tensor(shape: [3, 2, 7, 7], data: randomFloats(3 * 2 * 49, seed: 1))
        var gradients: [[Float]] = []
        for computes in [true, false] {
            let conv = Conv2D(inChannels: 2, outChannels: 4, kernel: 3)
            conv.parameters = randomFloats(conv.parameterCount, seed: 2)
            conv.computesInputGradient = computes
            let y = conv.forward(x)
            let dx = conv.backward(Tensor(shape: y.shape, data: randomFloats(y.count, seed: 4)))
            if !computes { #expect(dx.data.allSatisfy { $0 == 0 }) }
            gradients.append(conv.gradients)
        }
        #expect(gradients[0] == gradients[1])
    }

    /// `sum` adds in `copySum`'s order: the same bits, for lengths with and without a tail.
    @Test(arguments: [0, 5, 16, 37, 676])
    func sumMatchesCopySum(count: Int) {
        let src = randomFloats(count, seed: UInt64(count) + 40)
        var dst = [Float](repeating: 0, count: count)
        let copied = dst.withUnsafeMutableBufferPointer { VectorLoops.copySum(src, $0.baseAddress!, count: count) }
        #expect(VectorLoops.sum(src, count: count).bitPattern == copied.bitPattern)
    }

    /// The fused bias and ReLU is `addScalar` then `relu`, bit for bit (NaN passes, -0 + 0 is +0), in place too.
    @Test func addScalarReLUIsAddThenReLU() {
        var src = randomFloats(37, seed: 41)
        src[3] = .nan
        src[4] = -0.5
        var expected = src.map { $0 + 0.5 }
        expected.withUnsafeMutableBufferPointer { VectorLoops.relu($0.baseAddress!, $0.baseAddress!, count: 37) }
        var dst = [Float](repeating: 0, count: 37)
        dst.withUnsafeMutableBufferPointer { VectorLoops.addScalarReLU(src, 0.5, $0.baseAddress!, count: 37) }
        #expect(dst.map(\.bitPattern) == expected.map(\.bitPattern))
        src.withUnsafeMutableBufferPointer { VectorLoops.addScalarReLU($0.baseAddress!, 0.5, $0.baseAddress!, count: 37) }
        #expect(src.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
