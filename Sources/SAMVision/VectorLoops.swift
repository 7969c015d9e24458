/// The elementwise loops of the layers, written with explicit SIMD types.
///
/// Written as plain `for` loops with a conditional, these compile to scalar code with one unpredictable branch
/// per element (seen in a profile: ReLU's backward pass at 9% of a training step); the SIMD forms are branch-free
/// and do 16 elements per iteration on any x86-64 or arm64 baseline.
enum VectorLoops {
    typealias Lanes = SIMD16<Float>

    /// y = x < 0 ? 0 : x (NaN passes through; y may be x itself).
    static func relu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let zero = Lanes(repeating: 0)
        var i = 0
        while i + Lanes.scalarCount <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: v.replacing(with: zero, where: v .< zero), as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < count { y[i] = x[i] < 0 ? 0 : x[i]; i += 1 }
    }

    /// d = x > 0 ? g : 0 (d may be g itself).
    static func reluBackward(input x: UnsafePointer<Float>, gradient g: UnsafePointer<Float>,
                             _ d: UnsafeMutablePointer<Float>, count: Int) {
        let zero = Lanes(repeating: 0)
        var i = 0
        while i + Lanes.scalarCount <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(d + i).storeBytes(of: zero.replacing(with: gv, where: v .> zero), as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < count { d[i] = x[i] > 0 ? g[i] : 0; i += 1 }
    }

    /// dst[0..<count] = src[0..<count] + b.
    static func addScalar(_ src: UnsafePointer<Float>, _ b: Float, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + Lanes.scalarCount <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: Lanes.self) + b
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < count { dst[i] = src[i] + b; i += 1 }
    }

    /// dst[0..<count] = relu(src[0..<count] + b), relu as in `relu` (v < 0 ? 0 : v, NaN passing through): a
    /// convolution's bias and the ReLU after it in one pass, with the bits of `addScalar` then `relu` (dst may be src).
    static func addScalarReLU(_ src: UnsafePointer<Float>, _ b: Float, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        let zero = Lanes(repeating: 0)
        var i = 0
        while i + Lanes.scalarCount <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: Lanes.self) + b
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v.replacing(with: zero, where: v .< zero), as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < count { let v = src[i] + b; dst[i] = v < 0 ? 0 : v; i += 1 }
    }

    /// dst[0..<count] = src[0..<count], returning their sum (for a bias gradient while transposing).
    static func copySum(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var sums = Lanes(repeating: 0)
        var i = 0
        while i + Lanes.scalarCount <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: Lanes.self)
            sums += v
            i += Lanes.scalarCount
        }
        var sum = sums.sum()
        while i < count { dst[i] = src[i]; sum += src[i]; i += 1 }
        return sum
    }

    /// The sum of src[0..<count], in exactly `copySum`'s order (sixteen lane sums, their `sum()`, then the tail one
    /// by one), so that a bias gradient read in place has the bits of one read while copying.
    static func sum(_ src: UnsafePointer<Float>, count: Int) -> Float {
        var sums = Lanes(repeating: 0)
        var i = 0
        while i + Lanes.scalarCount <= count {
            sums += UnsafeRawPointer(src + i).loadUnaligned(as: Lanes.self)
            i += Lanes.scalarCount
        }
        var sum = sums.sum()
        while i < count { sum += src[i]; i += 1 }
        return sum
    }

    /// One output row of 2x2 max pooling: windows j = 0..<count whose top-left corners are `top + 2j` in a plane
    /// of row length `w`; writes the maxima and the flat index of each (the first maximum in the order top-left,
    /// top-right, bottom-left, bottom-right, as the scalar comparison chain picks it).
    static func maxPoolRow(_ x: UnsafePointer<Float>, top: Int, w: Int, count: Int,
                           _ y: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>) {
        typealias Pairs = SIMD8<Float>
        typealias Index = SIMD4<Int32>
        var j = 0
        let stepOffsets = Index(0, 2, 4, 6)
        while j + 4 <= count {
            let p = top + 2 * j
            let upper = UnsafeRawPointer(x + p).loadUnaligned(as: Pairs.self)
            let lower = UnsafeRawPointer(x + p + w).loadUnaligned(as: Pairs.self)
            var best = upper.evenHalf
            var offset = Index(repeating: 0)
            var m = upper.oddHalf .> best
            best.replace(with: upper.oddHalf, where: m)
            offset.replace(with: 1, where: m)
            m = lower.evenHalf .> best
            best.replace(with: lower.evenHalf, where: m)
            offset.replace(with: Int32(w), where: m)
            m = lower.oddHalf .> best
            best.replace(with: lower.oddHalf, where: m)
            offset.replace(with: Int32(w + 1), where: m)
            UnsafeMutableRawPointer(y + j).storeBytes(of: best, as: SIMD4<Float>.self)
            let index = Index(repeating: Int32(truncatingIfNeeded: p)) &+ stepOffsets &+ offset
            UnsafeMutableRawPointer(arg + j).storeBytes(of: index, as: Index.self)
            j += 4
        }
        while j < count {
            let t = top + 2 * j
            var best = t
            if x[t + 1] > x[best] { best = t + 1 }
            if x[t + w] > x[best] { best = t + w }
            if x[t + w + 1] > x[best] { best = t + w + 1 }
            y[j] = x[best]
            arg[j] = Int32(truncatingIfNeeded: best)
            j += 1
        }
    }
}
