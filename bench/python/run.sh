#!/usr/bin/env bash
# Run bench_dynamics.py inside <repo>/.venv-bench, creating the venv and
# installing numpy + jax (CPU) on first use. Arguments pass through, e.g.
#   bench/python/run.sh --dims 6,1000 --json
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
venv="$repo_root/.venv-bench"
py="$venv/bin/python"

if [ ! -x "$py" ]; then
    python3 -m venv "$venv" >/dev/null 2>&1 || {
        echo "run.sh: could not create venv at $venv (is python3-venv installed?)" >&2
        exit 1
    }
fi

# Idempotent: only reach for pip when something is missing.
if ! "$py" -c 'import numpy, jax' >/dev/null 2>&1; then
    echo "run.sh: installing numpy and jax into $venv ..." >&2
    "$py" -m pip install --quiet --disable-pip-version-check numpy jax >/dev/null 2>&1 || {
        echo "run.sh: pip could not install numpy and jax into $venv (network or platform problem?)" >&2
        exit 1
    }
fi

exec "$py" "$script_dir/bench_dynamics.py" "$@"
