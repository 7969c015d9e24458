/// 2x2 max pooling with stride 2 (an odd last row or column is dropped, as in the usual floor convention).
///
/// The forward pass records the index of each window's maximum (the first one on ties), so the backward pass
/// routes each gradient to exactly that input.
public final class MaxPool2: Layer {
    public var parameters: [Float] = []
    public var gradients: [Float] = []
    private var argmax: [Int] = []
    private var inputShape: [Int] = []

    public init() {}

    public func outputShape(_ input: [Int]) -> [Int] { [input[0], input[1], input[2] / 2, input[3] / 2] }

    public func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (h / 2, w / 2)
        inputShape = input.shape
        var out = [Float](repeating: 0, count: n * c * ho * wo)
        argmax = [Int](repeating: 0, count: out.count)
        input.data.withUnsafeBufferPointer { x in
            var o = 0
            for plane in 0..<(n * c) {
                let base = plane * h * w
                for i in 0..<ho {
                    for j in 0..<wo {
                        let top = base + 2 * i * w + 2 * j
                        var best = top
                        if x[top + 1] > x[best] { best = top + 1 }
                        if x[top + w] > x[best] { best = top + w }
                        if x[top + w + 1] > x[best] { best = top + w + 1 }
                        out[o] = x[best]
                        argmax[o] = best
                        o += 1
                    }
                }
            }
        }
        return Tensor(shape: [n, c, ho, wo], data: out)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var g = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (o, k) in argmax.enumerated() { g[k] += outputGradient.data[o] }
        return Tensor(shape: inputShape, data: g)
    }
}
