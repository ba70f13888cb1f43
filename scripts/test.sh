#!/usr/bin/env bash
# Run nnstudio's tests: sets up .venv on first use, installs Debian's chromium for the browser tests when
# /usr/bin/chromium is missing, then runs pytest with any extra arguments passed through.
#
#   bash scripts/test.sh [pytest args]          e.g.  bash scripts/test.sh -x tests/data
#
# NNSTUDIO_SKIP_BROWSER=1 skips the chromium install (the browser tests then skip, saying why).
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

setup dev
if [ ! -x /usr/bin/chromium ] && [ "${NNSTUDIO_SKIP_BROWSER:-0}" != 1 ]; then
    apt_install chromium || { say "could not install chromium (set NNSTUDIO_SKIP_BROWSER=1 to run without it)"; exit 1; }
fi
cd "$ROOT"
exec "$PY" -m pytest -q "$@"
