import Testing
@testable import SAMVision

/// Forward passes against naive loops (finite differences only show that backward matches forward).
@Suite struct ForwardReferenceTests {
    @Test func conv2DMatchesDirectLoops() {
        let (n, cin, cout, h, w, k) = (2, 2, 3, 5, 6, 3)
        let conv = Conv2D(inChannels: cin, outChannels: cout, kernel: k)
        conv.parameters = randomFloats(conv.parameters.count, seed: 21)
        let x = Tensor(shape: [n, cin, h, w], data: randomFloats(n * cin * h * w, seed: 22))
        let y = conv.forward(x)
        let (ho, wo) = (h - k + 1, w - k + 1)
        #expect(y.shape == [n, cout, ho, wo])
        for s in 0..<n { for o in 0..<cout { for i in 0..<ho { for j in 0..<wo {
            var sum = Double(conv.parameters[conv.weightCount + o])
            for c in 0..<cin { for di in 0..<k { for dj in 0..<k {
                sum += Double(conv.parameters[((o * cin + c) * k + di) * k + dj]) * Double(x.data[((s * cin + c) * h + i + di) * w + j + dj])
            } } }
            #expect(abs(Double(y.data[((s * cout + o) * ho + i) * wo + j]) - sum) < 1e-4)
        } } } }
    }

    @Test func linearMatchesDirectLoops() {
        let linear = Linear(inputs: 5, outputs: 3)
        linear.parameters = randomFloats(linear.parameters.count, seed: 23)
        let x = Tensor(shape: [4, 5], data: randomFloats(20, seed: 24))
        let y = linear.forward(x)
        for s in 0..<4 { for o in 0..<3 {
            var sum = Double(linear.parameters[15 + o])
            for i in 0..<5 { sum += Double(linear.parameters[o * 5 + i]) * Double(x.data[s * 5 + i]) }
            #expect(abs(Double(y.data[s * 3 + o]) - sum) < 1e-5)
        } }
    }

    @Test func maxPoolAndReLU() {
        let x = Tensor(shape: [1, 1, 3, 4], data: [1, -2, 3, 0, 5, 4, -1, 8, 9, 9, 9, 9])
        #expect(MaxPool2().forward(x).data == [5, 8])
        #expect(ReLU().forward(x).data == [1, 0, 3, 0, 5, 4, 0, 8, 9, 9, 9, 9])
    }

    @Test func blasIsSingleThreadedByDefault() {
        #expect(BLAS.threads == 1)
        #expect(!BLAS.coreName.isEmpty)
    }
}
