#!/usr/bin/env bash
# Run nnstudio's tests: sets up .venv on first use, installs Debian's chromium for the browser tests when
# /usr/bin/chromium is missing, then runs pytest with any extra arguments passed through.
#
#   bash scripts/test.sh [pytest args]          e.g.  bash scripts/test.sh -x tests/data
#
# NNSTUDIO_SKIP_BROWSER=1 skips the chromium install (the browser tests then skip, saying why). The JupyterLite
# site's build tools and pinned downloads go to build/lite-tools and build/lite-cache once (NNSTUDIO_SKIP_LITE=1: not).
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

setup dev
if [ ! -x /usr/bin/chromium ] && [ "${NNSTUDIO_SKIP_BROWSER:-0}" != 1 ]; then
    apt_install chromium || { say "could not install chromium (set NNSTUDIO_SKIP_BROWSER=1 to run without it)"; exit 1; }
fi
bash "$ROOT/tools/js/install.sh"  # the JS linter (biome) for tests/test_js_lint.py, when npm is there
if [ "${NNSTUDIO_SKIP_BROWSER:-0}" != 1 ] && [ "${NNSTUDIO_SKIP_LITE:-0}" != 1 ]; then  # tests/browser/test_lite_site.py
    bash "$ROOT/scripts/lite_site.sh" --prepare || say "could not prepare the JupyterLite site build (its test skips)"
fi
cd "$ROOT"
exec "$PY" -m pytest -q "$@"
