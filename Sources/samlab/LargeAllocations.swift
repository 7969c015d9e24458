#if canImport(Glibc)
import Glibc
#endif

/// How `samlab train` has the C allocator place its large arrays (glibc only; elsewhere nothing changes).
///
/// glibc serves a request of at least `M_MMAP_THRESHOLD` bytes with a mapping of its own, which `free` returns to the
/// system. The threshold starts at 128 KiB but moves up to the size of each such block freed (up to 32 MiB), and then
/// later blocks of that size come from the heap, where freed pages stay resident until the top of the heap is free.
/// At d = 10^6 the reading of the data frees an 8 MB block first, so the 8 MB vectors made afterwards came from the
/// heap and the peak RSS stood about 7 MiB above the live heap (bench/large-d; BENCHMARKS.md, "Large d").
/// `mallopt(M_MMAP_THRESHOLD, 1 MiB)` fixes the threshold: blocks of 1 MiB or more are always mapped and returned
/// when freed, so the resident memory follows what the run holds. It changes where blocks live, not what is
/// computed; a train run of small d makes no block of that size.
enum LargeAllocations {
    /// The size from which a block gets a mapping of its own.
    static let threshold: Int32 = 1 << 20
    /// glibc's `M_MMAP_THRESHOLD` (malloc.h, which the Glibc module does not import).
    static let _mmapThresholdParameter: Int32 = -3

    /// Fixes glibc's threshold at `threshold` for this process (looked up by name: `mallopt` is glibc's own; a C
    /// library without it is left as it is).
    static func returnFreedBlocksToTheSystem() {
        #if canImport(Glibc)
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(_mmapThresholdParameter, threshold)
        #endif
    }
}
