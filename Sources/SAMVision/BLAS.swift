import COpenBLAS

/// The only doors to OpenBLAS in SAMVision.
///
/// OpenBLAS starts with one thread per core. SAMVision switches it to one thread the first time it multiplies:
/// the layers make many small products, for which extra threads busy-wait and compete with Swift concurrency on
/// two cores, and one thread gives the same bits on every run (the project's rule: same seed, same bytes).
/// Call `setThreads` after that to choose otherwise.
///
/// Kernel choice matters as much as threads: OpenBLAS 0.3.21 picks its kernels when it loads, and on CPUs it does
/// not recognise (seen here: a Sapphire-Rapids-class "Intel(R) Xeon(R) Processor") it falls back to the SSE3
/// "Prescott" kernels, about 2x slower for this network. `coreName` shows the choice; the environment variable
/// `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`) overrides it. Different kernels round differently, so bit-for-bit
/// reproducibility holds for one kernel and thread count, not across them.
public enum BLAS {
    private static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// Sets OpenBLAS's thread count (results may then differ in the last bits between thread counts).
    public static func setThreads(_ n: Int) {
        _ = singleThreaded
        openblas_set_num_threads(Int32(n))
    }

    public static var threads: Int {
        _ = singleThreaded
        return Int(openblas_get_num_threads())
    }

    /// The kernel family OpenBLAS chose at load time (for example "SkylakeX", "Haswell", "Prescott").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build description (version, DYNAMIC_ARCH, core, MAX_THREADS).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// C[m x n] = alpha * op(A) * op(B) + beta * C, row-major, on raw pointers (so callers can pass slices).
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
