import COpenBLAS
import OpenBLASKernels

/// The only doors to OpenBLAS in SAMVision.
///
/// OpenBLAS starts with one thread per core. SAMVision switches it to one thread the first time it multiplies:
/// the layers make many small products, for which extra threads busy-wait and compete with Swift concurrency on
/// two cores, and one thread gives the same bits on every run (the project's rule: same seed, same bytes).
/// Call `setThreads` after that to choose otherwise.
///
/// Kernel choice matters as much as threads: OpenBLAS 0.3.21 picks its kernels when it loads, from the CPU's model
/// number, and on models it does not know (seen here: a Sapphire-Rapids-class "Intel(R) Xeon(R) Processor") it falls
/// back to the SSE3 "Prescott" kernels, 2-3x slower for this network. `OpenBLASKernels` corrects that once, before
/// the first product. Different kernels round differently, so bit-for-bit reproducibility holds for one kernel
/// choice and thread count, not across them; `coreName` names the choice and the vision summaries record it.
public enum BLAS {
    /// Applies the kernel choice and the one-thread default now. A program calls this first thing, before it
    /// starts threads: the choice briefly re-initializes OpenBLAS, which is not safe while another thread (Clp's
    /// LAPACK calls, for instance) is inside it. Every entry point here also does it on first use.
    public static func prepare() { OpenBLASKernels.prepare() }

    /// Sets OpenBLAS's thread count. Products are split by blocks of the result, not along the sum, so the bits
    /// should not depend on it (checked here for 1 and 2 threads; see the README).
    public static func setThreads(_ n: Int) {
        OpenBLASKernels.prepare()
        openblas_set_num_threads(Int32(n))
    }

    /// OpenBLAS's current thread count (1 after the first use, unless `setThreads` chose otherwise).
    public static var threads: Int {
        OpenBLASKernels.prepare()
        return Int(openblas_get_num_threads())
    }

    /// The kernel family in use (for example "SkylakeX", "Haswell", "Prescott").
    public static var coreName: String {
        OpenBLASKernels.prepare()
        return String(cString: openblas_get_corename())
    }

    /// What the kernel choice did and why, for reports.
    public static var kernelNote: String {
        OpenBLASKernels.prepare()
        return OpenBLASKernels.note
    }

    /// OpenBLAS's build description (version, DYNAMIC_ARCH, core, MAX_THREADS).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// C[m x n] = alpha * op(A) * op(B) + beta * C, row-major, on raw pointers (so callers can pass slices).
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        OpenBLASKernels.prepare()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
