#!/usr/bin/env bash
# Sweep throughput (issue 17 target 5): `bench/sweep/run.sh SAMLAB [ROUNDS]`, what `make bench-sweep` runs.
#
# Each round runs, one after another (interleaved, so that a change of load hits all three alike):
#   - SAMLab, 1 job, pinned to CPU 0: `samlab sweep run examples/bench-sweep.json --jobs 1` (wall time of the command);
#   - SAMLab, 2 jobs, on CPUs 0 and 1 (`--jobs 2`);
#   - the peer, diffrax Dopri5 + jax.vmap over the same 10,000 points, one thread, pinned to CPU 0
#     (bench/python/run_sweep.sh; its time is the jit-compiled grid's second call, compilation excluded).
# It prints each round and the medians: wall and CPU time and points/s of each, SAMLab 1 job / peer, and the 2-job
# speed-up, with the load average before and after (on a loaded machine the CPU times are the steadier figures). Then it checks the peer's regimes against SAMLab's (bench/sweep/agreement.py) on a run of
# bench/sweep/bench-sweep-full.json (the same grid, keeping event times and leaders). Output under .build/bench-sweep.
set -euo pipefail

samlab="${1:?usage: bench/sweep/run.sh SAMLAB [ROUNDS]}"
rounds="${2:-1}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$repo/.build/bench-sweep"
rm -rf "$out" && mkdir -p "$out"

timed() {  # wall and CPU (user + system) seconds of a command: "WALL CPU"
    /usr/bin/time -f "%e %U %S" -o "$out/time" "$@" >/dev/null
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$out/time"
}

echo "load before: $(uptime)"
rows=()
for r in $(seq 1 "$rounds"); do
    rm -rf "$out/one" "$out/two"
    read -r w1 c1 < <(timed taskset -c 0 "$samlab" sweep run "$repo/examples/bench-sweep.json" --out "$out/one" --jobs 1 --quiet)
    read -r w2 c2 < <(timed taskset -c 0,1 "$samlab" sweep run "$repo/examples/bench-sweep.json" --out "$out/two" --jobs 2 --quiet)
    "$repo/bench/python/run_sweep.sh" --out "$out/peer-points.jsonl" > "$out/peer.json"
    read -r wp cp < <(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['seconds'], j['cpu_seconds'])" "$out/peer.json")
    rows+=("$w1 $c1 $w2 $c2 $wp $cp")
    printf 'round %d: wall (CPU) seconds: SAMLab 1 job %s (%s), 2 jobs %s (%s), diffrax peer %.2f (%.2f); load %s\n' \
        "$r" "$w1" "$c1" "$w2" "$c2" "$wp" "$cp" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "load after: $(uptime)"
printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
n = 10000
rows = [list(map(float, line.split())) for line in sys.stdin if line.strip()]
w1, c1, w2, c2, wp, cp = (statistics.median(col) for col in zip(*rows))
print(f"{n} points, medians of {len(rows)} round(s), wall (CPU) seconds: SAMLab 1 job {w1:.2f} ({c1:.2f}), "
      f"2 jobs {w2:.2f} ({c2:.2f}), diffrax Dopri5 + vmap, 1 thread {wp:.2f} ({cp:.2f})")
print(f"points/s by wall time: SAMLab 1 job {n / w1:.0f}, 2 jobs {n / w2:.0f}, diffrax {n / wp:.0f}; "
      f"by CPU time: SAMLab 1 job {n / c1:.0f}, diffrax {n / cp:.0f}")
print(f"SAMLab 1 job / diffrax: {wp / w1:.2f}x by wall time, {cp / c1:.2f}x by CPU time; 2-job speed-up (wall): {w1 / w2:.2f}x")
'
"$samlab" sweep run "$repo/bench/sweep/bench-sweep-full.json" --out "$out/full" --jobs 2 --quiet >/dev/null
python3 "$repo/bench/sweep/agreement.py" "$out/full" "$out/peer-points.jsonl"
