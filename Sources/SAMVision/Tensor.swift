/// A minimal dense Float32 tensor: a shape and its elements in row-major order (NCHW for images).
///
/// Deliberately no broadcasting or views: the layers below do their own indexing and hand contiguous
/// buffers to BLAS, which keeps every operation's cost and memory visible.
public struct Tensor: Sendable, Equatable {
    /// The dimensions, outermost first: N x C x H x W for images, N x classes for logits.
    public var shape: [Int]
    /// The elements in row-major order, as many as the product of `shape`.
    public var data: [Float]

    /// A tensor of `data` in `shape`; the element count must be the product of the dimensions (a
    /// precondition).
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "tensor shape \(shape) does not match \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    /// A tensor of `shape` filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { data.count }
    /// The batch size (first dimension).
    public var batch: Int { shape[0] }
    /// Elements per example (all dimensions but the first).
    public var perExample: Int { shape.dropFirst().reduce(1, *) }
}
