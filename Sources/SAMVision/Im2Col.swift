/// The column matrix of a valid, stride-1, k x k convolution over a whole batch, and its adjoint.
///
/// For n images of c_in channels of h x w, the matrix has c_in k^2 rows and n (h - k + 1)(w - k + 1) columns:
///
///     cols[(c k + di) k + dj, s ho wo + i wo + j] = x[s, c, i + di, j + dj],
///
/// so that the convolution of all images is one product W cols. Where image s's channel c starts is given by the
/// plane strides of an `ActivationLayout`, so either order of the input works unchanged.
enum Im2Col {
    /// Writes every entry of `cols` (rows x n ho wo Floats) from `x`.
    static func gather(_ x: UnsafePointer<Float>, images n: Int, channels cin: Int, height h: Int, width w: Int,
                       kernel k: Int, strides: (image: Int, channel: Int), into cols: UnsafeMutablePointer<Float>) {
        let (ho, wo) = (h - k + 1, w - k + 1)
        let total = n * ho * wo
        // One input plane at a time (it stays in L1 while its k^2 shifted copies are written).
        for c in 0..<cin {
            for s in 0..<n {
                let plane = x + s * strides.image + c * strides.channel
                for di in 0..<k {
                    for dj in 0..<k {
                        var dst = cols + ((c * k + di) * k + dj) * total + s * ho * wo
                        var src = plane + di * w + dj
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

    /// The adjoint of `gather`: adds each entry of `cols` onto the pixel of `dx` it was copied from; every pixel
    /// receives its k^2 terms in the order (di, dj), di outer (its channel's rows of `cols`, top to bottom).
    static func scatterAdd(_ cols: UnsafePointer<Float>, images n: Int, channels cin: Int, height h: Int, width w: Int,
                           kernel k: Int, strides: (image: Int, channel: Int), into dx: UnsafeMutablePointer<Float>) {
        let (ho, wo) = (h - k + 1, w - k + 1)
        let total = n * ho * wo
        // One gradient plane at a time, which stays in L1 while its k^2 terms are added.
        for c in 0..<cin {
            for s in 0..<n {
                let plane = dx + s * strides.image + c * strides.channel
                for di in 0..<k {
                    for dj in 0..<k {
                        var src = cols + ((c * k + di) * k + dj) * total + s * ho * wo
                        var dst = plane + di * w + dj
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
}
