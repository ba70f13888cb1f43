# shellcheck shell=bash
# Shared set-up for scripts/studio.sh and scripts/test.sh (sourced, not run): makes sure that .venv exists and
# holds nnstudio (editable) with its dev extras. Idempotent and quick on the second run: a stamp file inside .venv
# records the hash of pyproject.toml and the repo path of the last successful install.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.nnstudio-install-stamp"

say() { printf '[nnstudio] %s\n' "$*" >&2; }

as_root() {  # run a command as root: directly when we are root, else through sudo
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {  # apt_install PACKAGE...: install Debian packages quietly
    say "installing $* with apt-get (needs root or sudo)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pip_quiet() {  # pip without its hundreds of harmless "WARNING: Location ... is ignored" lines; keeps pip's status
    "$PY" -m pip "$@" 2>&1 | { grep -v -E '^WARNING: Location .* is ignored' || true; }
    return "${PIPESTATUS[0]}"
}

ensure_venv() {
    [ -x "$PY" ] && return 0
    local base="${PYTHON:-python3}"
    if ! command -v "$base" >/dev/null; then
        apt_install python3 python3-venv
    fi
    if ! "$base" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        say "nnstudio needs Python >= 3.11; $base is $("$base" -V 2>&1). Set PYTHON=/path/to/python3.11 and retry."
        exit 1
    fi
    say "creating $VENV"
    if ! "$base" -m venv "$VENV" >/dev/null 2>&1; then  # Debian ships venv/ensurepip separately
        rm -rf "$VENV"
        apt_install python3-venv
        "$base" -m venv "$VENV"
    fi
}

install_stamp() {
    printf '%s %s\n' "$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)" "$ROOT"
}

ensure_install() {
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(install_stamp)" ] \
        && (cd / && "$PY" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("nnstudio") is None)'); then
        return 0
    fi
    say "installing nnstudio and its dev tools into .venv (the first time takes a few minutes)"
    rm -f "$STAMP"
    pip_quiet install -q -e "$ROOT[dev]"
    install_stamp >"$STAMP"
}

setup() {  # everything both commands need
    ensure_venv
    ensure_install
}
