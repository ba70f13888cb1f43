"""Random draws in the dtype they are for: float32 values come straight from NumPy's float32 generators, so
`randn(10**8)` or `Linear(10**4, 10**4)` needs the array itself and no float64 copy twice its size.

NumPy draws float32 and float64 natively (`standard_normal(dtype=...)`, `random(dtype=...)`, into `out=` in
place); float16 and bfloat16-like dtypes are drawn as float32 and cast. The values for a seed are those of
NumPy's float32 streams (not the float64 ones rounded).
"""

from __future__ import annotations

import numpy as np

_NATIVE = (np.dtype(np.float32), np.dtype(np.float64))


def _draw_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    return dtype if dtype in _NATIVE else np.dtype(np.float32)


def standard_normal(rng: np.random.Generator, shape: tuple, dtype) -> np.ndarray:
    """N(0, 1) samples of `shape` as `dtype`, drawn in float32 unless float64 is asked for."""
    out = rng.standard_normal(shape, dtype=_draw_dtype(dtype))
    return out if out.dtype == dtype else out.astype(dtype)


def uniform01(rng: np.random.Generator, shape: tuple, dtype) -> np.ndarray:
    """U[0, 1) samples of `shape` as `dtype`, drawn in float32 unless float64 is asked for."""
    out = rng.random(shape, dtype=_draw_dtype(dtype))
    return out if out.dtype == dtype else out.astype(dtype)


def _target(array: np.ndarray) -> np.ndarray:
    """`array` itself when NumPy can draw into it, else a float32 buffer of its shape."""
    if isinstance(array, np.ndarray) and array.dtype in _NATIVE and array.flags.c_contiguous:
        return array
    return np.empty(array.shape, np.float32)


def fill_uniform(rng: np.random.Generator, array, low: float, high: float):
    """U[low, high) values for `array`: drawn into it in place when it is a float32/64 NumPy array; otherwise
    a float32 array to copy in (a CuPy array, float16). Returns what holds the values."""
    out = _target(array)
    rng.random(out=out, dtype=out.dtype)
    out *= out.dtype.type(high - low)
    out += out.dtype.type(low)
    return out


def fill_normal(rng: np.random.Generator, array, mean: float, std: float):
    """N(mean, std) values for `array`, in place where it can be (see `fill_uniform`)."""
    out = _target(array)
    rng.standard_normal(out=out, dtype=out.dtype)
    if std != 1:
        out *= out.dtype.type(std)
    if mean != 0:
        out += out.dtype.type(mean)
    return out


def uniform(rng: np.random.Generator, shape: tuple, dtype, low: float, high: float) -> np.ndarray:
    """A new array of U[low, high) samples, in `dtype` if NumPy draws it natively, else in float32."""
    return fill_uniform(rng, np.empty(shape, _draw_dtype(dtype)), low, high)


def normal(rng: np.random.Generator, shape: tuple, dtype, mean: float, std: float) -> np.ndarray:
    """A new array of N(mean, std) samples, in `dtype` if NumPy draws it natively, else in float32."""
    return fill_normal(rng, np.empty(shape, _draw_dtype(dtype)), mean, std)
