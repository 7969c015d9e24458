/// Four coordinates' values of one layer, processed together (vector lanes).
public typealias Lanes = SIMD4<Double>

/// |x|, lane by lane (for rules such as ASAM, whose shape uses |w|).
@inline(__always)
public func abs(_ x: Lanes) -> Lanes { x.replacing(with: -x, where: x .< 0) }

/// A small fixed-capacity array of lanes, held by value: one entry per layer, or per polynomial coefficient.
///
/// Kernels keep their per-block work in local variables of this kind; with a fixed algebra every index is a
/// constant and the optimizer keeps them in registers.
public protocol LaneStorage {
    /// Storage with every entry zero.
    init()
    /// Entry `i`: the lanes of layer (or coefficient) `i`.
    subscript(_ i: Int) -> Lanes { get set }
}

/// `count` lanes in line (no heap, no reference counting).
///
/// Inlinable, so that code in other modules working on an algebra's storage (the flows' leader probe, SAMFlow)
/// keeps it in registers as the kernels do, instead of calling the generic entry points with the type's metadata
/// (and allocating the value on the heap) for every block.
public struct LaneArray<let count: Int>: LaneStorage {
    @usableFromInline var values: InlineArray<count, Lanes>

    /// `count` zero lanes.
    @inlinable @inline(__always)
    public init() { values = InlineArray(repeating: .zero) }

    /// Entry `i`, `0..<count`.
    @inlinable @inline(__always)
    public subscript(_ i: Int) -> Lanes {
        get { values[i] }
        set { values[i] = newValue }
    }
}

/// Weights stored for the lane kernels: layer-major, each layer padded with zeros to a multiple of four.
/// A padded coordinate has all weights 0 and feature 0, so it contributes nothing and never moves.
struct PaddedLayers {
    let dimension: Int
    let layers: Int
    var blocks: Int { (dimension + Lanes.scalarCount - 1) / Lanes.scalarCount }
    var storage: [Lanes]

    init(weights: [Double], dimension d: Int, layers: Int) {
        dimension = d
        self.layers = layers
        let blocks = (d + Lanes.scalarCount - 1) / Lanes.scalarCount
        storage = Array(repeating: .zero, count: layers * blocks)
        for l in 0..<layers {
            for j in 0..<d { storage[l * blocks + j / Lanes.scalarCount][j % Lanes.scalarCount] = weights[l * d + j] }
        }
    }

    init(storage: [Lanes], dimension: Int, layers: Int) {
        self.dimension = dimension
        self.layers = layers
        self.storage = storage
    }

    /// One padded vector (a single layer) from d values.
    static func lanes(_ values: [Double]) -> [Lanes] {
        PaddedLayers(weights: values, dimension: values.count, layers: 1).storage
    }

    var weights: [Double] {
        storage.withUnsafeBufferPointer { Self.unpad($0.baseAddress!, dimension: dimension, layers: layers) }
    }

    /// Writes layer-major `weights` (`layers` x d of them) into an owned buffer of `layers` x ceil(d / 4) blocks:
    /// entry j of layer l goes to lane j mod 4 of block l * blocks + j / 4, the pad lanes get 0. The same numbers as
    /// `init(weights:dimension:layers:)`'s storage, without the array (a kernel's weights at d = 10^6 are 16 MB).
    static func pad(_ weights: [Double], dimension d: Int, layers: Int, into out: UnsafeMutablePointer<Lanes>) {
        weights.withUnsafeBufferPointer { pad($0, dimension: d, layers: layers, into: out) }
    }

    /// `pad` from a buffer (the flows' field gets its weights as one): each whole block loaded at once, the last
    /// partial block of a layer lane by lane.
    static func pad(_ w: UnsafeBufferPointer<Double>, dimension d: Int, layers: Int, into out: UnsafeMutablePointer<Lanes>) {
        precondition(w.count == layers * d)
        let width = Lanes.scalarCount
        let whole = d / width, blocks = (d + width - 1) / width
        guard let base = w.baseAddress else { return }  // d = 0 or no layers: nothing to write
        let raw = UnsafeRawPointer(base)
        for l in 0..<layers {
            for b in 0..<whole {
                out[l * blocks + b] = raw.loadUnaligned(fromByteOffset: (l * d + b * width) * MemoryLayout<Double>.stride,
                                                        as: Lanes.self)
            }
            if whole < blocks {
                var lanes = Lanes.zero
                for lane in 0..<(d - whole * width) { lanes[lane] = w[l * d + whole * width + lane] }
                out[l * blocks + whole] = lanes
            }
        }
    }

    /// The layer-major weights (`layers` x d) held in a padded buffer: the inverse of `pad`, read straight into an
    /// array of exactly that size.
    static func unpad(_ storage: UnsafePointer<Lanes>, dimension d: Int, layers: Int) -> [Double] {
        let blocks = (d + Lanes.scalarCount - 1) / Lanes.scalarCount
        return [Double](unsafeUninitializedCapacity: layers * d) { w, count in
            for l in 0..<layers {
                for j in 0..<d { w[l * d + j] = storage[l * blocks + j / Lanes.scalarCount][j % Lanes.scalarCount] }
            }
            count = layers * d
        }
    }
}
