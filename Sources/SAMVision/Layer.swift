/// One stage of the network: a forward pass that remembers what its backward pass needs, and a backward pass
/// that returns the input gradient and *accumulates* the parameter gradient.
///
/// Layers are classes because they carry caches between forward and backward; the network owns them and is
/// used from one task at a time. Parameters and gradients are flat `[Float]`, so the optimizer and the
/// checkpoint see the whole model as one vector (SAM's perturbation is taken over all parameters at once).
public protocol Layer: AnyObject {
    var parameters: [Float] { get set }
    var gradients: [Float] { get set }
    /// Output shape for an input shape (including the batch dimension).
    func outputShape(_ input: [Int]) -> [Int]
    func forward(_ input: Tensor) -> Tensor
    func backward(_ outputGradient: Tensor) -> Tensor
}

extension Layer {
    public var parameterCount: Int { parameters.count }

    public func zeroGradients() {
        for i in gradients.indices { gradients[i] = 0 }
    }
}
