/// A 2-D convolution (cross-correlation), valid padding, stride 1, computed as im2col + one sgemm per batch.
///
/// Parameters are `outChannels x inChannels x k x k` weights followed by `outChannels` biases. im2col turns the whole
/// batch into a `(inChannels*k*k) x (N*outH*outW)` matrix so that the convolution is one matrix product, which
/// OpenBLAS does far faster than nested Swift loops; the matrix is kept for the backward pass.
///
/// Speed notes (the layer runs 3 passes per SGD step over megabytes of data): the workspaces are kept between
/// calls and never zero-filled when they are about to be overwritten, the loops run on raw pointers,
/// `computesInputGradient = false` (set by `Network` on its first layer) skips the input gradient nobody reads, and
/// between two convolutions `Network` passes the channel-major GEMM result on as it is (`ActivationLayout`).
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
    private var blockColumns = Workspace()

    /// Columns of dcols = W^T dY computed at once in `backward` (whole images, at least one): 512 columns of a
    /// 288-row conv2 block are 576 KiB, which stays in a 1 MiB L2 cache until col2im has read it.
    static let columnsPerBlock = 512
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

    /// The order of the input batch (`ActivationLayout`): batch-major N x C_in x H x W unless `Network` hands this
    /// layer a previous convolution's channel-major output. The input gradient comes back in the same order.
    var inputLayout = ActivationLayout.batchMajor
    /// The order of the output batch and of the gradient `backward` takes: batch-major unless `Network` sets
    /// channel-major, which returns the GEMM result itself (bias added in place) instead of transposing it.
    var outputLayout = ActivationLayout.batchMajor

    /// [N, C_out, H - k + 1, W - k + 1] for an input [N, C_in, H, W] (not checked here; `forward` checks), each in
    /// its layer's `ActivationLayout` ([C, N, H, W] when channel-major).
    public func outputShape(_ input: [Int]) -> [Int] {
        outputLayout.shape(images: inputLayout.imagesAndChannels(input).images, channels: outChannels,
                           height: input[2] - kernel + 1, width: input[3] - kernel + 1)
    }

    /// y[n, o, i, j] = b[o] + sum over (c, di, dj) of W[o, c, di, dj] x[n, c, i + di, j + dj], for an N x C_in x H x W
    /// input: cross-correlation, valid padding, stride 1. Keeps the im2col matrix for `backward`. Each sum is the
    /// one GEMM of W by the columns (`Im2Col`), then + b[o], whatever the layouts.
    public func forward(_ input: consuming Tensor) -> Tensor { forward(input, rectifying: false) }

    /// `forward`, then max(0, y) when `rectifying`, in the pass that adds the bias (`VectorLoops.addScalarReLU`): what
    /// `Network` calls for a convolution followed by a ReLU, with the bits of the two layers one after the other.
    func forward(_ input: consuming Tensor, rectifying: Bool) -> Tensor {
        let addBias = rectifying ? VectorLoops.addScalarReLU : VectorLoops.addScalar
        precondition(input.shape.count == 4 && inputLayout.imagesAndChannels(input.shape).channels == inChannels,
                     "Conv2D expects N x \(inChannels) x H x W (\(inputLayout)), got \(input.shape)")
        let (n, h, w) = (inputLayout.imagesAndChannels(input.shape).images, input.shape[2], input.shape[3])
        let (ho, wo) = (h - kernel + 1, w - kernel + 1)
        precondition(ho > 0 && wo > 0, "Conv2D input \(h)x\(w) is smaller than the kernel")
        inputShape = input.shape
        let rows = fanIn, cols = ho * wo, total = n * cols
        let cout = outChannels, wc = weightCount
        // im2col for the whole batch, so the convolution of all images is ONE sgemm (per-image products are too
        // small for BLAS to run fast).
        let col = columns.reserve(rows * total)
        input.data.withUnsafeBufferPointer { x in
            Im2Col.gather(x.baseAddress!, images: n, channels: inChannels, height: h, width: w, kernel: kernel,
                          strides: inputLayout.strides(images: n, channels: inChannels, plane: h * w), into: col)
        }
        let out = parameters.withUnsafeBufferPointer { p in
            [Float](unsafeUninitializedCapacity: cout * total) { buffer, initialized in
                let o = buffer.baseAddress!
                switch outputLayout {
                case .channelMajor:
                    // [cout, n * cols] is the output itself: multiply into it and add the bias in place.
                    BLAS.gemm(transA: false, transB: false, m: cout, n: total, k: rows,
                              a: p.baseAddress!, lda: rows, b: col, ldb: total, beta: 0, c: o, ldc: total)
                    for oc in 0..<cout { addBias(o + oc * total, p[wc + oc], o + oc * total, total) }
                case .batchMajor:
                    let y = product.reserve(cout * total)
                    BLAS.gemm(transA: false, transB: false, m: cout, n: total, k: rows,
                              a: p.baseAddress!, lda: rows, b: col, ldb: total, beta: 0, c: y, ldc: total)
                    // [cout, n, cols] -> [n, cout, cols], adding the bias.
                    for s in 0..<n {
                        for oc in 0..<cout {
                            addBias(y + oc * total + s * cols, p[wc + oc], o + (s * cout + oc) * cols, cols)
                        }
                    }
                }
                initialized = cout * total
            }
        }
        return Tensor(shape: outputLayout.shape(images: n, channels: cout, height: ho, width: wo), data: out)
    }

    /// For dY = dL/dy of the last `forward`: adds dL/dW = dY cols^T and dL/db (dY summed over the batch and positions,
    /// image after image, each image's positions in `VectorLoops.sum`'s order) to `gradients` and returns dL/dx,
    /// col2im of W^T dY (zeros when `computesInputGradient` is false). One backward per forward (checked).
    public func backward(_ outputGradient: consuming Tensor) -> Tensor {
        precondition(columns.isValid, "Conv2D.backward needs its own forward pass first (one backward per forward)")
        let n = inputLayout.imagesAndChannels(inputShape).images
        let cols = (inputShape[2] - kernel + 1) * (inputShape[3] - kernel + 1), total = n * cols
        let cout = outChannels, wc = weightCount
        precondition(outputGradient.count == cout * total, "Conv2D.backward: gradient of \(outputGradient.count) for \(cout * total) outputs")
        switch outputLayout {
        case .channelMajor:
            // dY is already the [cout, n * cols] matrix.
            return outputGradient.data.withUnsafeBufferPointer { dy in
                let t = dy.baseAddress!
                gradients.withUnsafeMutableBufferPointer { g in
                    for oc in 0..<cout {
                        var sum: Float = 0
                        for s in 0..<n { sum += VectorLoops.sum(t + oc * total + s * cols, count: cols) }
                        g[wc + oc] += sum
                    }
                }
                return backward(matrix: t, images: n)
            }
        case .batchMajor:
            // dY as [cout, n * cols], matching the im2col column order (reusing the forward product's space), and
            // the bias gradient (row sums of dY) in the same pass.
            let t = product.reserve(cout * total)
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
            }
            return backward(matrix: t, images: n)
        }
    }

    /// The rest of `backward` from dY as the [cout, n * cols] matrix `t`: dW += dY cols^T, then dL/dx.
    private func backward(matrix t: UnsafePointer<Float>, images n: Int) -> Tensor {
        let (h, w) = (inputShape[2], inputShape[3])
        let rows = fanIn, total = n * (h - kernel + 1) * (w - kernel + 1)
        let col = columns.pointer
        gradients.withUnsafeMutableBufferPointer { g in
            BLAS.gemm(transA: false, transB: true, m: outChannels, n: rows, k: total,
                      a: t, lda: total, b: col, ldb: total, beta: 1, c: g.baseAddress!, ldc: rows)
        }
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        columns.invalidate()
        guard computesInputGradient else { return Tensor(shape: inputShape, data: dx) }
        // dcols = W^T dY and its col2im, a few images at a time: each block of columns (`columnsPerBlock`) is
        // multiplied into a scratch buffer that is still in cache when col2im reads it, instead of a whole-batch
        // matrix that goes to memory and back. Every entry is the same sum over the C_out channels as in one product
        // (the blocks split the columns, not the sum), and every pixel gets its terms in the same order.
        let cols = total / n
        let group = max(1, Self.columnsPerBlock / cols)
        let block = blockColumns.reserve(rows * group * cols)
        let strides = inputLayout.strides(images: n, channels: inChannels, plane: h * w)
        parameters.withUnsafeBufferPointer { p in
            dx.withUnsafeMutableBufferPointer { d in
                for first in stride(from: 0, to: n, by: group) {
                    let images = min(group, n - first), width = images * cols
                    BLAS.gemm(transA: true, transB: false, m: rows, n: width, k: outChannels,
                              a: p.baseAddress!, lda: rows, b: t + first * cols, ldb: total, beta: 0, c: block, ldc: width)
                    Im2Col.scatterAdd(block, images: images, channels: inChannels, height: h, width: w, kernel: kernel,
                                      strides: strides, into: d.baseAddress! + first * strides.image)
                }
            }
        }
        return Tensor(shape: inputShape, data: dx)
    }
}
