"""nnstudio puts OpenBLAS's idle workers to sleep at once, even when NumPy was imported first (ops/openblas_idle)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from threadpoolctl import threadpool_info

OPENBLAS = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
pytestmark = pytest.mark.skipif(not OPENBLAS, reason="NumPy here does not use OpenBLAS")

PROBE = """
import ctypes, json
import numpy as np
a = np.random.default_rng(0).standard_normal((300, 300))
before = a @ a
import nnstudio
from nnstudio.ops import openblas_idle
from threadpoolctl import threadpool_info
lib = ctypes.CDLL(next(i["filepath"] for i in threadpool_info() if i["internal_api"] == "openblas"))
after = a @ a
print(json.dumps({"timeout": lib.openblas_thread_timeout(), "applied": openblas_idle.applied,
                  "same_product": bool(np.array_equal(before, after)),
                  "threads": next(i["num_threads"] for i in threadpool_info() if i["internal_api"] == "openblas")}))
"""


def _probe(**env_changes) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_THREAD_TIMEOUT", "NNSTUDIO_BLAS_IDLE")}
    env.update(env_changes)
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_numpy_imported_first_still_gets_the_short_timeout():
    got = _probe()
    assert got["timeout"] == 4 and got["applied"] is True
    assert got["same_product"]  # the restarted thread pool computes the same GEMM
    assert got["threads"] == OPENBLAS[0]["num_threads"]  # no thread count changed


def test_opt_out_leaves_openblas_default():
    got = _probe(NNSTUDIO_BLAS_IDLE="default")
    assert got["timeout"] != 4 and got["applied"] is False


def test_a_timeout_the_user_chose_is_kept():
    got = _probe(OPENBLAS_THREAD_TIMEOUT="12")
    assert got["timeout"] == 12 and got["applied"] is False
