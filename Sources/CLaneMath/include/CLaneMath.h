// Elementwise math on four Doubles that Swift cannot spell without a call per lane.
//
// Swift's `squareRoot()` on Linux is `sqrtsd` plus a branch to libm's `sqrt` (for errno) on every lane, which keeps
// the kernels from vectorizing it. Clang's elementwise builtin is the IEEE square root with no errno, so these
// inline functions compile, inside the Swift code that calls them, to `sqrtpd` / `vsqrtpd`: correctly rounded, the
// same bits as `Double.squareRoot()`, four at a time. `ext_vector_type(4)` of double is Swift's `SIMD4<Double>`.
#ifndef CLANEMATH_H
#define CLANEMATH_H

typedef double samlab_lanes __attribute__((ext_vector_type(4)));

/// sqrt of each lane (correctly rounded).
static inline __attribute__((always_inline)) samlab_lanes samlab_lanes_sqrt(samlab_lanes x) {
    return __builtin_elementwise_sqrt(x);
}

#endif
