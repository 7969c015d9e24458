import Testing
@testable import OpenBLASKernels
import SAMVision

/// The rules that correct OpenBLAS's load-time kernel guess, on made-up CPUs (the side effects run once per process
/// and are covered by every other test here, which multiply through the chosen kernels).
@Suite struct KernelChoiceTests {
    let avx512: Set<String> = ["sse2", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]

    @Test func genericGuessOnCapableCPUIsCorrected() {
        #expect(KernelChoice.decide(loaded: "Prescott", flags: avx512, environment: [:]) == .select("SkylakeX"))
        #expect(KernelChoice.decide(loaded: "Prescott", flags: ["avx2", "fma"], environment: [:]) == .select("Haswell"))
        #expect(KernelChoice.decide(loaded: "Prescott", flags: ["sse3"], environment: [:]) != .select("Haswell"))
    }

    @Test func recognisedCPUAndUserChoicesAreLeftAlone() {
        #expect(KernelChoice.decide(loaded: "Haswell", flags: avx512, environment: [:]) == .keep("OpenBLAS's choice: Haswell"))
        if case .select = KernelChoice.decide(loaded: "Prescott", flags: avx512, environment: ["OPENBLAS_CORETYPE": "Prescott"]) {
            Issue.record("OPENBLAS_CORETYPE must win")
        }
        if case .select = KernelChoice.decide(loaded: "Prescott", flags: avx512, environment: ["SAMLAB_BLAS_CORE": "keep"]) {
            Issue.record("SAMLAB_BLAS_CORE=keep must keep")
        }
        #expect(KernelChoice.decide(loaded: "SkylakeX", flags: avx512, environment: ["SAMLAB_BLAS_CORE": "haswell"]) == .select("Haswell"))
        if case .select = KernelChoice.decide(loaded: "Prescott", flags: ["avx2", "fma"], environment: ["SAMLAB_BLAS_CORE": "SkylakeX"]) {
            Issue.record("a core the CPU cannot run must not be selected")
        }
    }

    @Test func choiceIsReported() {
        #expect(!BLAS.kernelNote.isEmpty && BLAS.kernelNote != "not applied")
        #expect(!BLAS.coreName.isEmpty)
    }
}
