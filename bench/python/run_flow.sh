#!/usr/bin/env bash
# The flow benchmark's peers: flow_scipy.py (RK45, DOP853) and flow_diffrax.py (Dopri8, jit-compiled) inside
# <repo>/.venv-bench, creating the venv and installing numpy, scipy, jax (CPU) and diffrax on first use.
# Prints their JSON lines, for `samlab bench flow --peers FILE`:
#   bench/python/run_flow.sh > peers.jsonl && .build/release/samlab bench flow --peers peers.jsonl
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$script_dir/venv.sh"
ensure_venv run_flow.sh "numpy, scipy, jax, diffrax" numpy scipy jax diffrax

"$py" "$script_dir/flow_scipy.py"
"$py" "$script_dir/flow_diffrax.py"
