import SAMCore

/// A set of single-channel images with integer labels, pixels scaled to [0, 1] as Float32.
///
/// Pixels are stored flat (image after image, row-major) so that a batch is a contiguous slice that can be
/// copied straight into an NCHW tensor with one channel.
public struct ImageSet: Sendable, Equatable {
    /// Height of every image, in pixels.
    public private(set) var height: Int
    /// Width of every image, in pixels.
    public private(set) var width: Int
    /// All pixels, `count` x `height` x `width` of them: image after image, each row-major (values as given;
    /// `MNISTDataset` divides bytes by 255).
    public private(set) var pixels: [Float]
    /// The class of each image, in order (checked against the architecture's classes by `TrainingRun.train`).
    public private(set) var labels: [Int]

    /// Sizes are checked here, once, so that `image` and `batch` can trust them: a mismatch would otherwise
    /// shift every image against its label.
    public init(height: Int, width: Int, pixels: [Float], labels: [Int]) throws(InvalidInput) {
        guard height > 0, width > 0 else { throw InvalidInput("images must be at least 1x1, got \(height)x\(width)") }
        guard pixels.count == labels.count * height * width else {
            throw InvalidInput("\(pixels.count) pixels do not make \(labels.count) images of \(height)x\(width) (\(labels.count * height * width) pixels)")
        }
        self.init(checkedHeight: height, width: width, pixels: pixels, labels: labels)
    }

    private init(checkedHeight height: Int, width: Int, pixels: [Float], labels: [Int]) {
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
    }

    /// Number of images (and labels).
    public var count: Int { labels.count }

    /// The first `n` examples (all of them if `n` is larger): for quick runs on a subset.
    public func prefix(_ n: Int) -> ImageSet {
        let k = max(0, min(n, count))
        return ImageSet(checkedHeight: height, width: width, pixels: Array(pixels[0..<(k * height * width)]), labels: Array(labels[0..<k]))
    }

    /// The examples at `indices`, in that order, as a set of their own (a seeded split or subset).
    public func subset(_ indices: some Collection<Int>) throws(InvalidInput) -> ImageSet {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw InvalidInput("example \(bad) is outside 0..<\(count)")
        }
        let (x, y) = gather(indices)
        return ImageSet(checkedHeight: height, width: width, pixels: x.data, labels: y)
    }

    /// The pixels of example `i` (row-major), for instance to explain it with `GradCAM`.
    public func image(_ i: Int) throws(InvalidInput) -> [Float] {
        guard i >= 0 && i < count else { throw InvalidInput("image \(i) is outside 0..<\(count)") }
        let size = height * width
        return Array(pixels[(i * size)..<((i + 1) * size)])
    }

    /// The examples at `indices`, as a batch tensor (N x 1 x H x W) and their labels.
    public func batch(_ indices: some Collection<Int>) throws(InvalidInput) -> (Tensor, [Int]) {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw InvalidInput("example \(bad) is outside 0..<\(count)")
        }
        return gather(indices)
    }

    /// The examples `range`, for callers inside SAMVision that walk 0..<count in order (`Network.evaluate`), so
    /// the range is valid by construction. It is internal, so code outside the module always goes through the
    /// checked `batch`; being non-throwing keeps `Network` free of error plumbing on its hot path.
    func batch(_ range: Range<Int>) -> (Tensor, [Int]) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "examples \(range) outside 0..<\(count)")
        return gather(range)
    }

    private func gather(_ indices: some Collection<Int>) -> (Tensor, [Int]) {
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
