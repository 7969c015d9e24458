import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The only doors to OpenBLAS in SAMVision.
///
/// OpenBLAS starts with one thread per core. SAMVision switches it to one thread the first time it multiplies:
/// the layers make many small products, for which extra threads busy-wait and compete with Swift concurrency on
/// two cores, and one thread gives the same bits on every run (the project's rule: same seed, same bytes).
/// Call `setThreads` after that to choose otherwise.
///
/// Kernel choice matters as much as threads: OpenBLAS 0.3.21 picks its kernels when it loads, from the CPU's model
/// number, and on models it does not know (seen here: a Sapphire-Rapids-class "Intel(R) Xeon(R) Processor") it falls
/// back to the SSE3 "Prescott" kernels, 2-3x slower for this network. `KernelChoice` corrects that once, before
/// the first product. Different kernels round differently, so bit-for-bit reproducibility holds for one kernel
/// choice and thread count, not across them; `coreName` names the choice and the vision summaries record it.
public enum BLAS {
    private static let prepared: Void = {
        KernelChoice.apply()
        openblas_set_num_threads(1)
    }()

    /// Sets OpenBLAS's thread count (results may then differ in the last bits between thread counts).
    public static func setThreads(_ n: Int) {
        _ = prepared
        openblas_set_num_threads(Int32(n))
    }

    public static var threads: Int {
        _ = prepared
        return Int(openblas_get_num_threads())
    }

    /// The kernel family in use (for example "SkylakeX", "Haswell", "Prescott").
    public static var coreName: String {
        _ = prepared
        return String(cString: openblas_get_corename())
    }

    /// What `KernelChoice` did and why, for reports.
    public static var kernelNote: String {
        _ = prepared
        return KernelChoice.note
    }

    /// OpenBLAS's build description (version, DYNAMIC_ARCH, core, MAX_THREADS).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// C[m x n] = alpha * op(A) * op(B) + beta * C, row-major, on raw pointers (so callers can pass slices).
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = prepared
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

/// Re-selects OpenBLAS's kernels when its load-time guess wasted the CPU.
///
/// A DYNAMIC_ARCH OpenBLAS reads `OPENBLAS_CORETYPE` only inside `gotoblas_dynamic_init`, which has already run
/// by the time Swift code starts. Its exported `gotoblas_dynamic_quit` forgets the choice, so quit + setenv + init
/// re-runs the selection with the variable set; the variable is then restored. This happens before any product
/// (no buffers or block sizes of the old kernels are in use). The rules:
/// - `OPENBLAS_CORETYPE` set by the user: left alone (OpenBLAS already honoured it).
/// - `SAMLAB_BLAS_CORE=keep`: left alone; `SAMLAB_BLAS_CORE=<name>`: that core, if the CPU can run it.
/// - otherwise, only if OpenBLAS chose a generic core (Prescott, Core2, Nehalem, ...) on a CPU whose kernel-enabled
///   flags (/proc/cpuinfo) include AVX-512 F/BW/DQ/VL: SkylakeX; with AVX2 and FMA: Haswell.
/// Builds without the dynamic entry points (no DYNAMIC_ARCH, other BLAS) are left alone.
enum KernelChoice {
    nonisolated(unsafe) static var note = "not applied"

    static func apply() {
        let loaded = String(cString: openblas_get_corename())
        let decision = decide(loaded: loaded, flags: cpuFlags(), environment: ProcessInfo.processInfo.environment)
        guard case .select(let target) = decision else {
            if case .keep(let why) = decision { note = why }
            return
        }
        guard let handle = dlopen(nil, RTLD_NOW),
              let quitSymbol = dlsym(handle, "gotoblas_dynamic_quit"),
              let initSymbol = dlsym(handle, "gotoblas_dynamic_init") else {
            note = "OpenBLAS without dynamic kernel selection: \(loaded)"
            return
        }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", target, 1)
        unsafeBitCast(quitSymbol, to: Entry.self)()
        unsafeBitCast(initSymbol, to: Entry.self)()
        unsetenv("OPENBLAS_CORETYPE")
        note = "OpenBLAS chose \(loaded); SAMLab selected \(String(cString: openblas_get_corename()))"
    }

    enum Decision: Equatable {
        case keep(String)
        case select(String)
    }

    /// The rules above, apart from their side effects (so they can be tested on any machine).
    static func decide(loaded: String, flags: Set<String>, environment env: [String: String]) -> Decision {
        if env["OPENBLAS_CORETYPE"] != nil { return .keep("OPENBLAS_CORETYPE set: \(loaded)") }
        let request = env["SAMLAB_BLAS_CORE"]
        if request == "keep" { return .keep("SAMLAB_BLAS_CORE=keep: \(loaded)") }
        let canSkylakeX = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        let canHaswell = ["avx2", "fma"].allSatisfy(flags.contains)
        if let request {
            switch request.lowercased() {
            case "skylakex" where canSkylakeX: return .select("SkylakeX")
            case "haswell" where canHaswell: return .select("Haswell")
            default: return .keep("SAMLAB_BLAS_CORE=\(request) not usable on this CPU (SkylakeX or Haswell): \(loaded)")
            }
        }
        let generic: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Nano"]
        guard generic.contains(loaded) else { return .keep("OpenBLAS's choice: \(loaded)") }
        if canSkylakeX { return .select("SkylakeX") }
        if canHaswell { return .select("Haswell") }
        return .keep("OpenBLAS's choice: \(loaded) (no AVX2 on this CPU)")
    }

    /// The CPU flags the kernel enabled (empty where /proc/cpuinfo does not exist).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
