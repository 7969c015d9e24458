# Sourced by run.sh and run_flow.sh: `ensure_venv WHO IMPORTS PACKAGE...` creates <repo>/.venv-bench on first use
# and pip-installs PACKAGE... there unless `import IMPORTS` already works; it sets $py to the venv's python.
ensure_venv() {
    local who="$1" imports="$2"
    shift 2
    local script_dir repo_root venv
    script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    repo_root="$(cd "$script_dir/../.." && pwd)"
    venv="$repo_root/.venv-bench"
    py="$venv/bin/python"
    if [ ! -x "$py" ]; then
        python3 -m venv "$venv" >/dev/null 2>&1 || {
            echo "$who: could not create venv at $venv (is python3-venv installed?)" >&2
            exit 1
        }
    fi
    # Idempotent: only reach for pip when something is missing.
    if ! "$py" -c "import $imports" >/dev/null 2>&1; then
        echo "$who: installing $* into $venv ..." >&2
        "$py" -m pip install --quiet --disable-pip-version-check "$@" >/dev/null 2>&1 || {
            echo "$who: pip could not install $* into $venv (network or platform problem?)" >&2
            exit 1
        }
    fi
}
