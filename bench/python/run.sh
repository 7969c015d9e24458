#!/usr/bin/env bash
# Run bench_dynamics.py inside <repo>/.venv-bench, creating the venv and
# installing numpy + jax (CPU) on first use. Arguments pass through, e.g.
#   bench/python/run.sh --dims 6,1000 --json
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$script_dir/venv.sh"
ensure_venv run.sh "numpy, jax" numpy jax

exec "$py" "$script_dir/bench_dynamics.py" "$@"
