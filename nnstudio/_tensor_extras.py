"""Tensor methods and functions that tutorials use beyond the core set, each composed from existing
differentiable ops (indexing, `where`, `*`) or, for piecewise-constant ones (`round`, `floor`), a primitive whose
gradient is zero, as torch's. Importing this module attaches the methods to `Tensor`."""

from __future__ import annotations

import math

import numpy as np

from . import _dtype as dt
from ._backend import to_device, to_numpy, xp_of
from ._grad_fn_names import as_torch_node
from ._random import rng_of
from .autograd import Function, apply, is_grad_enabled
from .tensor import Tensor, _as_tensor, cat

pi, e, inf, nan = math.pi, math.e, math.inf, math.nan


def _dim(x: Tensor, dim: int) -> int:
    nd = max(x.dim(), 1)
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return dim % nd


def _const(arr, like: Tensor) -> Tensor:
    return Tensor._wrap(arr, None)


# ------------------------------------------------------------------ memory layout


def is_contiguous(self: Tensor, memory_format=None) -> bool:
    """True when the values are laid out row-major without gaps (after `.t()` or `.permute()`, False)."""
    return bool(self._data.flags.c_contiguous)


def stride(self: Tensor, dim: int | None = None):
    """Steps in elements between neighbours along each dim (torch counts elements, NumPy bytes)."""
    s = tuple(b // self._data.itemsize for b in self._data.strides)
    return s if dim is None else s[_dim(self, dim)]


def data_ptr(self: Tensor) -> int:
    """Address of the first element (equal for tensors sharing memory from the same start)."""
    arr = self._data
    return int(arr.__array_interface__["data"][0]) if isinstance(arr, np.ndarray) else int(arr.data.ptr)


# ------------------------------------------------------------------ piecewise-constant ops (zero gradient)


class _Rounding(Function):
    """z = round / floor / ceil / trunc (a);  da = 0 (the function is flat almost everywhere)."""

    def forward(self, a, kind="round", decimals=0):
        self.kind, self.decimals = kind, decimals
        xp = xp_of(a)
        if kind == "round":
            return xp.round(a, decimals)
        return getattr(xp, kind)(a)

    def backward(self, g):
        return (xp_of(g).zeros_like(g),)


def _rounding(kind: str):
    def fn(self: Tensor, *, decimals: int = 0) -> Tensor:
        if not self.is_floating_point():
            return self.clone()
        return apply(_Rounding, self, kind=kind, decimals=decimals) if kind == "round" else \
            apply(_Rounding, self, kind=kind)

    fn.__name__ = kind
    fn.__doc__ = f"Elementwise {kind} (gradient zero, as torch)."
    return fn


# ------------------------------------------------------------------ selection


def nonzero(self: Tensor, *, as_tuple: bool = False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or a tuple of 1-D tensors."""
    idx = xp_of(self._data).nonzero(self._data)
    if as_tuple:
        return tuple(_const(i.astype(np.int64), self) for i in idx)
    if self.dim() == 0:
        n = int(bool(self._data))
        return _const(xp_of(self._data).zeros((n, 0), dtype=np.int64), self)
    return _const(xp_of(self._data).stack(idx, axis=1).astype(np.int64), self)


def _check_index(index: Tensor, what: str) -> None:
    if not isinstance(index, Tensor) or index.dtype not in (dt.int64, dt.int32, dt.int16, dt.int8, dt.uint8):
        raise RuntimeError(f"{what}(): Expected dtype int64 for index (got "
                           f"{getattr(index, 'dtype', type(index).__name__)})")


def gather(self: Tensor, dim: int, index: Tensor) -> Tensor:
    """out[i][j][k] = self[index[i][j][k]][j][k] for dim=0 (and so on); differentiable in self."""
    _check_index(index, "gather")
    d = _dim(self, dim)
    if index.dim() != self.dim():
        raise RuntimeError(f"gather(): Index tensor must have the same number of dimensions as input tensor "
                           f"(index {list(index.shape)}, input {list(self.shape)})")
    xp = xp_of(index._data)
    grids = list(xp.indices(index._data.shape, sparse=True))
    grids[d] = index._data.astype(np.int64)
    return self[tuple(_const(g, self) for g in grids)]


def index_select(self: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices at `index` (1-D) along `dim`."""
    _check_index(index, "index_select")
    if index.dim() > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {list(index.shape)}")
    d = _dim(self, dim)
    return self[(slice(None),) * d + (index.reshape(-1),)]


def masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """The elements where the (broadcast) boolean `mask` is True, as a 1-D tensor."""
    if not isinstance(mask, Tensor) or mask.dtype != dt.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {getattr(mask, 'dtype', mask)}")
    shape = np.broadcast_shapes(tuple(self.shape), tuple(mask.shape))
    x = self.expand(*shape) if tuple(self.shape) != shape else self
    return x[mask.expand(*shape) if tuple(mask.shape) != shape else mask]


def sort(self: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) sorted along `dim`; values carry the gradient back to their positions."""
    from collections import namedtuple

    d = _dim(self, dim)
    xp = xp_of(self._data)
    key = -self._data if descending and self._data.dtype != np.bool_ else self._data
    idx = xp.argsort(key, axis=d, kind="stable").astype(np.int64)
    if descending and self._data.dtype == np.bool_:
        idx = xp.flip(xp.argsort(self._data, axis=d, kind="stable"), axis=d).astype(np.int64)
    indices = _const(idx, self)
    values = gather(self, d, indices) if self.dim() else self.clone()
    return namedtuple("sort", ["values", "indices"])(values, indices)


def argsort(self: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    return sort(self, dim, descending, stable).indices


def topk(self: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """(values, indices) of the k largest (or smallest) elements along `dim`."""
    from collections import namedtuple

    d = _dim(self, dim)
    n = self.shape[d] if self.dim() else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"selected index k out of range (k={k}, dimension {d} has size {n})")
    s = sort(self, d, descending=largest, stable=True)
    values, indices = as_torch_node(s.values.narrow(d, 0, k), "TopkBackward0", self), s.indices.narrow(d, 0, k)
    return namedtuple("topk", ["values", "indices"])(values, indices)


def unique(self: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim=None):
    """The distinct values (sorted), optionally with the inverse indices and counts."""
    if dim is not None:
        raise NotImplementedError("unique(dim=...) is not supported; call it without dim")
    xp = xp_of(self._data)
    vals, inverse, counts = xp.unique(self._data, return_inverse=True, return_counts=True)
    out = [_const(vals, self)]
    if return_inverse:
        out.append(_const(inverse.reshape(self._data.shape).astype(np.int64), self))
    if return_counts:
        out.append(_const(counts.astype(np.int64), self))
    return out[0] if len(out) == 1 else tuple(out)


# ------------------------------------------------------------------ shapes and patterns


def _tri(self: Tensor, diagonal: int, upper: bool) -> Tensor:
    if self.dim() < 2:
        raise RuntimeError(f"{'triu' if upper else 'tril'}: input tensor must have at least 2 dimensions, got "
                           f"shape {list(self.shape)}")
    xp = xp_of(self._data)
    rows, cols = self.shape[-2], self.shape[-1]
    keep = xp.triu(xp.ones((rows, cols), dtype=bool), diagonal) if upper else \
        xp.tril(xp.ones((rows, cols), dtype=bool), diagonal)
    return self.where(_const(keep, self), _const(xp.zeros((), dtype=self._data.dtype), self))


def tril(self: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the lower triangle (on and below `diagonal`) of the last two dims; zero the rest."""
    return _tri(self, diagonal, upper=False)


def triu(self: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the upper triangle (on and above `diagonal`) of the last two dims; zero the rest."""
    return _tri(self, diagonal, upper=True)


def outer(self: Tensor, vec2: Tensor) -> Tensor:
    """(n,) x (m,) -> (n, m) with out[i, j] = self[i] * vec2[j]."""
    if self.dim() != 1 or vec2.dim() != 1:
        raise RuntimeError(f"outer: expected 1-D tensors, got shapes {list(self.shape)} and {list(vec2.shape)}")
    return self.unsqueeze(1) * vec2.unsqueeze(0)


def roll(self: Tensor, shifts, dims=None) -> Tensor:
    """Shift elements cyclically along `dims` (the flattened tensor when dims is None)."""
    if dims is None:
        return roll(self.reshape(-1), shifts, 0).reshape(self.shape)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    out = self
    for s, d in zip(shifts, dims):
        d = _dim(self, d)
        n = self.shape[d]
        idx = _const((np.arange(n) - s) % n, self)
        out = index_select(out, d, idx)
    return out


def repeat_interleave(self: Tensor, repeats, dim: int | None = None) -> Tensor:
    """Repeat each element `repeats` times (an int or a 1-D tensor of counts) along `dim`."""
    x = self.reshape(-1) if dim is None else self
    d = 0 if dim is None else _dim(self, dim)
    counts = repeats.cpu().numpy() if isinstance(repeats, Tensor) else repeats
    idx = np.repeat(np.arange(x.shape[d]), counts)
    return index_select(x, d, _const(to_device(idx.astype(np.int64), self.device), self))


def tile(self: Tensor, dims) -> Tensor:
    dims = tuple(dims)
    if len(dims) < self.dim():
        dims = (1,) * (self.dim() - len(dims)) + dims
    return self.repeat(*dims)


def movedim(self: Tensor, source, destination) -> Tensor:
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src, dst = [_dim(self, s) for s in src], [_dim(self, d) for d in dst]
    order = [i for i in range(self.dim()) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return self.permute(*order)


def clamp_min(self: Tensor, min) -> Tensor:
    return self.clamp(min=min)


def clamp_max(self: Tensor, max) -> Tensor:
    return self.clamp(max=max)


def isclose(self: Tensor, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    other = _as_tensor(other)
    xp = xp_of(self._data)
    return _const(xp.isclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan), self)


def logical_and(self: Tensor, other) -> Tensor:
    return _const(xp_of(self._data).logical_and(self._data, _as_tensor(other)._data), self)


def logical_or(self: Tensor, other) -> Tensor:
    return _const(xp_of(self._data).logical_or(self._data, _as_tensor(other)._data), self)


def count_nonzero(self: Tensor, dim=None) -> Tensor:
    return _const(xp_of(self._data).asarray(xp_of(self._data).count_nonzero(self._data, axis=dim),
                                            dtype=np.int64), self)


def bincount(self: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    if self.dim() != 1 or self.is_floating_point():
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs (got {self.dtype}, shape "
                           f"{list(self.shape)})")
    w = None if weights is None else weights._data
    out = xp_of(self._data).bincount(self._data, weights=w, minlength=minlength)
    return _const(out if w is not None else out.astype(np.int64), self)


METHODS = {
    "is_contiguous": is_contiguous, "stride": stride, "data_ptr": data_ptr, "nonzero": nonzero,
    "round": _rounding("round"), "floor": _rounding("floor"), "ceil": _rounding("ceil"), "trunc": _rounding("trunc"),
    "gather": gather, "index_select": index_select, "masked_select": masked_select, "sort": sort,
    "argsort": argsort, "topk": topk, "unique": unique, "tril": tril, "triu": triu, "outer": outer,
    "roll": roll, "repeat_interleave": repeat_interleave, "tile": tile, "movedim": movedim,
    "clamp_min": clamp_min, "clamp_max": clamp_max, "isclose": isclose, "logical_and": logical_and,
    "logical_or": logical_or, "count_nonzero": count_nonzero, "bincount": bincount,
}
for _name, _fn in METHODS.items():
    if not hasattr(Tensor, _name):
        setattr(Tensor, _name, _fn)


def _function(name: str):
    method = METHODS[name]

    def fn(input, *args, **kwargs):
        return getattr(_as_tensor(input), name)(*args, **kwargs) if hasattr(Tensor, name) else \
            method(_as_tensor(input), *args, **kwargs)

    fn.__name__, fn.__doc__ = name, method.__doc__
    return fn


_FUNCTIONS = ["nonzero", "round", "floor", "ceil", "trunc", "gather", "index_select", "masked_select", "sort",
              "argsort", "topk", "unique", "tril", "triu", "outer", "roll", "repeat_interleave", "tile", "movedim",
              "clamp_min", "clamp_max", "isclose", "logical_and", "logical_or", "count_nonzero", "bincount"]
globals().update({n: _function(n) for n in _FUNCTIONS})


# ------------------------------------------------------------------ free functions


def is_floating_point(input: Tensor) -> bool:
    return _as_tensor(input).is_floating_point()


def hstack(tensors) -> Tensor:
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors) -> Tensor:
    return cat([t.unsqueeze(0) if t.dim() == 1 else t for t in tensors], 0)


def broadcast_to(input: Tensor, size) -> Tensor:
    return _as_tensor(input).expand(*size)


def meshgrid(*tensors, indexing: str = "ij"):
    """Coordinate grids from 1-D tensors (indexing 'ij' as torch's default, or 'xy')."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    shape = [t.numel() for t in tensors]
    if indexing == "xy" and len(shape) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(tensors):
        axis = i
        if indexing == "xy" and len(tensors) >= 2 and i < 2:
            axis = 1 - i
        view = [1] * len(shape)
        view[axis] = t.numel()
        out.append(t.reshape(view).expand(*shape))
    return tuple(out)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Sample category indices from (unnormalised, non-negative) weights; rows of a 2-D input independently."""
    probs = input.detach().cpu().numpy().astype(np.float64)
    rows = probs.reshape(-1, probs.shape[-1])
    if (rows < 0).any() or not np.isfinite(rows).all() or (rows.sum(1) <= 0).any():
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0, or a row "
                           "sums to zero")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
                           f"replacement ({num_samples} > {rows.shape[1]})")
    rng = rng_of(generator)
    out = np.stack([rng.choice(rows.shape[1], num_samples, replace=replacement, p=r / r.sum()) for r in rows])
    out = out.reshape(probs.shape[:-1] + (num_samples,)).astype(np.int64)
    return Tensor._wrap(to_device(out, input.device), None)


def bernoulli(input: Tensor, p=None, *, generator=None) -> Tensor:
    """1 with probability `input` (elementwise), else 0, in input's dtype."""
    probs = input._data if p is None else xp_of(input._data).full(input._data.shape, p)
    draw = rng_of(generator).random(tuple(input.shape))
    return Tensor._wrap(to_device((draw < to_numpy(probs)).astype(input._data.dtype), input.device), None)


# ------------------------------------------------------------------ `out=` for the common functions


def _with_out(fn):
    def wrapped(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        if is_grad_enabled() and (result.requires_grad or out.requires_grad):
            raise RuntimeError(f"{fn.__name__}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
        out._data = result._data.astype(out._data.dtype, copy=True) if out._data.dtype != result._data.dtype \
            else result._data.copy()
        out._version += 1
        return out

    wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
    return wrapped


OUT_NAMES = ("matmul", "mm", "bmm", "mul", "add", "sub", "div", "cat", "stack", "exp", "log", "sqrt", "abs",
             "sigmoid", "tanh", "clamp")


def install_out(namespace: dict) -> None:
    """Give the package's functions named in OUT_NAMES torch's `out=` keyword."""
    for name in OUT_NAMES:
        if name in namespace:
            namespace[name] = _with_out(namespace[name])
