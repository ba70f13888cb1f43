"""torch's in-place Tensor methods beyond the core arithmetic (`exp_`, `sqrt_`, `abs_`, `neg_`, ...) and the
scatter family (`scatter` / `scatter_`, `scatter_add` / `scatter_add_`, `index_add` / `index_add_`). Importing this
module attaches them to `Tensor`.

Each in-place method computes its out-of-place twin and makes it the tensor's new value (`Tensor._inplace`):
written into the buffer without autograd, recorded as a new graph node otherwise; on a leaf that requires grad it
raises torch's RuntimeError outside `no_grad()`.
"""

from __future__ import annotations

import numpy as np

from . import _dtype as dt
from ._backend import to_numpy, xp_of
from .autograd import apply
from .ops import scatter as SC
from .tensor import Tensor


def _inplace(self: Tensor, op, name: str) -> Tensor:
    if self._data.dtype.kind != "f":
        probe = op(Tensor._wrap(self._data[:0].reshape(0) if self._data.ndim else self._data, None))
        if probe._data.dtype.kind == "f":
            raise RuntimeError(f"{name}: result type Float can't be cast to the desired output type "
                               f"{self.dtype.name.capitalize()} (the tensor is {self.dtype}; convert it with "
                               ".float() first)")
    return self._inplace(op)


def _unary(name: str, method: str, *fixed):
    def fn(self: Tensor, *args, **kwargs) -> Tensor:
        return _inplace(self, lambda s: getattr(s, method)(*fixed, *args, **kwargs), name)

    fn.__name__ = name
    fn.__doc__ = f"In-place `{method}`: self = self.{method}(...); returns self."
    return fn


UNARY = {"exp_": "exp", "log_": "log", "sqrt_": "sqrt", "rsqrt_": "rsqrt", "abs_": "abs", "absolute_": "abs",
         "neg_": "neg", "negative_": "neg", "sigmoid_": "sigmoid", "tanh_": "tanh", "sin_": "sin", "cos_": "cos",
         "reciprocal_": "reciprocal", "square_": "square", "log1p_": "log1p", "clamp_min_": "clamp_min",
         "clamp_max_": "clamp_max", "clip_": "clamp", "floor_": "floor", "ceil_": "ceil", "round_": "round",
         "trunc_": "trunc", "sign_": "sign"}


# ------------------------------------------------------------------ scatter family


def _dims(self: Tensor, dim: int, op: str) -> int:
    nd = max(self.dim(), 1)
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return dim % nd


def _check_scatter(self: Tensor, dim: int, index: Tensor, src: Tensor | None, op: str) -> int:
    if not isinstance(index, Tensor) or index.dtype not in (dt.int64, dt.int32):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index (got "
                           f"{getattr(index, 'dtype', type(index).__name__)})")
    d = _dims(self, dim, op)
    if index.dim() != self.dim():
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as self tensor (index "
                           f"{list(index.shape)}, self {list(self.shape)})")
    if src is not None:
        if src.dim() != self.dim():
            raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as src tensor (index "
                               f"{list(index.shape)}, src {list(src.shape)})")
        if src._data.dtype != self._data.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype (self {self.dtype}, src "
                               f"{src.dtype})")
    for i, n in enumerate(index.shape):
        if (i != d and n > self.shape[i]) or (src is not None and n > src.shape[i]):
            raise RuntimeError(f"Expected index {list(index.shape)} to be smaller than self {list(self.shape)} "
                               f"apart from dimension {d}" + (f" and to be smaller size than src {list(src.shape)}"
                                                              if src is not None else ""))
    _check_bounds(index, self.shape[d], d)
    return d


def _check_bounds(index: Tensor, size: int, d: int) -> None:
    if index.numel():
        idx = to_numpy(index._data)
        bad = idx[(idx < 0) | (idx >= size)]
        if bad.size:
            raise RuntimeError(f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {d} with size {size}")


def _as_index(index: Tensor):
    return index._data.astype(np.int64, copy=False)


def scatter(self: Tensor, dim: int, index: Tensor, src=None, value=None, *, reduce: str | None = None) -> Tensor:
    """A copy of self with src's values (or a number) written at `index` along `dim`:
    out[i][index[i][j]] = src[i][j] for dim=1. Differentiable in self and src."""
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    if src is None and value is None:
        raise TypeError("scatter(): expected a src tensor or a value")
    if reduce is not None:
        if reduce != "add":
            raise NotImplementedError(f"scatter(reduce={reduce!r}) is not supported; use reduce='add' or "
                                      "scatter_add")
        if src is None:
            src = Tensor._wrap(xp_of(self._data).full(index._data.shape, value, dtype=self._data.dtype), None)
        return scatter_add(self, dim, index, src)
    d = _check_scatter(self, dim, index, src, "scatter")
    if src is None:
        src = Tensor._wrap(xp_of(self._data).full(index._data.shape, value, dtype=self._data.dtype), None)
    return apply(SC.Scatter, self, src, index=_as_index(index), axis=d)


def scatter_add(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of self with src's values added at `index` along `dim` (repeats accumulate)."""
    d = _check_scatter(self, dim, index, src, "scatter_add")
    return apply(SC.ScatterAdd, self, src, index=_as_index(index), axis=d)


def index_add(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    """A copy of self with alpha * source[..., k, ...] added to self[..., index[k], ...] along `dim`."""
    if not isinstance(index, Tensor) or index.dtype not in (dt.int64, dt.int32):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index (got "
                           f"{getattr(index, 'dtype', type(index).__name__)})")
    if index.dim() > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, got shape {list(index.shape)}")
    d = _dims(self, dim, "index_add_")
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(f"index_add_(): self ({self.dtype.name.capitalize()}) and source "
                           f"({source.dtype.name.capitalize()}) must have the same scalar type")
    n = index.numel()
    src_n = source.shape[d] if source.dim() else 1
    if n != src_n:
        raise RuntimeError(f"index_add_(): Number of indices ({n}) should be equal to source.size(dim) ({src_n})")
    expected = tuple(s if i != d else n for i, s in enumerate(self.shape))
    if source.dim() and tuple(source.shape) != expected:
        raise RuntimeError(f"index_add_(): source {list(source.shape)} must have self's shape {list(self.shape)} "
                           f"except in dimension {d}")
    _check_bounds(index, self.shape[d], d)
    xp = xp_of(self._data)
    view = [1] * max(self.dim(), 1)
    view[d] = n
    full = xp.broadcast_to(_as_index(index).reshape(-1).reshape(view), expected)
    src = source * alpha if alpha != 1 else source
    src = src.reshape(expected) if src.dim() != self.dim() else src
    return apply(SC.ScatterAdd, self, src, index=xp.ascontiguousarray(full), axis=d)


def _inplace_of(fn, name: str):
    def method(self: Tensor, *args, **kwargs) -> Tensor:
        return _inplace(self, lambda s: fn(s, *args, **kwargs), name)

    method.__name__ = name
    method.__doc__ = f"In-place `{fn.__name__}`; returns self."
    return method


METHODS = {name: _unary(name, op) for name, op in UNARY.items()}
METHODS.update({"scatter": scatter, "scatter_": _inplace_of(scatter, "scatter_"), "scatter_add": scatter_add,
                "scatter_add_": _inplace_of(scatter_add, "scatter_add_"), "index_add": index_add,
                "index_add_": _inplace_of(index_add, "index_add_")})
for _name, _fn in METHODS.items():
    if not hasattr(Tensor, _name):
        setattr(Tensor, _name, _fn)


def _function(method):
    def fn(input, *args, **kwargs):
        return method(input, *args, **kwargs)

    fn.__name__, fn.__doc__ = method.__name__, method.__doc__
    return fn


globals().update({n: _function(METHODS[n]) for n in ("scatter", "scatter_add", "index_add")})
exp_, sqrt_, abs_, neg_, sigmoid_, tanh_ = (_function(METHODS[n]) for n in
                                            ("exp_", "sqrt_", "abs_", "neg_", "sigmoid_", "tanh_"))

__all__ = ["scatter", "scatter_add", "index_add", "exp_", "sqrt_", "abs_", "neg_", "sigmoid_", "tanh_"]
