#!/usr/bin/env bash
# Run cnn_torch.py inside <repo>/.venv-torch, creating the venv and installing PyTorch (CPU build) and numpy on
# first use. Arguments pass through, e.g.
#   bench/python/run_torch.sh --epoch > peers.jsonl
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(cd "$script_dir/../.." && pwd)/.venv-torch"
py="$venv/bin/python"

if [ ! -x "$py" ]; then
    python3 -m venv "$venv" >/dev/null 2>&1 || { echo "run_torch.sh: could not create venv at $venv" >&2; exit 1; }
fi
if ! "$py" -c 'import torch, numpy' >/dev/null 2>&1; then
    echo "run_torch.sh: installing torch (CPU) and numpy into $venv ..." >&2
    # The CPU-only wheel avoids ~2 GB of CUDA libraries; plain 'torch' is the fallback where it is not offered.
    "$py" -m pip install --quiet --disable-pip-version-check "torch==2.13.0+cpu" numpy >/dev/null 2>&1 \
        || "$py" -m pip install --quiet --disable-pip-version-check torch numpy >/dev/null 2>&1 \
        || { echo "run_torch.sh: pip could not install torch into $venv" >&2; exit 1; }
fi
exec "$py" "$script_dir/cnn_torch.py" "$@"
