# shellcheck shell=bash
# Shared set-up for scripts/studio.sh and scripts/test.sh (sourced, not run): makes sure that .venv exists and
# holds nnstudio (editable) with the extra the command needs: "studio" (JupyterLab, Voila, ipykernel: what
# opening the Studio takes) or "dev" (the studio extra plus torch, Playwright, pytest and the other test tools).
# Both commands share .venv; dev is a superset of studio. A stamp file inside .venv records the hash of
# pyproject.toml, the repo path and the extra of the last successful install, so the second run is quick:
# studio after test finds dev (enough), test after studio installs dev on top.

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

install_stamp() {  # install_stamp EXTRA: what the stamp holds after installing EXTRA
    printf '%s %s %s\n' "$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)" "$ROOT" "$1"
}

stamp_covers() {  # stamp_covers EXTRA: the last install is current and includes EXTRA (dev includes studio)
    [ -f "$STAMP" ] || return 1
    local have
    have="$(cat "$STAMP")"
    [ "$have" = "$(install_stamp "$1")" ] || { [ "$1" = studio ] && [ "$have" = "$(install_stamp dev)" ]; }
}

ensure_install() {  # ensure_install EXTRA: nnstudio[EXTRA] installed (editable) and the stamp written
    local extra="${1:-dev}"
    if stamp_covers "$extra" \
        && (cd / && "$PY" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("nnstudio") is None)'); then
        return 0
    fi
    if [ "$extra" = studio ]; then
        say "installing nnstudio and what the Studio needs (JupyterLab, Voila) into .venv (the first time takes a minute or two)"
    else
        say "installing nnstudio and its dev tools (torch, Playwright, pytest) into .venv (the first time takes a few minutes)"
    fi
    rm -f "$STAMP"
    pip_quiet install -q -e "$ROOT[$extra]"
    install_stamp "$extra" >"$STAMP"
}

lab_settings() {  # JupyterLab in .venv greets nobody with news or update prompts (its own overrides.json only)
    local dir="$VENV/share/jupyter/lab/settings"
    mkdir -p "$dir"
    "$PY" - "$dir/overrides.json" <<'PYEOF'
import json, os, sys
path = sys.argv[1]
try:
    with open(path) as f:
        settings = json.load(f)
except (OSError, ValueError):
    settings = {}
settings.setdefault("@jupyterlab/apputils-extension:notification", {}).update(
    {"fetchNews": "false", "checkForUpdates": False})
with open(path + ".tmp", "w") as f:
    json.dump(settings, f, indent=2)
os.replace(path + ".tmp", path)
PYEOF
}

setup() {  # setup EXTRA: everything the command needs ("studio" for studio.sh, "dev" for test.sh)
    ensure_venv
    ensure_install "${1:-dev}"
    lab_settings
}
