"""`torch.testing`: `assert_close` with torch's default tolerances and messages, `make_tensor`.

    torch.testing.assert_close(actual, expected)   # AssertionError naming the worst element when not close

Inputs may be tensors, NumPy arrays, Python numbers, or sequences / mappings of them (compared item by item).
Default tolerances by dtype, as torch's: float16 (rtol 1e-3, atol 1e-5), bfloat16 (1.6e-2, 1e-5), float32
(1.3e-6, 1e-5), float64 (1e-7, 1e-7); integers and booleans must be equal. Closeness is
|actual - expected| <= atol + rtol * |expected|, elementwise.
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["assert_allclose", "assert_close", "make_tensor"]

_PRECISIONS = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7)}


def _tensor_class():
    from .tensor import Tensor

    return Tensor


def _is_tensor_like(x) -> bool:
    return isinstance(x, (_tensor_class(), np.ndarray))


def _fail(msg: str | Callable[[str], str] | None, default: str, path: tuple) -> None:
    where = "".join(f"[{p!r}]" for p in path)
    text = default if not where else f"{default}\n\nThe failure occurred for item {where}"
    if callable(msg):
        text = msg(text)
    elif msg is not None:
        text = msg
    raise AssertionError(text)


def _as_array(x) -> np.ndarray:
    from ._backend import to_numpy

    return to_numpy(x._data) if isinstance(x, _tensor_class()) else np.asarray(x)


def _dtype_name(x) -> str:
    return str(x.dtype).replace("nnstudio.", "") if isinstance(x, _tensor_class()) else np.asarray(x).dtype.name


def _tolerances(dtype_name: str, rtol, atol) -> tuple[float, float]:
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return float(rtol), float(atol)
    return _PRECISIONS.get(dtype_name, (0.0, 0.0))


def _compare_numbers(actual, expected, rtol, atol, equal_nan, msg, path) -> None:
    kind = float if isinstance(expected, float) or isinstance(actual, float) else type(expected)
    r, a = _tolerances("float64" if kind is float else "int64", rtol, atol)
    if kind is float and np.isnan(actual) and np.isnan(expected) and equal_nan:
        return
    diff = abs(actual - expected)
    if diff <= a + r * abs(expected) and not (isinstance(diff, float) and np.isnan(diff)):
        return
    rel = diff / abs(expected) if expected else float("inf")
    _fail(msg, f"Scalars are not close!\n\nExpected {expected} but got {actual}.\n"
               f"Absolute difference: {diff} (up to {a} allowed)\nRelative difference: {rel} (up to {r} allowed)",
          path)


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_device, msg, path) -> None:
    Tensor = _tensor_class()
    if isinstance(actual, Tensor) != isinstance(expected, Tensor):
        names = [type(v).__name__ for v in (actual, expected)]
        _fail(msg, f"No comparison pair was able to handle inputs of type {names[0]} and {names[1]}.", path)
    a, e = _as_array(actual), _as_array(expected)
    if a.shape != e.shape:
        _fail(msg, f"The values for attribute 'shape' do not match: {tuple(a.shape)} != {tuple(e.shape)}.", path)
    da, de = _dtype_name(actual), _dtype_name(expected)
    if check_dtype and da != de:
        _fail(msg, f"The values for attribute 'dtype' do not match: {da} != {de}.", path)
    if check_device and isinstance(actual, Tensor) and str(actual.device) != str(expected.device):
        _fail(msg, f"The values for attribute 'device' do not match: {actual.device} != {expected.device}.", path)
    r, t = _tolerances(da if _PRECISIONS.get(da, (0, 0)) >= _PRECISIONS.get(de, (0, 0)) else de, rtol, atol)
    if a.dtype == bool or e.dtype == bool:
        a, e = a.astype(np.int64), e.astype(np.int64)
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    close = np.isclose(a64, e64, rtol=r, atol=t, equal_nan=equal_nan)
    if close.all():
        return
    bad = ~close
    abs_diff = np.abs(a64 - e64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_diff = abs_diff / np.abs(e64)
    abs_diff[~bad] = rel_diff[~bad] = 0
    abs_diff, rel_diff = np.nan_to_num(abs_diff, nan=np.inf), np.nan_to_num(rel_diff, nan=np.inf)
    worst_abs = np.unravel_index(int(np.argmax(abs_diff)), a.shape) if a.ndim else ()
    worst_rel = np.unravel_index(int(np.argmax(rel_diff)), a.shape) if a.ndim else ()
    n_bad, n = int(bad.sum()), a.size
    integral = a.dtype.kind in "iub" and e.dtype.kind in "iub"
    head = "The values for attribute 'values' do not match" if integral else "Tensor-likes are not close!"
    lines = [f"{head}\n", f"Mismatched elements: {n_bad} / {n} ({100 * n_bad / n:.1f}%)",
             f"Greatest absolute difference: {abs_diff[worst_abs]} at index {tuple(int(i) for i in worst_abs)}"
             + ("" if integral else f" (up to {t} allowed)"),
             f"Greatest relative difference: {rel_diff[worst_rel]} at index {tuple(int(i) for i in worst_rel)}"
             + ("" if integral else f" (up to {r} allowed)")]
    _fail(msg, "\n".join(lines), path)


def _compare(actual, expected, path, **opts) -> None:
    if _is_tensor_like(actual) or _is_tensor_like(expected):
        _compare_tensors(actual, expected, opts["rtol"], opts["atol"], opts["equal_nan"], opts["check_dtype"],
                         opts["check_device"], opts["msg"], path)
        return
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        if set(actual) != set(expected):
            _fail(opts["msg"], f"The keys of the mappings do not match: {sorted(map(str, actual))} != "
                               f"{sorted(map(str, expected))}", path)
        for key in expected:
            _compare(actual[key], expected[key], path + (key,), **opts)
        return
    is_seq = lambda v: isinstance(v, collections.abc.Sequence) and not isinstance(v, str)  # noqa: E731
    if is_seq(actual) and is_seq(expected):
        if len(actual) != len(expected):
            _fail(opts["msg"], f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", path)
        for i, (x, y) in enumerate(zip(actual, expected)):
            _compare(x, y, path + (i,), **opts)
        return
    numbers = (int, float, bool, np.number, np.bool_)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        if opts["check_dtype"] and type(actual) is not type(expected) and not (
                isinstance(actual, (int, np.integer)) and isinstance(expected, (int, np.integer))):
            _fail(opts["msg"], f"The values for attribute 'dtype' do not match: {type(actual).__name__} != "
                               f"{type(expected).__name__}.", path)
        _compare_numbers(actual, expected, opts["rtol"], opts["atol"], opts["equal_nan"], opts["msg"], path)
        return
    if actual is None and expected is None:
        return
    _fail(opts["msg"], f"No comparison pair was able to handle inputs of type {type(actual).__name__} and "
                       f"{type(expected).__name__}.", path)


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Raise AssertionError unless `actual` and `expected` are close (see the module docstring)."""
    _compare(actual, expected, (), rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype,
             check_device=check_device, msg=msg)


def assert_allclose(actual, expected, rtol: float | None = None, atol: float | None = None, equal_nan: bool = True,
                    msg: str = "") -> None:
    """Deprecated torch spelling: `assert_close` without the dtype check and with NaNs equal by default."""
    if not _is_tensor_like(actual):
        actual = np.asarray(actual)
    if not _is_tensor_like(expected):
        expected = np.asarray(expected, dtype=_as_array(actual).dtype)
    if (rtol is None) != (atol is None):
        raise ValueError("rtol and atol must both be specified or both be unspecified")
    if rtol is None:
        rtol, atol = _PRECISIONS.get(_dtype_name(actual), (0.0, 0.0))
    assert_close(np.asarray(_as_array(actual)), np.asarray(_as_array(expected)), rtol=rtol, atol=atol,
                 equal_nan=equal_nan, check_dtype=False, msg=msg or None)


def make_tensor(*shape, dtype, device=None, low: float | None = None, high: float | None = None,
                requires_grad: bool = False, noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format=None):
    """A tensor of `shape` with values drawn uniformly from [low, high) (torch's defaults: [-9, 9] for floats,
    [-9, 10) for integers, {False, True} for bool), from nnstudio's seeded stream."""
    import nnstudio

    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    name = str(dtype).replace("nnstudio.", "")
    if name == "bool":
        t = nnstudio.randint(0, 2, shape).to(nnstudio.bool)
    elif name.startswith(("int", "uint")):
        lo = -9 if low is None else int(np.ceil(low))
        hi = 10 if high is None else int(high)
        if name.startswith("uint"):
            lo = max(lo, 0)
        t = nnstudio.randint(lo, hi, shape, dtype=dtype)
        if exclude_zero:
            t = nnstudio.where(t == 0, nnstudio.ones_like(t), t)
    else:
        lo, hi = (-9.0 if low is None else float(low)), (9.0 if high is None else float(high))
        if lo > hi:
            raise ValueError(f"make_tensor: low ({lo}) must not be greater than high ({hi})")
        t = nnstudio.empty(shape, dtype=dtype).uniform_(lo, hi)  # as torch (not through torch.rand)
        if exclude_zero:
            t = nnstudio.where(t == 0, nnstudio.full_like(t, np.finfo(np.float32).tiny), t)
    if device is not None:
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t
