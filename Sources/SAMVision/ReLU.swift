/// max(0, x), in place when the caller hands over its only reference to the input.
///
/// The backward pass masks with the stored *output* (y > 0 exactly where x > 0), so the gradient at exactly 0 is
/// 0 and no copy of the input is kept. NaN passes through the forward pass (as in PyTorch), so a diverging network
/// shows up in its loss instead of being silently zeroed here.
public final class ReLU: Layer {
    public var parameters: [Float] = []
    public var gradients: [Float] = []
    private var output: [Float] = []

    public init() {}

    public func outputShape(_ input: [Int]) -> [Int] { input }

    public func forward(_ input: consuming Tensor) -> Tensor {
        let count = input.count
        input.data.withUnsafeMutableBufferPointer { x in
            VectorLoops.relu(x.baseAddress!, x.baseAddress!, count: count)
        }
        output = input.data
        return input
    }

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
