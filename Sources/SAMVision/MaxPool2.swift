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
        // maxPoolRow writes every output and every index, so neither array is zero-filled first.
        var out: [Float] = []
        argmax = input.data.withUnsafeBufferPointer { x in
            [Int32](unsafeUninitializedCapacity: count) { arg, written in
                out = [Float](unsafeUninitializedCapacity: count) { y, initialized in
                    for plane in 0..<(n * c) {
                        for i in 0..<ho {
                            let o = (plane * ho + i) * wo
                            VectorLoops.maxPoolRow(x.baseAddress!, top: plane * h * w + 2 * i * w, w: w, count: wo,
                                                   y.baseAddress! + o, arg.baseAddress! + o)
                        }
                    }
                    initialized = count
                }
                written = count
            }
        }
        return Tensor(shape: [n, c, ho, wo], data: out)
    }

    /// Routes each output's gradient to the input that won its window in the last `forward`; every other
    /// input (dropped odd rows and columns included) gets 0.
    public func backward(_ outputGradient: consuming Tensor) -> Tensor { route(outputGradient, mask: nil) }

    /// `backward` followed by the backward pass of the ReLU whose output y this layer pooled, in one pass: each
    /// window's gradient goes to its winner when y there is > 0 (ReLU's mask), every other input gets +0. The
    /// winner holds the window's maximum, so elsewhere ReLU would only mask zeros: the bits of the two passes.
    func backward(_ outputGradient: consuming Tensor, rectifiedBy relu: ReLU) -> Tensor {
        precondition(relu.lastOutput.count == inputShape.reduce(1, *),
                     "MaxPool2.backward: the ReLU's output has \(relu.lastOutput.count) values for \(inputShape) inputs")
        return route(outputGradient, mask: relu.lastOutput)
    }

    /// Each output's gradient to its window's winner (or +0 there where `mask`, this layer's input, is not > 0),
    /// and +0 to every other input. Windows do not overlap, so each input gets at most one gradient: every input is
    /// written once (zeros, then the window's winner) instead of zero-filling the whole buffer first and scattering.
    private func route(_ outputGradient: Tensor, mask: [Float]?) -> Tensor {
        precondition(outputGradient.count == argmax.count, "MaxPool2.backward: gradient of \(outputGradient.count) for \(argmax.count) outputs")
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (ho, wo) = (h / 2, w / 2)
        let count = n * c * h * w
        let g = argmax.withUnsafeBufferPointer { arg in
            outputGradient.data.withUnsafeBufferPointer { dy in
                (mask ?? []).withUnsafeBufferPointer { y in
                    [Float](unsafeUninitializedCapacity: count) { d, initialized in
                        let base = d.baseAddress!
                        for plane in 0..<(n * c) {
                            let p = base + plane * h * w
                            for i in 0..<ho {
                                (p + 2 * i * w).update(repeating: 0, count: 2 * w)
                                let o = (plane * ho + i) * wo
                                if mask == nil {
                                    for j in 0..<wo { base[Int(arg[o + j])] = dy[o + j] }
                                } else {
                                    for j in 0..<wo {
                                        let at = Int(arg[o + j])
                                        // dy where y > 0, else +0, without a branch on the data.
                                        let keep: UInt32 = y[at] > 0 ? .max : 0
                                        base[at] = Float(bitPattern: dy[o + j].bitPattern & keep)
                                    }
                                }
                            }
                            if h % 2 == 1 { (p + (h - 1) * w).update(repeating: 0, count: w) }
                        }
                        initialized = count
                    }
                }
            }
        }
        return Tensor(shape: inputShape, data: g)
    }
}
