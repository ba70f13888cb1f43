#!/usr/bin/env bash
# Open the nnstudio Studio: sets up .venv on first use, then serves JupyterLab on notebooks/00_start_here.ipynb
# (--voila: the playground notebook as a standalone Voila page; --lite: the static JupyterLite site).
#
#   bash scripts/studio.sh [--voila|--lite] [--port N] [--ip ADDR] [--browser|--no-browser] [-- extra server args]
#
# Listens on 127.0.0.1 by default (use --ip 0.0.0.0 to reach it from another machine; JupyterLab keeps its token).
# Stop it with Ctrl+C.
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

for arg in "$@"; do  # --lite: build and serve the static JupyterLite site instead (no .venv needed for it)
    if [ "$arg" = --lite ]; then
        LITE_ARGS=(); for a in "$@"; do [ "$a" = --lite ] || LITE_ARGS+=("$a"); done
        exec bash "$(dirname "${BASH_SOURCE[0]}")/lite_site.sh" "${LITE_ARGS[@]}"
    fi
done

MODE=lab IP=127.0.0.1 PORT="" BROWSER=auto EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --voila) MODE=voila ;;
        --port) PORT="${2:?--port needs a number}"; shift ;;
        --port=*) PORT="${1#*=}" ;;
        --ip) IP="${2:?--ip needs an address}"; shift ;;
        --ip=*) IP="${1#*=}" ;;
        --browser) BROWSER=yes ;;
        --no-browser) BROWSER=no ;;
        -h|--help) usage; exit 0 ;;
        --) shift; EXTRA=("$@"); break ;;
        *) say "unknown option $1"; usage; exit 2 ;;
    esac
    shift
done

setup studio
cd "$ROOT"

if [ -z "$PORT" ]; then  # the first free port from 8888 (Voila: 8866), so the URL printed below is the real one
    start=8888; [ "$MODE" = voila ] && start=8866
    PORT="$("$PY" - "$IP" "$start" <<'PYEOF'
import socket, sys
ip, start = sys.argv[1], int(sys.argv[2])
for port in range(start, start + 100):
    with socket.socket() as s:
        try:
            s.bind((ip, port))
        except OSError:
            continue
        print(port)
        break
PYEOF
)"
    [ -n "$PORT" ] || { say "no free port in $start..$((start + 99)); pass --port N"; exit 1; }
fi

if [ "$BROWSER" = auto ]; then  # open a browser only where there is a screen
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; then BROWSER=yes; else BROWSER=no; fi
fi
ROOT_FLAG=(); [ "$(id -u)" = 0 ] && ROOT_FLAG=(--allow-root)
HOST="$IP"; [ "$IP" = 0.0.0.0 ] && HOST="$(hostname -f 2>/dev/null || hostname)"

if [ "$MODE" = voila ]; then
    NB=notebooks/02_playground.ipynb
    [ -f "$NB" ] || { say "$NB does not exist yet; serving notebooks/00_start_here.ipynb"; NB=notebooks/00_start_here.ipynb; }
    OPEN=(); [ "$BROWSER" = no ] && OPEN=(--no-browser)
    say "Voila serves $NB at  http://$HOST:$PORT/"
    exec "$PY" -m voila "$NB" "${OPEN[@]}" --Voila.ip="$IP" --port="$PORT" --Voila.port_retries=0 "${EXTRA[@]}"
fi

NB=notebooks/00_start_here.ipynb
TOKEN="${NNSTUDIO_TOKEN:-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')}"
OPEN=(); [ "$BROWSER" = no ] && OPEN=(--no-browser)
say "JupyterLab opens $NB at  http://$HOST:$PORT/lab/tree/$NB?token=$TOKEN"
exec "$PY" -m jupyterlab "$NB" "${OPEN[@]}" "${ROOT_FLAG[@]}" --ip="$IP" --port="$PORT" \
    --ServerApp.port_retries=0 --IdentityProvider.token="$TOKEN" --ServerApp.root_dir="$ROOT" \
    --ServerApp.log_level=WARN "${EXTRA[@]}"
