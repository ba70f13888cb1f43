"""Matrix products through Intel MKL when the optional `mkl` package is installed, else NumPy's own BLAS.

`pip install "nnstudio[mkl]"` (x86-64 Linux) puts MKL's runtime beside NumPy; `matmul(a, b)` then multiplies
float32 / float64 NumPy matrices through MKL's `cblas_?gemm`, called through ctypes (which releases the GIL).
Measured on the 2-core Xeon (AVX-512) against NumPy's OpenBLAS 0.3.31, both on 2 threads: (128, 784) @ (784, 512)
in 0.30 ms against 0.43, (32, 128) @ (128, 512) in 20 us against 29. torch's CPU build multiplies with MKL too.
Without the package (the JupyterLite site, macOS, ARM, `pip install nnstudio` alone) every product is NumPy's,
with the same results up to float rounding: `NNSTUDIO_BLAS=numpy` chooses that path on purpose.

A call into MKL costs about 5 us of ctypes argument conversion, so products under `MIN_WORK` multiply-adds stay
NumPy's (an 8x8 product takes it 0.7 us); so do stacks of such products, where MKL's batched call was slower
than NumPy's loop of OpenBLAS calls (attention's (64, 64, 32) @ (64, 32, 64): 0.39 ms against 0.28). Anything
else NumPy's `matmul` handles (more dims, broadcasting, integers, complex, a CuPy array, an operand without a
unit stride, an `out` that overlaps an input) also stays NumPy's. Callers choose per product: convolution's
input gradient stays on NumPy (see ops/conv.py). MKL runs on GNU OpenMP (the system's libgomp, as torch's CPU
build does; one thread per call where libgomp is missing); its thread count follows threadpoolctl like
OpenBLAS's (`ops/intraop.py` holds BLAS to one thread inside its parts, and its workers run MKL on one thread),
and a forked child (a DataLoader worker) multiplies on one thread, as GNU OpenMP's pool does not survive a fork.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import sys

import numpy as np

from ._ns import ns_of

MIN_WORK = 1 << 20  # multiply-adds (m n k) from which MKL's product beats NumPy's despite the call cost

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_INT_LIMIT = 1 << 31  # MKL's LP64 interface takes 32-bit sizes, strides and leading dimensions
_THREADING_GNU, _THREADING_SEQUENTIAL = 3, 1
_lib = None  # the loaded libmkl_rt, or None
_gemm: dict = {}  # np.dtype -> cblas_?gemm, with its argtypes set
_gemm_batch: dict = {}  # np.dtype -> cblas_?gemm_batch_strided
library_path: str | None = None  # where MKL was loaded from, or None when the products are NumPy's


def _candidates() -> list[str]:
    """Where pip puts the `mkl` package's libmkl_rt: the environment's lib/ (the wheel's data files)."""
    roots = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(sys.executable))}
    found = []
    for root in roots:
        found += sorted(glob.glob(os.path.join(root, "lib", "libmkl_rt.so*")))
    return found


def _openmp_threading() -> int:
    """GNU OpenMP when the system's libgomp loads (MKL's GNU layer dlopens nothing else), else one thread per
    call. libgomp's idle workers would spin for about 300000 polls after each product and take the core that
    nnstudio's element-wise work needs next: they sleep at once (`GOMP_SPINCOUNT` is read when it loads)."""
    name = ctypes.util.find_library("gomp") or "libgomp.so.1"
    saved = os.environ.get("GOMP_SPINCOUNT")
    os.environ["GOMP_SPINCOUNT"] = saved if saved is not None else "0"
    try:
        ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
    except OSError:
        return _THREADING_SEQUENTIAL
    finally:
        if saved is None:
            del os.environ["GOMP_SPINCOUNT"]
    return _THREADING_GNU


def _load() -> None:
    global _lib, library_path
    if os.environ.get("NNSTUDIO_BLAS", "").lower() in ("numpy", "openblas", "default", "off", "0"):
        return
    if not sys.platform.startswith("linux") or os.uname().machine != "x86_64":
        return
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
            threading = _openmp_threading()
            if lib.MKL_Set_Threading_Layer(threading) < 0:
                continue
        except (OSError, AttributeError):
            continue
        _lib, library_path = lib, path
        break
    if _lib is None:
        return
    c_int, ptr = ctypes.c_int, ctypes.c_void_p  # MKL's LP64 interface: 32-bit integers
    for dtype, letter, scalar in ((np.float32, "s", ctypes.c_float), (np.float64, "d", ctypes.c_double)):
        fn = getattr(_lib, f"cblas_{letter}gemm")
        fn.argtypes = [c_int] * 6 + [scalar, ptr, c_int, ptr, c_int, scalar, ptr, c_int]
        fn.restype = None
        _gemm[np.dtype(dtype)] = fn
        fn = getattr(_lib, f"cblas_{letter}gemm_batch_strided")
        fn.argtypes = [c_int] * 6 + [scalar, ptr, c_int, c_int, ptr, c_int, c_int, scalar, ptr, c_int, c_int, c_int]
        fn.restype = None
        _gemm_batch[np.dtype(dtype)] = fn
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=lambda: _lib.MKL_Set_Num_Threads(1))


def one_thread_in_this_thread() -> None:
    """MKL's products in the calling thread run on one thread from now on (an intra-op worker: its part is one
    of several running side by side). With GNU OpenMP, MKL's thread count is the calling thread's own, so the
    process-wide limit that threadpoolctl sets from another thread does not reach it."""
    if _lib is not None:
        _lib.MKL_Set_Num_Threads_Local(1)


def available() -> bool:
    """Whether products run through MKL in this process."""
    return _lib is not None


def _operand(a) -> tuple[int, int] | None:
    """(transpose flag, leading dimension) for a row-major cblas call on 2-D `a`, or None when neither axis has
    a unit stride."""
    item = a.itemsize
    rows, cols = a.shape
    s0, s1 = a.strides
    if max(s0, s1) >= _INT_LIMIT * item:  # a view into an array past 8 GiB: more than MKL's LP64 ints hold
        return None
    if s1 == item and s0 >= cols * item and s0 % item == 0:
        return _NO_TRANS, s0 // item
    if s0 == item and s1 >= rows * item and s1 % item == 0:
        return _TRANS, s1 // item
    if rows == 1 and s1 == item:  # a single row: any row stride will do
        return _NO_TRANS, cols
    if cols == 1 and s0 == item:
        return _TRANS, rows
    return None


def matmul(a, b, out=None, accumulate: bool = False):
    """a @ b for a (m, k) and b (k, n), or stacks of them (B, m, k) @ (B, k, n) where either B may be 1
    (broadcast): through MKL where it pays (see the module), else NumPy's matmul. With `out` the product is
    written there and `out` returned; `accumulate` adds it to `out` instead (out += a @ b, one pass fewer)."""
    if _lib is not None and type(a) is np.ndarray and type(b) is np.ndarray and a.size * b.shape[-1] >= MIN_WORK \
            and a.ndim == b.ndim and a.ndim in (2, 3) and b.dtype == a.dtype and a.shape[-1] == b.shape[-2] \
            and a.dtype in _gemm:
        done = _mkl_product(_gemm[a.dtype], a, b, out, accumulate and out is not None)
        if done is not None:
            return done
    if out is None:
        return a @ b
    if accumulate:
        out += a @ b
        return out
    return ns_of(a).matmul(a, b, out=out)


def _mkl_product(fn, a, b, out, accumulate: bool):
    """The product through MKL into `out` (or a new array), or None when this call does not suit it."""
    m, k = a.shape[-2:]
    n = b.shape[-1]
    batch = max(a.shape[0], b.shape[0]) if a.ndim == 3 else 1
    # per matrix: over a stack of small ones (attention's heads) NumPy's loop of OpenBLAS calls is the faster
    if m * n * k < MIN_WORK or min(m, n, k) == 0 or max(a.size, b.size, m * n * batch) >= _INT_LIMIT:
        return None
    if a.ndim == 3 and a.shape[0] != b.shape[0] and 1 not in (a.shape[0], b.shape[0]):
        return None
    fa, fb = _operand(a[-1] if a.ndim == 3 else a), _operand(b[-1] if b.ndim == 3 else b)
    if fa is None or fb is None:
        return None
    shape = (batch, m, n) if a.ndim == 3 else (m, n)
    if out is None:
        target = np.empty(shape, dtype=a.dtype)
    elif type(out) is np.ndarray and out.dtype == a.dtype and out.shape == shape and out.flags.writeable \
            and _operand(out[-1] if out.ndim == 3 else out) == (_NO_TRANS, out.strides[-2] // out.itemsize) \
            and not np.may_share_memory(out, a) and not np.may_share_memory(out, b):
        target = out
    else:
        return None
    beta = 1.0 if accumulate else 0.0
    ldc = target.strides[-2] // target.itemsize
    if a.ndim == 2 or batch == 1:  # MKL refuses a batch stride of 0 for the output, even for one matrix
        a2, b2, c2 = (x[0] if x.ndim == 3 else x for x in (a, b, target))
        fn(_ROW_MAJOR, fa[0], fb[0], m, n, k, 1.0, a2.ctypes.data, fa[1], b2.ctypes.data, fb[1], beta,
           c2.ctypes.data, ldc)
        return target
    strides = [_batch_stride(x) for x in (a, b, target)]
    if None in strides:
        return None
    batched = _gemm_batch[a.dtype]
    batched(_ROW_MAJOR, fa[0], fb[0], m, n, k, 1.0, a.ctypes.data, fa[1], strides[0], b.ctypes.data, fb[1],
            strides[1], beta, target.ctypes.data, ldc, strides[2], batch)
    return target


def _batch_stride(x) -> int | None:
    """The stride between the matrices of a 3-D stack, in elements (0 for a broadcast stack of one)."""
    if x.shape[0] == 1:
        return 0
    step = x.strides[0]
    return step // x.itemsize if step > 0 and step % x.itemsize == 0 else None


_load()
