/// The range of values seen along one axis, in scale space.
struct Extent: Sendable, Equatable {
    var lower = Double.infinity
    var upper = -Double.infinity

    var isEmpty: Bool { lower > upper }

    mutating func add(_ t: Double) {
        guard t.isFinite else { return }
        lower = Swift.min(lower, t)
        upper = Swift.max(upper, t)
    }

    mutating func add(_ other: Extent) {
        if !other.isEmpty { add(other.lower); add(other.upper) }
    }
}
