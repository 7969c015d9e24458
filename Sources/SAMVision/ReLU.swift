/// max(0, x), in place when the caller hands over its only reference to the input.
///
/// The backward pass masks with the stored *output* (y > 0 exactly where x > 0), so the gradient at exactly 0 is
/// 0 and no copy of the input is kept. NaN passes through the forward pass (as in PyTorch), so a diverging network
/// shows up in its loss instead of being silently zeroed here.
public final class ReLU: Layer {
    /// Empty: ReLU has no parameters.
    public var parameters: [Float] = []
    /// Empty, like `parameters`.
    public var gradients: [Float] = []
    private var output: [Float] = []

    /// A ReLU layer (it has no settings).
    public init() {}

    /// The input shape: ReLU is elementwise.
    public func outputShape(_ input: [Int]) -> [Int] { input }

    /// y = max(0, x) elementwise (NaN stays NaN); keeps y for `backward`.
    public func forward(_ input: consuming Tensor) -> Tensor {
        let count = input.count
        input.data.withUnsafeMutableBufferPointer { x in
            VectorLoops.relu(x.baseAddress!, x.baseAddress!, count: count)
        }
        output = input.data
        return input
    }

    /// Keeps `rectified`, which is already max(0, x) (a convolution's output from `Conv2D.forward(_:rectifying:)`),
    /// as the output and returns it: `forward` without its pass over the data.
    func adopt(rectified: consuming Tensor) -> Tensor {
        output = rectified.data
        return rectified
    }

    /// The output of the last forward pass, y = max(0, x): `MaxPool2.backward(_:rectifiedBy:)` masks with it.
    var lastOutput: [Float] { output }

    /// dL/dx = dL/dy where the last forward's y > 0, and 0 elsewhere.
    public func backward(_ outputGradient: consuming Tensor) -> Tensor {
        let count = outputGradient.count
        precondition(count == output.count, "ReLU.backward: gradient of \(count) for an output of \(output.count)")
        output.withUnsafeBufferPointer { y in
            outputGradient.data.withUnsafeMutableBufferPointer { g in
                VectorLoops.reluBackward(input: y.baseAddress!, gradient: g.baseAddress!, g.baseAddress!, count: count)
            }
        }
        return outputGradient
    }
}
