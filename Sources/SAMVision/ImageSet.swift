/// A set of single-channel images with integer labels, pixels scaled to [0, 1] as Float32.
///
/// Pixels are stored flat (image after image, row-major) so that a batch is a contiguous slice that can be
/// copied straight into an NCHW tensor with one channel.
public struct ImageSet: Sendable, Equatable {
    public var height: Int
    public var width: Int
    public var pixels: [Float]
    public var labels: [Int]

    public init(height: Int, width: Int, pixels: [Float], labels: [Int]) {
        precondition(pixels.count == labels.count * height * width, "pixel count does not match labels x height x width")
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// The first `n` examples (all of them if `n` is larger): for quick runs on a subset.
    public func prefix(_ n: Int) -> ImageSet {
        let k = min(n, count)
        return ImageSet(height: height, width: width, pixels: Array(pixels[0..<(k * height * width)]), labels: Array(labels[0..<k]))
    }

    /// The pixels of example `i` (row-major), for instance to explain it with `GradCAM`.
    public func image(_ i: Int) -> [Float] {
        let size = height * width
        return Array(pixels[(i * size)..<((i + 1) * size)])
    }

    /// The examples at `indices`, as a batch tensor (N x 1 x H x W) and their labels.
    public func batch(_ indices: some Collection<Int>) -> (Tensor, [Int]) {
        let size = height * width
        var data = [Float](repeating: 0, count: indices.count * size)
        var labels: [Int] = []
        labels.reserveCapacity(indices.count)
        var offset = 0
        for i in indices {
            for j in 0..<size { data[offset + j] = pixels[i * size + j] }
            offset += size
            labels.append(self.labels[i])
        }
        return (Tensor(shape: [indices.count, 1, height, width], data: data), labels)
    }
}
