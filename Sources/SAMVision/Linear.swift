/// A fully connected layer y = x W^T + b on the flattened input (so no separate flatten layer is needed).
///
/// Parameters are `outputs x inputs` weights followed by `outputs` biases; the whole batch is one sgemm.
public final class Linear: Layer {
    /// Inputs per example: the flattened size of the incoming tensor.
    public let inputs: Int
    /// Outputs per example.
    public let outputs: Int
    /// The `outputs` x `inputs` weights W (row-major), then the `outputs` biases b; zero until `Network`
    /// initializes them.
    public var parameters: [Float]
    /// The accumulated gradient of the loss with respect to `parameters`, in the same layout.
    public var gradients: [Float]

    private var input: [Float] = []
    private var inputShape: [Int] = []

    /// A layer whose parameters and gradients are all zero.
    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
        parameters = [Float](repeating: 0, count: outputs * inputs + outputs)
        gradients = [Float](repeating: 0, count: outputs * inputs + outputs)
    }

    /// Fan-in of one output unit (`inputs`), for He initialization.
    public var fanIn: Int { inputs }
    /// Number of weights, `outputs` x `inputs`; the biases follow them in `parameters`.
    public var weightCount: Int { outputs * inputs }

    /// [N, outputs] for an input of batch N, whatever its other dimensions (they are flattened).
    public func outputShape(_ input: [Int]) -> [Int] { [input[0], outputs] }

    /// y = x W^T + b, with the batch flattened to x of N x `inputs`; keeps x for `backward`.
    public func forward(_ input: consuming Tensor) -> Tensor {
        precondition(input.perExample == inputs, "Linear expects \(inputs) inputs per example, got shape \(input.shape)")
        let n = input.batch
        self.input = input.data
        inputShape = input.shape
        var out = [Float](repeating: 0, count: n * outputs)
        let wc = weightCount, m = outputs, k = inputs
        parameters.withUnsafeBufferPointer { p in
            input.data.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    for s in 0..<n { for o in 0..<m { y[s * m + o] = p[wc + o] } }
                    BLAS.gemm(transA: false, transB: true, m: n, n: m, k: k, a: x.baseAddress!, lda: k,
                              b: p.baseAddress!, ldb: k, beta: 1, c: y.baseAddress!, ldc: m)
                }
            }
        }
        return Tensor(shape: [n, outputs], data: out)
    }

    /// For dY = dL/dy (N x `outputs`): adds dL/dW = dY^T x and dL/db = the column sums of dY to `gradients`, and
    /// returns dL/dx = dY W in the shape the input had.
    public func backward(_ outputGradient: consuming Tensor) -> Tensor {
        let n = inputShape[0], m = outputs, k = inputs, wc = weightCount
        var dx = [Float](repeating: 0, count: n * k)
        outputGradient.data.withUnsafeBufferPointer { dy in
            input.withUnsafeBufferPointer { x in
                parameters.withUnsafeBufferPointer { p in
                    gradients.withUnsafeMutableBufferPointer { g in
                        BLAS.gemm(transA: true, transB: false, m: m, n: k, k: n, a: dy.baseAddress!, lda: m,
                                  b: x.baseAddress!, ldb: k, beta: 1, c: g.baseAddress!, ldc: k)
                        for s in 0..<n { for o in 0..<m { g[wc + o] += dy[s * m + o] } }
                        dx.withUnsafeMutableBufferPointer { d in
                            BLAS.gemm(transA: false, transB: false, m: n, n: k, k: m, a: dy.baseAddress!, lda: m,
                                      b: p.baseAddress!, ldb: k, beta: 0, c: d.baseAddress!, ldc: k)
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, data: dx)
    }
}
