/// A minimal dense Float32 tensor: a shape and its elements in row-major order (NCHW for images).
///
/// Deliberately no broadcasting or views: the layers below do their own indexing and hand contiguous
/// buffers to BLAS, which keeps every operation's cost and memory visible.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "tensor shape \(shape) does not match \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { data.count }
    /// The batch size (first dimension).
    public var batch: Int { shape[0] }
    /// Elements per example (all dimensions but the first).
    public var perExample: Int { shape.dropFirst().reduce(1, *) }
}
