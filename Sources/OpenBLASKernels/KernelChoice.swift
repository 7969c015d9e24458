import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// OpenBLAS set up once per process, before any product: the kernel choice below, then one thread.
///
/// Everything in SAMLab that reaches OpenBLAS goes through `prepare()` first: SAMVision's products, and SAMAnalysis
/// before each Clp solve (Clp's dense factorizations call LAPACK, which is this same OpenBLAS). The choice briefly
/// re-initializes OpenBLAS; `prepare` runs it under Swift's once-only initialization, so no SAMLab thread is inside
/// OpenBLAS meanwhile. Programs should still call it first thing (`samlab` does).
public enum OpenBLASKernels {
    private static let prepared: String = {
        let note = KernelChoice.apply()
        openblas_set_num_threads(1)
        return note
    }()

    /// Applies the kernel choice and sets one thread, once per process; later calls do nothing.
    public static func prepare() { _ = prepared }

    /// What the kernel choice did and why.
    public static var note: String { prepared }
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

    /// Applies the rules; returns what was done, for reports.
    static func apply() -> String {
        let loaded = String(cString: openblas_get_corename())
        let decision = decide(loaded: loaded, flags: cpuFlags(), environment: ProcessInfo.processInfo.environment)
        guard case .select(let target) = decision else {
            if case .keep(let why) = decision { return why }
            return "not applied"
        }
        guard let handle = dlopen(nil, RTLD_NOW),
              let quitSymbol = dlsym(handle, "gotoblas_dynamic_quit"),
              let initSymbol = dlsym(handle, "gotoblas_dynamic_init") else {
            return "OpenBLAS without dynamic kernel selection: \(loaded)"
        }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", target, 1)
        unsafeBitCast(quitSymbol, to: Entry.self)()
        unsafeBitCast(initSymbol, to: Entry.self)()
        unsetenv("OPENBLAS_CORETYPE")
        return "OpenBLAS chose \(loaded); SAMLab selected \(String(cString: openblas_get_corename()))"
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
