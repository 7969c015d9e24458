/// For each of d coordinates, the first step during which one of its weights changed sign or reached zero (-1 if
/// never), held in at most as much memory as the dense `[Int]` it stands for.
///
/// Most runs see few crossings: while fewer than d / 4 coordinates have crossed, the crossings are a list of
/// (coordinate, step) pairs in the order they were recorded, with a bit per coordinate to answer "has it crossed?"
/// in O(1) (d / 8 bytes: 125 KB at d = 10^6, against the 8 MB of the dense array). Past d / 4 crossings, where the
/// list (16 bytes a pair) would reach half the dense array, it becomes the dense array and stays so. The two forms
/// hold the same values: every query, `steps`, the encoding and equality depend on the values only.
///
/// Encoded as the dense array (`[Int]`, -1 for no crossing), so that a checkpoint's bytes do not depend on the form.
public struct FirstZeroCrossings: Codable, Equatable, Sendable {
    /// The number of coordinates d.
    public let dimension: Int
    /// The dense form (`dimension` entries) once it is used; empty before.
    private var _dense: [Int] = []
    /// A bit per coordinate: set when it has crossed (sparse form only; empty in the dense form).
    private var _crossed: [UInt64]
    /// The crossed coordinates (0-based) and their steps, in the order they were recorded (sparse form only).
    private var _coordinates: [Int] = []
    private var _steps: [Int] = []
    /// Whether the dense form is in use (also true for d = 0, where both forms are empty).
    private var _isDense: Bool

    /// No crossing yet, for `dimension` coordinates.
    public init(dimension: Int) {
        precondition(dimension >= 0)
        self.dimension = dimension
        _crossed = Array(repeating: 0, count: (dimension + 63) / 64)
        _isDense = false
    }

    /// The crossings of a dense array: entry j is coordinate j's first crossing step, or -1 (any negative entry
    /// counts as none).
    public init(steps: [Int]) {
        self.init(dimension: steps.count)
        for (j, step) in steps.enumerated() where step >= 0 { record(coordinate: j, step: step) }
    }

    /// The number of coordinates that have crossed.
    public var count: Int {
        _isDense ? _dense.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } : _coordinates.count
    }

    /// Whether coordinate j (0-based) has crossed, in O(1).
    @inline(__always)
    public func hasCrossed(_ j: Int) -> Bool {
        _isDense ? _dense[j] >= 0 : _crossed[j >> 6] & (1 << UInt64(j & 63)) != 0
    }

    /// Coordinate j's first crossing step (0-based j), or -1. O(1) in the dense form; in the sparse form O(1) for a
    /// coordinate that has not crossed and a search of the list for one that has.
    public subscript(_ j: Int) -> Int {
        if _isDense { return _dense[j] }
        guard hasCrossed(j) else { return -1 }
        return _steps[_coordinates.firstIndex(of: j)!]
    }

    /// Stamps `step` as coordinate j's first crossing unless it has one already.
    @inline(__always)
    public mutating func record(coordinate j: Int, step: Int) {
        if _isDense {
            if _dense[j] < 0 { _dense[j] = step }
            return
        }
        let bit: UInt64 = 1 << UInt64(j & 63)
        guard _crossed[j >> 6] & bit == 0 else { return }
        _crossed[j >> 6] |= bit
        _coordinates.append(j)
        _steps.append(step)
        if _coordinates.count > dimension / 4 { _becomeDense() }
    }

    /// Replaces the sparse form by the dense one (the list has grown to a quarter of the coordinates).
    private mutating func _becomeDense() {
        var dense = Array(repeating: -1, count: dimension)
        for (j, step) in zip(_coordinates, _steps) { dense[j] = step }
        _dense = dense
        (_coordinates, _steps, _crossed) = ([], [], [])
        _isDense = true
    }

    /// The dense array: entry j is coordinate j's first crossing step, -1 if none (`dimension` entries, made on
    /// each read in the sparse form).
    public var steps: [Int] {
        if _isDense { return _dense }
        var dense = Array(repeating: -1, count: dimension)
        for (j, step) in zip(_coordinates, _steps) { dense[j] = step }
        return dense
    }

    /// The crossings in coordinate order (1-based coordinates, as results report them), without the dense array.
    public var crossings: [ZeroCrossing] {
        if _isDense {
            return _dense.enumerated().filter { $0.element >= 0 }.map { ZeroCrossing(coordinate: $0.offset + 1, step: $0.element) }
        }
        return zip(_coordinates, _steps).sorted { $0.0 < $1.0 }.map { ZeroCrossing(coordinate: $0.0 + 1, step: $0.1) }
    }

    /// The largest first-crossing step over the coordinates j (0-based) for which `includes(j)` holds; nil when
    /// there is none, or when one of them has not crossed.
    public func lastStep(over includes: (Int) -> Bool) -> Int? {
        var last: Int?
        for j in 0..<dimension where includes(j) {
            guard hasCrossed(j) else { return nil }
            if _isDense { last = Swift.max(last ?? _dense[j], _dense[j]) }
        }
        guard !_isDense else { return last }
        for (j, step) in zip(_coordinates, _steps) where includes(j) { last = Swift.max(last ?? step, step) }
        return last
    }

    /// The same values (whichever form each side holds).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.dimension == rhs.dimension && lhs.crossings == rhs.crossings
    }

    /// Decodes the dense array.
    public init(from decoder: any Decoder) throws {
        self.init(steps: try decoder.singleValueContainer().decode([Int].self))
    }

    /// Encodes the dense array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(steps)
    }
}
