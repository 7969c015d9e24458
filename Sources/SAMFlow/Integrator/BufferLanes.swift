/// Four consecutive values of a buffer of Doubles as one SIMD4<Double> and back, for loops over a state written once
/// for four components at a time. Each lane goes through the same IEEE operations in the same order as that
/// component in a scalar loop (lane arithmetic is per lane, and Swift does not contract a * b + c into a fused
/// multiply-add), so the results are the scalar loop's bits, four at a time.
enum _BufferLanes {
    /// Values p[0..<count] (count in 1…4) in lanes 0..<count, zeros after.
    @inline(__always)
    static func load(_ p: UnsafePointer<Double>, count: Int) -> SIMD4<Double> {
        if count == 4 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self) }
        var v = SIMD4<Double>.zero
        for lane in 0..<count { v[lane] = p[lane] }
        return v
    }

    /// Writes lanes 0..<count of `v` (count in 1…4) to p[0..<count].
    @inline(__always)
    static func store(_ v: SIMD4<Double>, to p: UnsafeMutablePointer<Double>, count: Int) {
        if count == 4 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
            return
        }
        for lane in 0..<count { p[lane] = v[lane] }
    }

    /// A buffer of n values, zeros, with room after them up to a whole number of blocks of four, also zeros: a
    /// `Block` reads whole lanes of it (the lanes after n give 0) and writes only the first n values, so the room
    /// stays 0. Deallocate it through its base address.
    static func allocate(_ n: Int) -> UnsafeMutableBufferPointer<Double> {
        let room = UnsafeMutableBufferPointer<Double>.allocate(capacity: (n + 3) / 4 * 4)
        room.initialize(repeating: 0)
        return UnsafeMutableBufferPointer(rebasing: room[0..<n])
    }

    /// Components i..<i + count of a state (count = 4 but in the last block), for one pass of `forEachBlock`, on
    /// buffers from `allocate`.
    struct Block {
        let i: Int
        let count: Int

        /// Lanes i..<i + 4 of `b`, a buffer from `allocate` (in the last block, the lanes from count on are its
        /// zero room).
        @inline(__always)
        func callAsFunction(_ b: UnsafeMutableBufferPointer<Double>) -> SIMD4<Double> {
            UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: SIMD4<Double>.self)
        }

        /// a times `self(b)` (a term of a Runge–Kutta sum: written as a call, a long sum of terms is one `+` per
        /// term for the type checker, not a mix of scalar and vector operators).
        @inline(__always)
        func term(_ a: Double, _ b: UnsafeMutableBufferPointer<Double>) -> SIMD4<Double> { a * self(b) }

        /// Writes `v`'s first count lanes to components i..<i + count of `b`.
        @inline(__always)
        func store(_ v: SIMD4<Double>, into b: UnsafeMutableBufferPointer<Double>) {
            _BufferLanes.store(v, to: b.baseAddress! + i, count: count)
        }
    }

    /// Calls `body` for the blocks of four components of a state of n values, in order.
    @inline(__always)
    static func forEachBlock(_ n: Int, _ body: (Block) -> Void) {
        var i = 0
        while i < n {
            body(Block(i: i, count: Swift.min(4, n - i)))
            i += 4
        }
    }

    /// 0 in every lane where `v` is finite, NaN where it is not (inf - inf and NaN - NaN are NaN): summed over
    /// several vectors and tested once with `isFinite(_:)`.
    @inline(__always)
    static func nonFinite(_ v: SIMD4<Double>) -> SIMD4<Double> { v - v }

    /// Whether a sum of `nonFinite` terms is 0 in every lane (every term finite).
    @inline(__always)
    static func isFinite(_ sum: SIMD4<Double>) -> Bool { sum[0] == 0 && sum[1] == 0 && sum[2] == 0 && sum[3] == 0 }
}
