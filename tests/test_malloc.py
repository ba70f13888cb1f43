"""The allocator tuning at import: on by default on Linux/glibc, off with NNSTUDIO_MALLOC=default or when the
user set glibc's own variables; importing never fails because of it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _applied(**env) -> str:
    full = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "NNSTUDIO_MALLOC"}
    full.update(env)
    out = subprocess.run([sys.executable, "-c", "import nnstudio; print(nnstudio._malloc.applied)"],
                         capture_output=True, text=True, env=full, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_tuned_by_default_on_linux():
    assert _applied() == "True"


def test_opt_out_and_the_users_own_settings_win():
    assert _applied(NNSTUDIO_MALLOC="default") == "False"
    assert _applied(MALLOC_MMAP_THRESHOLD_="1048576") == "False"
