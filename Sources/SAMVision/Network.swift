import Foundation
import SAMCore

/// A sequential CNN built from an `Architecture`, with all parameters viewed as one flat vector.
///
/// The flat view is what SAM needs (its perturbation is normalized over all parameters together) and what a
/// checkpoint stores. Initialization is He-normal (std sqrt(2 / fan-in), zero biases) from `SplitMix64(seed)`,
/// drawn layer by layer, so a seed names the same network on every machine.
public final class Network {
    /// The architecture the layers were built from.
    public let architecture: Architecture
    /// The layers in order: Conv2D, ReLU, MaxPool2 per conv stage, then Linear, ReLU, Linear (a single
    /// Linear when `hidden` is 0).
    public let layers: [any Layer]
    /// Index in `layers` of the ReLU after the last convolution: its output is the feature map Grad-CAM uses.
    public let lastConvFeatureIndex: Int

    /// Builds the layers of `architecture` and initializes them He-normal (He et al., "Delving Deep into Rectifiers",
    /// ICCV 2015): every weight of a Conv2D or Linear layer is drawn from a normal of mean 0 and standard deviation
    /// sqrt(2 / fan-in), layer by layer in parameter order, from `SplitMix64(seed)`; biases are 0. Throws if
    /// `Architecture.featureSize()` rejects the architecture.
    public init(architecture: Architecture, seed: UInt64) throws(InvalidInput) {
        let features = try architecture.featureSize()
        self.architecture = architecture
        var layers: [any Layer] = []
        var channels = architecture.inputChannels
        var featureIndex = 0
        for out in architecture.convChannels {
            layers.append(Conv2D(inChannels: channels, outChannels: out, kernel: architecture.kernel))
            layers.append(ReLU())
            featureIndex = layers.count - 1
            layers.append(MaxPool2())
            channels = out
        }
        let flat = channels * features.height * features.width
        if architecture.convChannels.isEmpty { featureIndex = -1 }
        if architecture.hidden > 0 {
            layers.append(Linear(inputs: flat, outputs: architecture.hidden))
            layers.append(ReLU())
            layers.append(Linear(inputs: architecture.hidden, outputs: architecture.classes))
        } else {
            layers.append(Linear(inputs: flat, outputs: architecture.classes))
        }
        // Nothing reads the gradient with respect to the images, and for the first convolution it is a large GEMM
        // and col2im.
        (layers.first as? Conv2D)?.computesInputGradient = false
        // Between two convolutions the maps stay channel-major, the order of the GEMM result (`ActivationLayout`):
        // the first takes the images batch-major and the last gives Grad-CAM and the linear layers batch-major maps.
        let convs = layers.compactMap { $0 as? Conv2D }
        for (i, conv) in convs.enumerated() {
            conv.inputLayout = i == 0 ? .batchMajor : .channelMajor
            conv.outputLayout = i == convs.count - 1 ? .batchMajor : .channelMajor
        }
        self.layers = layers
        lastConvFeatureIndex = featureIndex
        var rng = SplitMix64(seed: seed)
        for layer in layers {
            let (fanIn, weights): (Int, Int)
            switch layer {
            case let conv as Conv2D: (fanIn, weights) = (conv.fanIn, conv.weightCount)
            case let linear as Linear: (fanIn, weights) = (linear.fanIn, linear.weightCount)
            default: continue
            }
            let std = (2.0 / Double(fanIn)).squareRoot()
            for i in 0..<weights { layer.parameters[i] = Float(rng.nextNormal() * std) }
        }
    }

    /// Number of parameters over all layers.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// All parameters, layer after layer.
    public var parameters: [Float] {
        get { layers.flatMap(\.parameters) }
        set {
            precondition(newValue.count == parameterCount, "\(newValue.count) parameters for a network of \(parameterCount)")
            var offset = 0
            for layer in layers {
                let k = layer.parameterCount
                layer.parameters = Array(newValue[offset..<(offset + k)])
                offset += k
            }
        }
    }

    /// All accumulated gradients, in the same order as `parameters`.
    public var gradients: [Float] { layers.flatMap(\.gradients) }

    /// Sets every layer's accumulated gradients to 0.
    public func zeroGradients() { for layer in layers { layer.zeroGradients() } }

    /// Logits for a batch (N x C x H x W); also fills the layers' caches for a following backward pass.
    public func forward(_ input: Tensor) -> Tensor {
        forwardKeeping(input).logits
    }

    /// Forward pass returning the logits and, if the network has convolutions, the last conv feature map. A
    /// convolution and the ReLU after it run as one pass (`Conv2D.forward(_:rectifying:)`, `ReLU.adopt`), with the
    /// same bits as the two layers.
    func forwardKeeping(_ input: Tensor) -> (logits: Tensor, features: Tensor?) {
        var x = input
        var features: Tensor?
        var i = 0
        while i < layers.count {
            if let conv = layers[i] as? Conv2D, i + 1 < layers.count, let relu = layers[i + 1] as? ReLU {
                x = relu.adopt(rectified: conv.forward(consume x, rectifying: true))
                i += 1
            } else {
                x = layers[i].forward(consume x)
            }
            if i == lastConvFeatureIndex { features = x }
            i += 1
        }
        return (x, features)
    }

    /// Backpropagates `outputGradient` from the logits down to layer `stopAfter + 1` (all layers by default),
    /// accumulating parameter gradients; returns the gradient with respect to that layer's input (zeros when that
    /// is the first convolution, which skips the input gradient). A pooling layer whose ReLU also runs backward
    /// applies the ReLU's mask itself (`MaxPool2.backward(_:rectifiedBy:)`), with the bits of the two layers.
    @discardableResult
    public func backward(_ outputGradient: Tensor, stopAfter: Int = -1) -> Tensor {
        var g = outputGradient
        var i = layers.count - 1
        while i > stopAfter {
            if i - 1 > stopAfter, let pool = layers[i] as? MaxPool2, let relu = layers[i - 1] as? ReLU {
                g = pool.backward(consume g, rectifiedBy: relu)
                i -= 2
            } else {
                g = layers[i].backward(consume g)
                i -= 1
            }
        }
        return g
    }

    /// Mean loss, number correct and the flat gradient of the mean loss for one batch.
    public func lossAndGradient(_ input: Tensor, labels: [Int]) -> (loss: Double, correct: Int, gradient: [Float]) {
        zeroGradients()
        let logits = forward(input)
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels)
        backward(result.gradient)
        return (result.loss, result.correct, gradients)
    }

    /// Mean loss and accuracy on a whole image set, in batches (forward passes only).
    public func evaluate(_ set: ImageSet, batchSize: Int = 500) -> (loss: Double, accuracy: Double) {
        guard set.count > 0 else { return (0, 0) }
        var total = 0.0, correct = 0
        var start = 0
        while start < set.count {
            let end = min(start + batchSize, set.count)
            let (x, y) = set.batch(start..<end)
            let r = SoftmaxCrossEntropy.evaluate(logits: forward(x), labels: y)
            total += r.loss * Double(end - start)
            correct += r.correct
            start = end
        }
        return (total / Double(set.count), Double(correct) / Double(set.count))
    }
}
