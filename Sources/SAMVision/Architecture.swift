import SAMCore

/// The shape of a SAMVision CNN: [conv k x k + ReLU + maxpool2] per entry of `convChannels`, then
/// linear(flattened -> hidden) + ReLU (skipped if `hidden` is 0), then linear(-> classes).
///
/// It is a Codable value rather than code so a run's configuration records exactly which network it trained,
/// and a checkpoint can rebuild it.
public struct Architecture: Codable, Sendable, Equatable {
    /// Channels of an input image (1 for MNIST-format data, the only value `TrainingRun.train` accepts).
    public var inputChannels: Int
    /// Height of an input image, in pixels.
    public var inputHeight: Int
    /// Width of an input image, in pixels.
    public var inputWidth: Int
    /// Output channels of each conv stage, in order (empty: no convolution, and then no Grad-CAM). A stage
    /// maps a side s to floor((s - kernel + 1) / 2): a valid convolution, then 2x2 pooling.
    public var convChannels: [Int]
    /// Side of every convolution's square kernel (stride 1, no padding).
    public var kernel: Int
    /// Width of the hidden fully connected layer; 0 leaves that layer (and its ReLU) out.
    public var hidden: Int
    /// Number of classes, that is of logits; at least 2.
    public var classes: Int

    /// An architecture from its fields. Nothing is checked here: `featureSize()` checks them, and `Network` calls it.
    public init(inputChannels: Int = 1, inputHeight: Int, inputWidth: Int, convChannels: [Int], kernel: Int = 3,
                hidden: Int, classes: Int) {
        self.inputChannels = inputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.convChannels = convChannels
        self.kernel = kernel
        self.hidden = hidden
        self.classes = classes
    }

    /// conv(1->32,3x3)+ReLU+pool2, conv(32->64,3x3)+ReLU+pool2, linear(1600->128)+ReLU, linear(128->10), for 28x28.
    public static let mnistDefault = Architecture(inputHeight: 28, inputWidth: 28, convChannels: [32, 64], hidden: 128, classes: 10)

    /// Spatial size after the convolution stages, or an error if an image shrinks to nothing.
    public func featureSize() throws(InvalidInput) -> (height: Int, width: Int) {
        guard inputChannels > 0, kernel > 0, classes > 1, hidden >= 0, convChannels.allSatisfy({ $0 > 0 }) else {
            throw InvalidInput("architecture: channels, kernel and hidden must be positive and classes at least 2")
        }
        var (h, w) = (inputHeight, inputWidth)
        for _ in convChannels {
            (h, w) = ((h - kernel + 1) / 2, (w - kernel + 1) / 2)
            guard h > 0, w > 0 else {
                throw InvalidInput("architecture: a \(inputHeight)x\(inputWidth) input is too small for \(convChannels.count) conv(\(kernel)x\(kernel))+pool2 stages")
            }
        }
        return (h, w)
    }
}
