extension DenseScheme {
    /// u(θ_k) of all n components at m values of θ at once: row k (n values) of `out` gets
    /// u(θ_k) = the nested product of `DenseScheme` (Hairer–Nørsett–Wanner II.6, CONTD5 / CONTD8) on r1, r2, ….
    ///
    /// Four components at a time in SIMD lanes, all m values of θ per block of coefficients (each coefficient is
    /// read once), then the last n mod 4 components one by one. Each lane performs the scalar formula of
    /// `interpolate(component:coefficients:dimension:theta:)` with the same operations in the same order, without
    /// fused multiply-adds (Swift contracts none), so every value has the bits of that component's own interpolation.
    /// Every θ_k must be nonzero (θ = 0 returns r1 itself there; the caller takes it apart).
    func _interpolate(
        coefficients r: UnsafeBufferPointer<Double>, dimension n: Int, thetas: UnsafeBufferPointer<Double>,
        into out: UnsafeMutablePointer<Double>
    ) {
        typealias Lanes = SIMD4<Double>
        let m = thetas.count
        guard n > 0, m > 0, let base = r.baseAddress else { return }
        func lanes(_ block: Int, _ i: Int) -> Lanes {
            UnsafeRawPointer(base + block * n + i).loadUnaligned(as: Lanes.self)
        }
        var i = 0
        switch self {
        case .dopri5:
            while i + 4 <= n {
                let r1 = lanes(0, i), r2 = lanes(1, i), r3 = lanes(2, i), r4 = lanes(3, i), r5 = lanes(4, i)
                for k in 0..<m {
                    let s = thetas[k], s1 = 1 - s
                    let u = r1 + s * (r2 + s1 * (r3 + s * (r4 + s1 * r5)))
                    UnsafeMutableRawPointer(out + k * n + i).storeBytes(of: u, as: Lanes.self)
                }
                i += 4
            }
        case .dop853:
            while i + 4 <= n {
                let r1 = lanes(0, i), r2 = lanes(1, i), r3 = lanes(2, i), r4 = lanes(3, i)
                let r5 = lanes(4, i), r6 = lanes(5, i), r7 = lanes(6, i), r8 = lanes(7, i)
                for k in 0..<m {
                    let s = thetas[k], s1 = 1 - s
                    let inner = r5 + s * (r6 + s1 * (r7 + s * r8))
                    let u = r1 + s * (r2 + s1 * (r3 + s * (r4 + s1 * inner)))
                    UnsafeMutableRawPointer(out + k * n + i).storeBytes(of: u, as: Lanes.self)
                }
                i += 4
            }
        }
        while i < n {
            for k in 0..<m {
                out[k * n + i] = interpolate(component: i, coefficients: r, dimension: n, theta: thetas[k])
            }
            i += 1
        }
    }
}
