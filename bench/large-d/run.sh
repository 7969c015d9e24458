#!/bin/sh
# The fixed cost of `samlab train` at large d (issue 17 target 3): one step at d = 10^6 (D), from a CSV of one example,
# from --mu FILE.txt (one value per line) and from --mu FILE.npy, with --out; wall time, CPU time (user + system) and
# peak RSS from /usr/bin/time -v, and the process baseline (a d = 2 run; each peak is also given above the baseline of
# its round, and the total as a multiple of the data and weights, 24 d bytes). Each case runs REPEATS times, the cases
# interleaved (A B C A B C ...), so that a loaded machine affects them alike; report medians. The written beta.npy and weights.npy are checked with numpy when python3 has it.
# Usage: bench/large-d/run.sh [SAMLAB] [D] [REPEATS]   (SAMLAB defaults to .build/release/samlab)
set -eu
SAMLAB=${1:-.build/release/samlab}
D=${2:-1000000}
REPEATS=${3:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" "$D" <<'PY'
import random, struct, sys
work, d = sys.argv[1], int(sys.argv[2])
random.seed(1)
vals = [random.uniform(0.5, 2.0) for _ in range(d)]
text = [repr(v) for v in vals]
with open(f"{work}/one.csv", "w") as f:
    f.write(",".join(f"x{i + 1}" for i in range(d)) + ",y\n" + ",".join(text) + ",1\n")
with open(f"{work}/mu.txt", "w") as f:
    f.write("\n".join(text) + "\n")
# NPY 1.0, <f8, C order, written by hand (numpy is not needed to make it).
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }" % d
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(f"{work}/mu.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack(f"<{d}d", *vals))
PY
measure() {
  label=$1; shift
  rm -rf "$WORK/out"
  /usr/bin/time -v "$@" --out "$WORK/out" > /dev/null 2> "$WORK/time.txt" || { cat "$WORK/time.txt" >&2; exit 1; }
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt")
  user=$(sed -n 's/.*User time (seconds): //p' "$WORK/time.txt")
  sys=$(sed -n 's/.*System time (seconds): //p' "$WORK/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  above=""
  # Target 3's ratio: total peak RSS over the data and weights (one example and two layers: 8 d + 16 d bytes).
  [ -n "${base_rss:-}" ] && above=" ($(((rss - base_rss) / 1024)) MB above the d = 2 baseline; total $(awk "BEGIN { printf \"%.2f\", $rss * 1024 / (24 * $D) }")x the data and weights)"
  echo "$label: wall $wall, cpu ${user}+${sys} s, max RSS $((rss / 1024)) MB$above"
}
echo "load: $(uptime)"
i=0
while [ $i -lt "$REPEATS" ]; do
  base_rss=""
  measure "baseline d = 2 (1 step)" "$SAMLAB" train --mu 1,2 --steps 1 --quiet
  base_rss=$rss
  measure "csv d = $D (1 step)" "$SAMLAB" train --data "$WORK/one.csv" --steps 1 --quiet
  measure "--mu mu.txt d = $D (1 step)" "$SAMLAB" train --mu "$WORK/mu.txt" --steps 1 --quiet
  measure "--mu mu.npy d = $D (1 step)" "$SAMLAB" train --mu "$WORK/mu.npy" --steps 1 --quiet
  measure "--mu mu.npy d = $D (101 steps)" "$SAMLAB" train --mu "$WORK/mu.npy" --steps 101 --quiet
  i=$((i + 1))
done
echo "load: $(uptime)"
"$SAMLAB" train --mu "$WORK/mu.npy" --steps 1 --quiet --out "$WORK/mu"
echo "summary.json: $(wc -c < "$WORK/mu/summary.json") bytes; files: $(ls "$WORK/mu" | tr '\n' ' ')"
if python3 -c "import numpy" 2>/dev/null; then
  python3 - "$WORK" "$D" <<'PY'
import json, sys, numpy
work, d = sys.argv[1], int(sys.argv[2])
summary = json.load(open(f"{work}/mu/summary.json"))
beta = numpy.load(f"{work}/mu/" + summary["beta_file"])
weights = numpy.load(f"{work}/mu/" + summary["weights_file"])
mu = numpy.load(f"{work}/mu/" + summary["config"]["data"]["mu_file"])
assert beta.dtype == numpy.float64 and beta.shape == (d,), beta.shape
assert weights.shape == (2, d) and numpy.allclose(numpy.prod(weights, axis=0), beta, rtol=1e-12, atol=0)
assert (mu == numpy.load(f"{work}/mu.npy")).all()
print(f"numpy {numpy.__version__}: beta {beta.shape}, weights {weights.shape}, mu {mu.shape}: read and consistent")
PY
fi
