/// A `VectorField` whose f(t, y) is a closure: convenient for tests and small systems.
///
/// The closure receives (t, y, dy) and must write f(t, y) into dy (all n components); it must not allocate if the
/// caller cares about speed, and must not keep the buffers beyond the call.
///
///     let decay = ClosureField(dimension: 1) { _, y, dy in dy[0] = -y[0] }   // y' = -y
public struct ClosureField: VectorField {
    /// The closure's type: (t, y, dy), writing f(t, y) into dy.
    public typealias Body = (Double, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void

    /// n, the length of y and f(t, y).
    public let dimension: Int
    /// The closure that computes f(t, y).
    public let body: Body

    /// - Parameters:
    ///   - dimension: n, the length of y and f(t, y).
    ///   - body: writes f(t, y) into its third argument.
    public init(dimension: Int, _ body: @escaping Body) {
        self.dimension = dimension
        self.body = body
    }

    /// Calls the closure.
    public func evaluate(time: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        body(time, state, derivative)
    }
}
