import SAMCore

/// The shape of a SAMVision CNN: [conv k x k + ReLU + maxpool2] per entry of `convChannels`, then
/// linear(flattened -> hidden) + ReLU (skipped if `hidden` is 0), then linear(-> classes).
///
/// It is a Codable value rather than code so a run's configuration records exactly which network it trained,
/// and a checkpoint can rebuild it.
public struct Architecture: Codable, Sendable, Equatable {
    public var inputChannels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var convChannels: [Int]
    public var kernel: Int
    public var hidden: Int
    public var classes: Int

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
