#!/usr/bin/env bash
# The sweep benchmark's peer: sweep_diffrax.py (diffrax Dopri5 + jax.vmap over the 10,000 points of
# examples/bench-sweep.json, jit-compiled, timed on the second call) inside <repo>/.venv-bench, creating the venv and
# installing numpy, jax (CPU) and diffrax on first use. One thread: XLA's Eigen thread pool off and one intra-op
# thread, pinned to CPU 0. Arguments go to the script (--out FILE writes its per-point results). Prints its JSON line:
#   bench/python/run_sweep.sh --out peer-points.jsonl > peer.json
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$script_dir/venv.sh"
ensure_venv run_sweep.sh "numpy, jax, diffrax" numpy jax diffrax

export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
taskset -c 0 "$py" "$script_dir/sweep_diffrax.py" "$@"
