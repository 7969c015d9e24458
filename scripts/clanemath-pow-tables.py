#!/usr/bin/env python3
"""Prints the tables of samlab_lanes_pow (Sources/CLaneMath/include/CLaneMath.h), computed with mpmath at 200 bits.

log: x = 2^k z, z in [0x1.69555p-1, 0x1.69555p0) split into 128 subintervals by the top 7 bits of
bits(x) - 0x3fe6955500000000 (the reduction of ARM's optimized-routines pow, Szabolcs Nagy 2018). For each, 1/c is the
center's reciprocal rounded to 8 bits (so z/c - 1 is exact as a double), logc is log(c) rounded to a multiple of
2^-43 (so k ln2hi + logc is exact) and logctail the rest. exp: 2^(j/128) as the double nearest and the relative tail.
"""
import mpmath
import struct

mpmath.mp.prec = 200
N = 128
OFF = 0x3FE6955500000000


def asdouble(u):
    return struct.unpack("<d", struct.pack("<Q", u))[0]


def hexd(x):
    return float(x).hex()


print("// log: {1/c, logc, logctail}, i = 0 .. 127 (scripts/clanemath-pow-tables.py).")
maxr = 0
for i in range(N):
    lo = mpmath.mpf(asdouble(OFF + (i << 45)))
    hi = mpmath.mpf(asdouble(OFF + ((i + 1) << 45)))
    center = (lo + hi) / 2
    if center < 1:
        invc = mpmath.nint(N / center) / N
    else:
        invc = mpmath.nint(2 * N / center) / (2 * N)
    if lo <= 1 < hi:
        invc = mpmath.mpf(1)
    logc_exact = -mpmath.log(invc)
    logc = mpmath.nint(logc_exact * 2**43) / 2**43
    tail = float(logc_exact - logc)
    maxr = max(maxr, abs(lo * invc - 1), abs(hi * invc - 1))
    print(f"    {{{hexd(invc)}, {hexd(logc)}, {tail.hex()}}},")
print(f"// max |z/c - 1| = {float(maxr)!r} = 2^{float(mpmath.log(maxr, 2)):.2f}")

print("// exp: {2^(j/128) rounded, (2^(j/128) - that) / that}, j = 0 .. 127.")
for j in range(N):
    v = mpmath.power(2, mpmath.mpf(j) / N)
    h = float(v)
    t = float((v - h) / h)
    print(f"    {{{h.hex()}, {t.hex()}}},")

ln2 = mpmath.log(2)
ln2hi = mpmath.floor(ln2 * 2**42) / 2**42
print("// ln2hi (42 bits), ln2lo:", hexd(ln2hi), float(ln2 - ln2hi).hex())
l2n = ln2 / N
l2nhi = mpmath.nint(l2n * 2**(34 + 7)) / 2**(34 + 7)
print("// ln2/128 hi (34 bits), lo:", hexd(l2nhi), float(l2n - l2nhi).hex())
print("// 128/ln2:", float(N / ln2).hex())
