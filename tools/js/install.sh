#!/usr/bin/env bash
# Install the JS linter (biome, pinned in package.json / package-lock.json) into tools/js/node_modules with
# `npm ci`, when npm is there and the install is missing or older than the lock file. Quiet and quick when done.
# Run by scripts/test.sh; tests/test_js_lint.py skips (saying why) without node/npm.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v npm >/dev/null || { echo "[nnstudio] npm not found: the JS lint test will be skipped" >&2; exit 0; }
if [ -x "$HERE/node_modules/.bin/biome" ] && [ "$HERE/node_modules/.package-lock.json" -nt "$HERE/package-lock.json" ]; then
    exit 0
fi
echo "[nnstudio] installing the JS linter (biome) into tools/js with npm ci" >&2
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || echo "[nnstudio] npm ci failed in tools/js: the JS lint test will say so" >&2
exit 0
