/// A fully connected layer y = x W^T + b on the flattened input (so no separate flatten layer is needed).
///
/// Parameters are `outputs x inputs` weights followed by `outputs` biases; the whole batch is one sgemm.
public final class Linear: Layer {
    public let inputs: Int
    public let outputs: Int
    public var parameters: [Float]
    public var gradients: [Float]

    private var input: [Float] = []
    private var inputShape: [Int] = []

    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
        parameters = [Float](repeating: 0, count: outputs * inputs + outputs)
        gradients = [Float](repeating: 0, count: outputs * inputs + outputs)
    }

    public var fanIn: Int { inputs }
    public var weightCount: Int { outputs * inputs }

    public func outputShape(_ input: [Int]) -> [Int] { [input[0], outputs] }

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
