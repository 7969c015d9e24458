/// A reusable scratch buffer of Floats that grows as needed and is never zero-filled: callers overwrite what they
/// reserve. Owned by one layer, so its pointer stays valid between that layer's forward and backward passes.
final class Workspace {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private var capacity = 0
    /// False once a caller has reused the contents for something else (see `invalidate`).
    private(set) var isValid = false

    init() { pointer = .allocate(capacity: 1) }
    deinit { pointer.deallocate() }

    /// At least `count` Floats, contents undefined.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        isValid = true
        return pointer
    }

    func invalidate() { isValid = false }
}
