/// One stage of the network: a forward pass that remembers what its backward pass needs, and a backward pass
/// that returns the input gradient and *accumulates* the parameter gradient.
///
/// Both passes take their tensor as `consuming`: a caller that hands over its only reference (`consume x`, as
/// `Network` does) lets an elementwise layer such as ReLU work in place instead of allocating megabytes per step;
/// a caller that keeps its tensor gets copy-on-write semantics as usual.
///
/// Layers are classes because they carry caches between forward and backward; the network owns them and is
/// used from one task at a time. Parameters and gradients are flat `[Float]`, so the optimizer and the
/// checkpoint see the whole model as one vector (SAM's perturbation is taken over all parameters at once).
public protocol Layer: AnyObject {
    /// The layer's parameters as one flat vector (empty for a layer without any); `Network` concatenates
    /// them layer by layer.
    var parameters: [Float] { get set }
    /// The gradient of the loss with respect to `parameters`, in the same layout: `backward` adds to it,
    /// `zeroGradients()` clears it.
    var gradients: [Float] { get set }
    /// Output shape for an input shape (including the batch dimension).
    func outputShape(_ input: [Int]) -> [Int]
    /// The output for the batch `input`; the layer keeps what its next `backward` needs.
    func forward(_ input: consuming Tensor) -> Tensor
    /// Given dL/d(output) for the last `forward`, adds dL/d(parameters) to `gradients` and returns
    /// dL/d(input).
    func backward(_ outputGradient: consuming Tensor) -> Tensor
}

extension Layer {
    /// Number of parameters.
    public var parameterCount: Int { parameters.count }

    /// Sets every accumulated gradient to 0.
    public func zeroGradients() {
        gradients.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
