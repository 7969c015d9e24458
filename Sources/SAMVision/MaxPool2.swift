/// 2x2 max pooling with stride 2 (an odd last row or column is dropped, as in the usual floor convention).
///
/// The forward pass records the index of each window's maximum (the first one on ties), so the backward pass
/// routes each gradient to exactly that input.
public final class MaxPool2: Layer {
    /// Empty: pooling has no parameters.
    public var parameters: [Float] = []
    /// Empty, like `parameters`.
    public var gradients: [Float] = []
    /// Flat input index of each output's maximum (Int32: a batch's activations stay far below 2^31).
    private var argmax: [Int32] = []
    private var inputShape: [Int] = []

    /// A 2x2, stride-2 max pooling layer (it has no settings).
    public init() {}

    /// [N, C, floor(H / 2), floor(W / 2)] for an input [N, C, H, W].
    public func outputShape(_ input: [Int]) -> [Int] { [input[0], input[1], input[2] / 2, input[3] / 2] }

    /// y[n, c, i, j] = max of x[n, c, 2i + a, 2j + b] over a, b in {0, 1}; records which input won (the first
    /// in row-major order on ties).
    public func forward(_ input: consuming Tensor) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (h / 2, w / 2)
        precondition(input.count < Int(Int32.max), "MaxPool2: \(input.count) activations exceed Int32 indexing")
        inputShape = input.shape
        let count = n * c * ho * wo
        var indices = [Int32](repeating: 0, count: count)
        let out = input.data.withUnsafeBufferPointer { x in
            indices.withUnsafeMutableBufferPointer { arg in
                [Float](unsafeUninitializedCapacity: count) { y, initialized in
                    for plane in 0..<(n * c) {
                        for i in 0..<ho {
                            let o = (plane * ho + i) * wo
                            VectorLoops.maxPoolRow(x.baseAddress!, top: plane * h * w + 2 * i * w, w: w, count: wo,
                                                   y.baseAddress! + o, arg.baseAddress! + o)
                        }
                    }
                    initialized = count
                }
            }
        }
        argmax = indices
        return Tensor(shape: [n, c, ho, wo], data: out)
    }

    /// Routes each output's gradient to the input that won its window in the last `forward`; every other
    /// input (dropped odd rows and columns included) gets 0.
    public func backward(_ outputGradient: consuming Tensor) -> Tensor {
        precondition(outputGradient.count == argmax.count, "MaxPool2.backward: gradient of \(outputGradient.count) for \(argmax.count) outputs")
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (ho, wo) = (h / 2, w / 2)
        let count = n * c * h * w
        // Windows do not overlap, so each input gets at most one gradient: write every input once (zeros, then the
        // window's winner) instead of zero-filling the whole buffer first and scattering after.
        let g = argmax.withUnsafeBufferPointer { arg in
            outputGradient.data.withUnsafeBufferPointer { dy in
                [Float](unsafeUninitializedCapacity: count) { d, initialized in
                    let base = d.baseAddress!
                    for plane in 0..<(n * c) {
                        let p = base + plane * h * w
                        for i in 0..<ho {
                            (p + 2 * i * w).update(repeating: 0, count: 2 * w)
                            let o = (plane * ho + i) * wo
                            for j in 0..<wo { base[Int(arg[o + j])] = dy[o + j] }
                        }
                        if h % 2 == 1 { (p + (h - 1) * w).update(repeating: 0, count: w) }
                    }
                    initialized = count
                }
            }
        }
        return Tensor(shape: inputShape, data: g)
    }
}
