/// A 2-D convolution (cross-correlation), valid padding, stride 1, computed as im2col + one sgemm per batch.
///
/// Parameters are `outChannels x inChannels x k x k` weights followed by `outChannels` biases. im2col turns the whole
/// batch into a `(inChannels*k*k) x (N*outH*outW)` matrix so that the convolution is one matrix product, which
/// OpenBLAS does far faster than nested Swift loops; the matrices are kept for the backward pass.
public final class Conv2D: Layer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public var parameters: [Float]
    public var gradients: [Float]

    private var columns: [Float] = []
    private var inputShape: [Int] = []

    public init(inChannels: Int, outChannels: Int, kernel: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        let count = outChannels * inChannels * kernel * kernel + outChannels
        parameters = [Float](repeating: 0, count: count)
        gradients = [Float](repeating: 0, count: count)
    }

    /// Fan-in of one output unit, for He initialization.
    public var fanIn: Int { inChannels * kernel * kernel }
    public var weightCount: Int { outChannels * fanIn }

    public func outputShape(_ input: [Int]) -> [Int] {
        [input[0], outChannels, input[2] - kernel + 1, input[3] - kernel + 1]
    }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[1] == inChannels, "Conv2D expects N x \(inChannels) x H x W, got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let (ho, wo) = (h - kernel + 1, w - kernel + 1)
        precondition(ho > 0 && wo > 0, "Conv2D input \(h)x\(w) is smaller than the kernel")
        inputShape = input.shape
        let rows = fanIn, cols = ho * wo, total = n * cols
        let k = kernel, cin = inChannels, cout = outChannels, wc = weightCount
        // im2col for the whole batch: row r = (c, di, dj), column s * cols + (i * wo + j), so the convolution of
        // all images is ONE sgemm (per-image products are too small for BLAS to run fast).
        columns = [Float](repeating: 0, count: rows * total)
        input.data.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { col in
                for s in 0..<n {
                    let xb = s * cin * h * w
                    for c in 0..<cin {
                        for di in 0..<k {
                            for dj in 0..<k {
                                let r = (c * k + di) * k + dj
                                var dst = r * total + s * cols
                                for i in 0..<ho {
                                    var src = xb + (c * h + i + di) * w + dj
                                    for _ in 0..<wo {
                                        col[dst] = x[src]
                                        dst += 1
                                        src += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var product = [Float](repeating: 0, count: cout * total)
        var out = [Float](repeating: 0, count: n * cout * cols)
        parameters.withUnsafeBufferPointer { p in
            columns.withUnsafeBufferPointer { col in
                product.withUnsafeMutableBufferPointer { y in
                    BLAS.gemm(transA: false, transB: false, m: cout, n: total, k: rows,
                              a: p.baseAddress!, lda: rows, b: col.baseAddress!, ldb: total,
                              beta: 0, c: y.baseAddress!, ldc: total)
                }
                // [cout, n, cols] -> [n, cout, cols], adding the bias.
                product.withUnsafeBufferPointer { y in
                    out.withUnsafeMutableBufferPointer { o in
                        for s in 0..<n {
                            for oc in 0..<cout {
                                let b = p[wc + oc]
                                let src = oc * total + s * cols, dst = (s * cout + oc) * cols
                                for j in 0..<cols { o[dst + j] = y[src + j] + b }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, cout, ho, wo], data: out)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let (ho, wo) = (h - kernel + 1, w - kernel + 1)
        let rows = fanIn, cols = ho * wo, total = n * cols
        let k = kernel, cin = inChannels, cout = outChannels, wc = weightCount
        // dY as [cout, n * cols], matching the im2col column order.
        var dyT = [Float](repeating: 0, count: cout * total)
        outputGradient.data.withUnsafeBufferPointer { dy in
            dyT.withUnsafeMutableBufferPointer { t in
                for s in 0..<n {
                    for oc in 0..<cout {
                        let src = (s * cout + oc) * cols, dst = oc * total + s * cols
                        for j in 0..<cols { t[dst + j] = dy[src + j] }
                    }
                }
            }
        }
        var dcol = [Float](repeating: 0, count: rows * total)
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        dyT.withUnsafeBufferPointer { t in
            parameters.withUnsafeBufferPointer { p in
                columns.withUnsafeBufferPointer { col in
                    gradients.withUnsafeMutableBufferPointer { g in
                        // dW += dY * cols^T ; db += row sums of dY
                        BLAS.gemm(transA: false, transB: true, m: cout, n: rows, k: total,
                                  a: t.baseAddress!, lda: total, b: col.baseAddress!, ldb: total,
                                  beta: 1, c: g.baseAddress!, ldc: rows)
                        for oc in 0..<cout {
                            var sum: Float = 0
                            for j in 0..<total { sum += t[oc * total + j] }
                            g[wc + oc] += sum
                        }
                    }
                }
                // dcols = W^T * dY
                dcol.withUnsafeMutableBufferPointer { dc in
                    BLAS.gemm(transA: true, transB: false, m: rows, n: total, k: cout,
                              a: p.baseAddress!, lda: rows, b: t.baseAddress!, ldb: total,
                              beta: 0, c: dc.baseAddress!, ldc: total)
                }
            }
        }
        // col2im: add each column entry back onto the pixel it was copied from.
        dcol.withUnsafeBufferPointer { dc in
            dx.withUnsafeMutableBufferPointer { d in
                for s in 0..<n {
                    let xb = s * cin * h * w
                    for c in 0..<cin {
                        for di in 0..<k {
                            for dj in 0..<k {
                                var src = ((c * k + di) * k + dj) * total + s * cols
                                for i in 0..<ho {
                                    var dst = xb + (c * h + i + di) * w + dj
                                    for _ in 0..<wo {
                                        d[dst] += dc[src]
                                        dst += 1
                                        src += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, data: dx)
    }
}
