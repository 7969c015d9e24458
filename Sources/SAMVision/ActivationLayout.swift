/// The memory order of a batch of feature maps between two layers.
///
/// - `batchMajor`: N x C x H x W, element (s, c, i, j) at ((s C + c) H + i) W + j (what `Tensor` documents, and what
///   `Network` takes in and `Linear` and Grad-CAM read).
/// - `channelMajor`: C x N x H x W, element (s, c, i, j) at ((c N + s) H + i) W + j, with the tensor's shape written
///   in that order, [C, N, H, W]. It is the order of the convolution's GEMM result, Y = W cols with one row per
///   output channel and one column per (image, position), so a convolution that hands it on skips a transpose, and
///   one that receives its gradient multiplies it as it is. ReLU and 2x2 pooling work on any order of the
///   H x W planes, so they pass it through unchanged.
///
/// The two orders hold the same numbers, computed the same way; only their positions differ.
enum ActivationLayout: Sendable {
    case batchMajor
    case channelMajor

    /// Offsets between the H x W planes of consecutive images and of consecutive channels, for `images` images of
    /// `channels` channels of `plane` = H x W elements: (C plane, plane) batch-major, (plane, N plane) channel-major.
    func strides(images: Int, channels: Int, plane: Int) -> (image: Int, channel: Int) {
        switch self {
        case .batchMajor: (channels * plane, plane)
        case .channelMajor: (plane, images * plane)
        }
    }

    /// The shape of a batch of `images` x `channels` maps of `height` x `width`, outermost first, in this order.
    func shape(images: Int, channels: Int, height: Int, width: Int) -> [Int] {
        switch self {
        case .batchMajor: [images, channels, height, width]
        case .channelMajor: [channels, images, height, width]
        }
    }

    /// (images, channels) read from a 4-dimensional shape in this order.
    func imagesAndChannels(_ shape: [Int]) -> (images: Int, channels: Int) {
        switch self {
        case .batchMajor: (shape[0], shape[1])
        case .channelMajor: (shape[1], shape[0])
        }
    }
}
