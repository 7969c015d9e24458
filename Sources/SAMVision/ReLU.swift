/// max(0, x). The backward pass uses the sign of the *input*, so the gradient at exactly 0 is 0.
public final class ReLU: Layer {
    public var parameters: [Float] = []
    public var gradients: [Float] = []
    private var input: [Float] = []

    public init() {}

    public func outputShape(_ input: [Int]) -> [Int] { input }

    public func forward(_ input: Tensor) -> Tensor {
        self.input = input.data
        var out = input.data
        out.withUnsafeMutableBufferPointer { y in
            for i in y.indices where !(y[i] > 0) { y[i] = 0 }
        }
        return Tensor(shape: input.shape, data: out)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var g = outputGradient.data
        input.withUnsafeBufferPointer { x in
            g.withUnsafeMutableBufferPointer { d in
                for i in d.indices where !(x[i] > 0) { d[i] = 0 }
            }
        }
        return Tensor(shape: outputGradient.shape, data: g)
    }
}
