/// A 2-D convolution (cross-correlation), valid padding, stride 1, computed as im2col + one sgemm per batch.
///
/// Parameters are `outChannels x inChannels x k x k` weights followed by `outChannels` biases. im2col turns the whole
/// batch into a `(inChannels*k*k) x (N*outH*outW)` matrix so that the convolution is one matrix product, which
/// OpenBLAS does far faster than nested Swift loops; the matrix is kept for the backward pass.
///
/// Speed notes (the layer runs 3 passes per SGD step over megabytes of data): the workspaces are kept between
/// calls and never zero-filled when they are about to be overwritten, the loops run on raw pointers, and
/// `computesInputGradient = false` (set by `Network` on its first layer) skips the input gradient nobody reads.
public final class Conv2D: Layer {
    /// Input channels C_in.
    public let inChannels: Int
    /// Output channels C_out (the number of filters).
    public let outChannels: Int
    /// Side k of the square kernel.
    public let kernel: Int
    /// The C_out x C_in x k x k weights (row-major), then the C_out biases; zero until `Network` initializes
    /// them.
    public var parameters: [Float]
    /// The accumulated gradient of the loss with respect to `parameters`, in the same layout.
    public var gradients: [Float]
    /// Whether `backward` computes the gradient with respect to the input (false returns zeros of the input shape).
    public var computesInputGradient = true

    private var columns = Workspace()
    private var product = Workspace()
    private var inputShape: [Int] = []

    /// A convolution whose parameters and gradients are all zero.
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
    /// Number of weights, C_out x fan-in; the biases follow them in `parameters`.
    public var weightCount: Int { outChannels * fanIn }

    /// [N, C_out, H - k + 1, W - k + 1] for an input [N, C_in, H, W] (not checked here; `forward` checks).
    public func outputShape(_ input: [Int]) -> [Int] {
        [input[0], outChannels, input[2] - kernel + 1, input[3] - kernel + 1]
    }

    /// y[n, o, i, j] = b[o] + sum over (c, di, dj) of W[o, c, di, dj] x[n, c, i + di, j + dj], for an N x C_in x H x W
    /// input: cross-correlation, valid padding, stride 1. Keeps the im2col matrix for `backward`.
    public func forward(_ input: consuming Tensor) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[1] == inChannels, "Conv2D expects N x \(inChannels) x H x W, got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let (ho, wo) = (h - kernel + 1, w - kernel + 1)
        precondition(ho > 0 && wo > 0, "Conv2D input \(h)x\(w) is smaller than the kernel")
        inputShape = input.shape
        let rows = fanIn, cols = ho * wo, total = n * cols
        let k = kernel, cin = inChannels, cout = outChannels, wc = weightCount
        // im2col for the whole batch: row r = (c, di, dj), column s * cols + (i * wo + j), so the convolution of
        // all images is ONE sgemm (per-image products are too small for BLAS to run fast). Every entry is written.
        let col = columns.reserve(rows * total)
        input.data.withUnsafeBufferPointer { xBuffer in
            let x = xBuffer.baseAddress!
            for c in 0..<cin {
                for di in 0..<k {
                    for dj in 0..<k {
                        let r = (c * k + di) * k + dj
                        var dst = col + r * total
                        for s in 0..<n {
                            var src = x + (s * cin + c) * h * w + di * w + dj
                            for _ in 0..<ho {
                                for j in 0..<wo { dst[j] = src[j] }
                                dst += wo
                                src += w
                            }
                        }
                    }
                }
            }
        }
        let y = product.reserve(cout * total)
        let out = parameters.withUnsafeBufferPointer { p in
            BLAS.gemm(transA: false, transB: false, m: cout, n: total, k: rows,
                      a: p.baseAddress!, lda: rows, b: col, ldb: total, beta: 0, c: y, ldc: total)
            // [cout, n, cols] -> [n, cout, cols], adding the bias.
            return [Float](unsafeUninitializedCapacity: n * cout * cols) { o, initialized in
                for s in 0..<n {
                    for oc in 0..<cout {
                        let b = p[wc + oc]
                        let src = y + oc * total + s * cols
                        VectorLoops.addScalar(src, b, o.baseAddress! + (s * cout + oc) * cols, count: cols)
                    }
                }
                initialized = n * cout * cols
            }
        }
        return Tensor(shape: [n, cout, ho, wo], data: out)
    }

    /// For dY = dL/dy of the last `forward`: adds dL/dW = dY cols^T and dL/db (dY summed over the batch and positions)
    /// to `gradients` and returns dL/dx, col2im of W^T dY (zeros when `computesInputGradient` is false). One backward
    /// per forward: computing dL/dx overwrites the kept columns.
    public func backward(_ outputGradient: consuming Tensor) -> Tensor {
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let (ho, wo) = (h - kernel + 1, w - kernel + 1)
        let rows = fanIn, cols = ho * wo, total = n * cols
        let k = kernel, cin = inChannels, cout = outChannels, wc = weightCount
        // dY as [cout, n * cols], matching the im2col column order (reusing the forward product's space), and the
        // bias gradient (row sums of dY) in the same pass.
        precondition(columns.isValid, "Conv2D.backward needs its own forward pass first (one backward per forward)")
        let t = product.reserve(cout * total)
        let col = columns.pointer
        gradients.withUnsafeMutableBufferPointer { g in
            outputGradient.data.withUnsafeBufferPointer { dy in
                for oc in 0..<cout {
                    var sum: Float = 0
                    for s in 0..<n {
                        sum += VectorLoops.copySum(dy.baseAddress! + (s * cout + oc) * cols, t + oc * total + s * cols, count: cols)
                    }
                    g[wc + oc] += sum
                }
            }
            // dW += dY * cols^T
            BLAS.gemm(transA: false, transB: true, m: cout, n: rows, k: total,
                      a: t, lda: total, b: col, ldb: total, beta: 1, c: g.baseAddress!, ldc: rows)
        }
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        guard computesInputGradient else { return Tensor(shape: inputShape, data: dx) }
        // dcols = W^T * dY, written over the forward columns (no longer needed once dW is done; a second backward
        // without a new forward would read them, hence the invalidation and the check above).
        parameters.withUnsafeBufferPointer { p in
            BLAS.gemm(transA: true, transB: false, m: rows, n: total, k: cout,
                      a: p.baseAddress!, lda: rows, b: t, ldb: total, beta: 0, c: col, ldc: total)
        }
        columns.invalidate()
        // col2im: add each column entry back onto the pixel it was copied from.
        dx.withUnsafeMutableBufferPointer { dBuffer in
            let d = dBuffer.baseAddress!
            for c in 0..<cin {
                for di in 0..<k {
                    for dj in 0..<k {
                        var src = UnsafePointer(col) + ((c * k + di) * k + dj) * total
                        for s in 0..<n {
                            var dst = d + (s * cin + c) * h * w + di * w + dj
                            for _ in 0..<ho {
                                for j in 0..<wo { dst[j] += src[j] }
                                dst += w
                                src += wo
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, data: dx)
    }
}
