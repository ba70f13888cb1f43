"""Intra-op parallelism on the CPU: a heavy primitive splits its batch into one part per thread.

NumPy runs element-wise work (im2col copies, transposes, pooling, col2im adds) on one core, and only the BLAS
products use the others, so on a 2-core machine half the machine idled through most of a CNN step. A
primitive whose work is separable along the batch (convolution, pooling) instead runs `run_parts`: part 0
in the calling thread, the others on persistent worker threads, with BLAS held to one thread meanwhile (each
part's products then run side by side rather than each spreading over all cores). NumPy releases the GIL in
its loops and BLAS calls, so the parts truly run in parallel. Measured on the 2-core machine: conv2 + ReLU +
max-pool of the benchmark CNN, forward and backward, took 0.71-0.75 of the serial time.

Never nested (a part that calls another split primitive runs it serially) and CPU only (CuPy arrays are
already parallel on the GPU). `set_num_threads(n)` sets the part count and BLAS's threads, as torch's does
its intra-op threads.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .. import _platform
from . import mkl_blas, openblas_idle  # mkl_blas first: loads MKL (when installed) before threadpoolctl looks

MIN_PART_WORK = 2_000_000  # below this many multiply-adds (or element visits) per part, one thread is faster
MIN_PART_ELEMENTS = 400_000  # an element-wise pass over fewer elements per part is not worth a handoff


def _default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_threads = _default_threads()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_inside = threading.local()
_blas = None  # threadpoolctl's controller once loaded; False when threadpoolctl is missing


def _after_fork_in_child() -> None:
    """A forked child has none of the parent's worker threads: start a fresh pool on first use."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _blas_controller():
    global _blas
    if _blas is None and not _platform.threads_available():  # Pyodide: no threads, every part runs serially
        _blas = False
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas = ThreadpoolController()
        except Exception:  # noqa: BLE001 - no threadpoolctl: run serially (BLAS keeps its own threads)
            _blas = False
    return _blas


openblas_idle.tune(_blas_controller())  # OpenBLAS's workers sleep between GEMMs instead of taking the cores


def set_num_threads(n: int) -> None:
    """Threads for one primitive's parts and for BLAS (torch's intra-op thread count)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n!r}")
    global _threads, _pool
    with _pool_lock:
        _threads = n
        if _pool is not None:
            _pool.shutdown(wait=False)
            _pool = None
    blas = _blas_controller()
    if blas:
        blas.limit(limits=n, user_api="blas")  # stays in force (not used as a context manager)


@contextlib.contextmanager
def blas_single_thread():
    """BLAS on one thread (CPU) inside the block. For chains of small GEMMs (an RNN's time steps), where a second
    BLAS thread only waits between the calls, and under load (other processes on the cores) stalls every GEMM.
    A/B in one process: the LSTM benchmark step took 0.08-0.11 of the time under load 7 with the whole forward and
    backward on one thread, but 1.09-1.13x on a quiet machine (its large input-projection and weight-gradient GEMMs
    lost their second thread): so only the time loops run inside this block."""
    blas = _blas_controller()
    if not blas or _threads == 1:
        yield
        return
    with blas.limit(limits=1, user_api="blas"):
        yield


def get_num_threads() -> int:
    return _threads


def batch_parts(n: int, work: int) -> list[tuple[int, int]]:
    """[(lo, hi), ...]: the batch [0, n) in near-equal parts, as many as threads allow with at least
    MIN_PART_WORK of `work` (the whole primitive's work) each; [(0, n)] when splitting does not pay."""
    parts = min(_threads, n, max(1, work // MIN_PART_WORK))
    if parts <= 1 or getattr(_inside, "active", False) or not _blas_controller():
        return [(0, n)]
    bounds = [n * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def elementwise(xp, out, fn: Callable, *arrays) -> object:
    """`fn(*rows, out=out_rows)` over row blocks of `arrays` (same leading dim as `out`) side by side on the
    CPU when they are large; one call on the whole arrays otherwise (and always on the GPU). Returns out."""
    n = out.shape[0] if out.ndim else 1
    parts = batch_parts(n, out.size * MIN_PART_WORK // MIN_PART_ELEMENTS) \
        if xp.__name__ == "numpy" and out.ndim else [(0, n)]
    if len(parts) == 1:
        fn(*arrays, out=out)
    else:
        run_parts(lambda lo, hi: fn(*(a[lo:hi] for a in arrays), out=out[lo:hi]), parts)
    return out


def _part(fn: Callable, lo: int, hi: int):
    _inside.active = True
    try:
        return fn(lo, hi)
    finally:
        _inside.active = False


def run_parts(fn: Callable[[int, int], object], parts: list[tuple[int, int]]) -> list:
    """[fn(lo, hi) for each part], the first in this thread and the rest on the workers, BLAS on one thread
    meanwhile. The first exception raised by any part is re-raised here, after every part has finished."""
    if len(parts) == 1:
        return [fn(*parts[0])]
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, _threads - 1), thread_name_prefix="nnstudio-intraop",
                                       initializer=mkl_blas.one_thread_in_this_thread)
        pool = _pool
    with _blas_controller().limit(limits=1, user_api="blas"):
        futures = [pool.submit(_part, fn, lo, hi) for lo, hi in parts[1:]]
        first_error = None
        try:
            results = [_part(fn, *parts[0])]
        except BaseException as e:  # noqa: BLE001 - wait for the workers before re-raising
            first_error, results = e, [None]
        for f in futures:
            try:
                results.append(f.result())
            except BaseException as e:  # noqa: BLE001
                first_error = first_error or e
                results.append(None)
    if first_error is not None:
        raise first_error
    return results


class BatchParts:
    """Mixin for a primitive separable along the batch (axis 0 of its first input and of its output).

    `split_forward` decides the parts; when it splits, fresh children of the same class each run
    `part_forward(child, lo, hi, out_rows)` on their rows, writing into one preallocated output. `backward`
    of a split node (`split_backward`) runs each child's backward on its rows of g, writes the rows of the
    first input's gradient into one array, and sums the other inputs' gradients (the weights) over the parts.
    """

    def split_forward(self, xp, x, work: int, out_shape: tuple, dtype, part_forward: Callable):
        """The output when the batch was split (and run), else None: the caller then runs its serial path."""
        n = x.shape[0]
        if xp.__name__ != "numpy":
            return None
        parts = batch_parts(n, work)
        if len(parts) == 1:
            return None
        self.parts, self.xshape = [(lo, hi, type(self)()) for lo, hi in parts], x.shape
        out = xp.empty(out_shape, dtype=dtype)
        run_parts(lambda lo, hi: part_forward(self._child(lo), lo, hi, out[lo:hi]), parts)
        return out

    @property
    def is_split(self) -> bool:
        return "parts" in self.__dict__

    def _child(self, lo: int):
        return next(child for start, _, child in self.parts if start == lo)

    def split_backward(self, xp, g) -> tuple:
        gx = xp.empty(self.xshape, dtype=g.dtype) if self.needs_input_grad[0] else None

        def part(lo: int, hi: int):
            child = self._child(lo)
            child.needs_input_grad = self.needs_input_grad
            grads = child.backward(g[lo:hi])
            if gx is not None:
                gx[lo:hi] = grads[0]
            return grads[1:]

        rest = run_parts(part, [(lo, hi) for lo, hi, _ in self.parts])
        summed = tuple(None if rest[0][i] is None else sum(r[i] for r in rest[1:]) + rest[0][i]
                       for i in range(len(rest[0])))
        return (gx,) + summed
