"""OpenBLAS's idle worker threads sleep at once instead of spinning: set when nnstudio is imported.

After every multi-threaded GEMM, OpenBLAS's workers spin-wait for the next call for about 2**28 CPU cycles (a
tenth of a second) before they sleep. nnstudio's own work between two GEMMs (im2col, ReLU, pooling, the
intra-op parts of `ops/intraop.py`) then shares the cores with threads that only spin: on the 2-core machine
the benchmark CNN step took 95 ms alone with OpenBLAS's default and 58 ms with `OPENBLAS_THREAD_TIMEOUT=4`
(about 2**4 cycles), torch 46 ms; a CNN step under load cost 1.5x the CPU time.

OpenBLAS reads that variable once, when NumPy loads it, and a user has usually imported NumPy before nnstudio.
So at import nnstudio sets `OPENBLAS_THREAD_TIMEOUT=4` in the environment and, when OpenBLAS is already
loaded, asks it to re-read its environment and restarts its (idle) thread pool through OpenBLAS's exported
`openblas_read_env`, `blas_thread_shutdown_` and `blas_thread_init`. Nothing else changes: the same number of
BLAS threads, the same kernels. A value of `OPENBLAS_THREAD_TIMEOUT` the user set is kept, and
`NNSTUDIO_BLAS_IDLE=default` leaves OpenBLAS alone. Other BLAS libraries (MKL, BLIS, Accelerate) are left as
they are.
"""

from __future__ import annotations

import ctypes
import os

TIMEOUT = "4"  # OpenBLAS's smallest: workers sleep after about 2**4 cycles of waiting
applied = False  # True once OpenBLAS in this process runs with the short timeout


def wanted() -> bool:
    """Whether nnstudio may set the timeout: not opted out, and not chosen by the user already."""
    if os.environ.get("NNSTUDIO_BLAS_IDLE", "").lower() in ("default", "0", "off", "no"):
        return False
    return "OPENBLAS_THREAD_TIMEOUT" not in os.environ or os.environ["OPENBLAS_THREAD_TIMEOUT"] == TIMEOUT


def tune(controller) -> bool:
    """Give every loaded OpenBLAS the short idle timeout; `controller` is threadpoolctl's ThreadpoolController
    (or None / False when threadpoolctl is missing). Returns whether the timeout is now in force."""
    global applied
    if applied:
        return True
    if not wanted() or not controller:
        return False
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = TIMEOUT  # also for an OpenBLAS loaded later, and child processes
    libs = [c.filepath for c in controller.lib_controllers if c.internal_api == "openblas"]
    applied = bool(libs) and all(_restart_with_short_timeout(path) for path in libs)
    return applied


def _restart_with_short_timeout(path: str) -> bool:
    try:
        lib = ctypes.CDLL(path)
        if lib.openblas_thread_timeout() != int(TIMEOUT):
            lib.openblas_read_env()  # re-reads OPENBLAS_THREAD_TIMEOUT (and nothing set differently)
            lib.blas_thread_shutdown_()  # the workers are idle at import; they restart with the new timeout
            lib.blas_thread_init()
        return lib.openblas_thread_timeout() == int(TIMEOUT)
    except (OSError, AttributeError):  # an OpenBLAS without these entry points: leave it as it is
        return False
