#!/bin/sh
# Prints the feature level `make build` compiles for on this host: `x86-64-v3` when the CPU has every feature of
# the x86-64-v3 level (AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, XSAVE; Haswell, Zen 1 and newer), otherwise
# `portable` (baseline x86-64, or any other architecture). Read from /proc/cpuinfo's flags; no compiler involved.
set -eu
[ "$(uname -m)" = x86_64 ] || { echo portable; exit 0; }
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
for f in avx avx2 bmi1 bmi2 f16c fma abm movbe xsave; do
  case " ${flags#*:} " in
    *" $f "*) ;;
    *) echo portable; exit 0 ;;
  esac
done
echo x86-64-v3
