"""Indexing and scatter: `t[...]` and `t[...] = v`, gather, index_select, masked_fill / masked_select, sort /
topk / unique, scatter (add, reduce), index_add and index_put."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np

from .. import _dtype as dt
from .. import return_types
from .._backend import is_array, to_device, to_numpy, xp_of
from ..autograd import apply, is_grad_enabled
from ..autograd.names import as_torch_node
from ..ops import index_put as IP
from ..ops import scatter as SC
from ..ops import shape as S
from ..ops._util import wrap_dim
from ..ops.scatter_reduce import REDUCTIONS, ScatterReduce
from . import views
from .base import TensorBase, wrap
from .functions import where
from .promotion import broadcast_or_raise, scalar_name

if TYPE_CHECKING:
    from . import Tensor


def convert_index(index):
    """Tensors in an index become arrays; report whether NumPy will use advanced (array) indexing."""
    items = index if isinstance(index, tuple) else (index,)
    out, advanced = [], False
    for it in items:
        if isinstance(it, TensorBase):
            it = it._data
        elif isinstance(it, list):
            it = np.asarray(it)
        if is_array(it):
            advanced = True
            if it.dtype.kind == "b":
                it = it.nonzero() if it.ndim > 1 else it.nonzero()[0]
                if isinstance(it, tuple):
                    out.extend(it)
                    continue
            elif it.dtype.kind not in "iu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        out.append(it)
    return (tuple(out) if isinstance(index, tuple) or len(out) > 1 else out[0]), advanced


def _check_index(index: Tensor, what: str) -> None:
    if not isinstance(index, TensorBase) or index.dtype not in (dt.int64, dt.int32, dt.int16, dt.int8, dt.uint8):
        raise RuntimeError(f"{what}(): Expected dtype int64 for index (got "
                           f"{getattr(index, 'dtype', type(index).__name__)})")


def _check_scatter(self: Tensor, dim: int, index: Tensor, src: Tensor | None, op: str) -> int:
    if not isinstance(index, TensorBase) or index.dtype not in (dt.int64, dt.int32):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index (got "
                           f"{getattr(index, 'dtype', type(index).__name__)})")
    d = wrap_dim(dim, self.ndim)
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


def _checked_index(self: Tensor, indices, values, name: str) -> tuple:
    if not isinstance(indices, (tuple, list)) or not all(isinstance(i, TensorBase) for i in indices):
        what = type(indices).__name__ if not isinstance(indices, (tuple, list)) else \
            "a sequence holding " + ", ".join(sorted({type(i).__name__ for i in indices}))
        raise TypeError(f"{name}(): argument 'indices' (position 1) must be tuple of Tensors, not {what}")
    if not isinstance(values, TensorBase):
        raise TypeError(f"{name}(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if values.dtype != self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{scalar_name(self)} for the destination and {scalar_name(values)} for the source.")
    index, _ = convert_index(tuple(indices))
    if len(index) > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()} (got {len(index)})")
    for k, idx in enumerate(index):
        size = self.shape[k]
        bad = (idx >= size) | (idx < -size)
        if bad.any():
            raise IndexError(f"index {int(idx[bad].reshape(-1)[0])} is out of bounds for dimension {k} "
                             f"with size {size}")
    target = np.broadcast_shapes(*(i.shape for i in index)) + tuple(self.shape[len(index):])
    try:
        fits = np.broadcast_shapes(tuple(values.shape), target) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}")
    return index



def index_put(self: Tensor, indices, values: Tensor, accumulate: bool, name: str) -> Tensor:
    """`Tensor.index_put` with the op's name for errors (`index_put_` shares it)."""
    index = _checked_index(self, indices, values, name)
    out = apply(IP.IndexPut, self, values, index=index, accumulate=bool(accumulate))
    return as_torch_node(out, "IndexPutBackward0", self)


class IndexingMixin:
    """Reading and writing elements by position."""

    __slots__ = ()

    def __getitem__(self, index):
        index, advanced = convert_index(index)
        out = apply(S.GetItem, self, index=index, advanced=advanced)
        if not advanced:
            if self._data.flags.c_contiguous or self._torch_strides:
                out._torch_strides = True  # a view, strided as torch's (see TensorBase._torch_strides)
            if out._data.ndim:
                views.mark(out, self, lambda a: a[index])
            elif out._data.ndim == 0:  # every axis taken by an integer: NumPy gave a copy, read a 0-d view instead
                whole = (index if isinstance(index, tuple) else (index,)) + (Ellipsis,)
                if Ellipsis not in whole[:-1]:
                    out._data = self._data[whole]
                    views.mark(out, self, lambda a: a[whole])
        return out

    def __setitem__(self, index, value):
        index, _ = convert_index(index)
        v = self._operand(value)
        views.refresh(self)
        if is_grad_enabled() and (self.requires_grad or v.requires_grad):
            self._check_leaf_write()
            if v._data.dtype != self._data.dtype:
                v = v._cast(self._data.dtype)
            out = apply(S.SetItem, views.operand(self), v, index=index)
            if not views.write_back(self, out):
                self._data, self._ctx, self.requires_grad = out._data, out._ctx, out.requires_grad
        else:
            self._data[index] = v._data
            self._version += 1
            views.written(self)

    def masked_fill(self, mask, value):
        mask = mask._data if isinstance(mask, TensorBase) else xp_of(self._data).asarray(mask)
        if mask.shape != self._data.shape:
            broadcast_or_raise("masked_fill", ("input", "mask"), (self._data.shape, mask.shape))
        v = self._operand(value)
        out = apply(S.Where, v._cast(self._data.dtype) if v._data.dtype != self._data.dtype else v, self, cond=mask)
        return as_torch_node(out, "MaskedFillBackward0", self)

    def where(self, condition, other):
        return where(condition, self, other)

    def nonzero(self, *, as_tuple: bool = False):
        """Indices of the non-zero elements: an (n, ndim) int64 tensor, or a tuple of 1-D tensors."""
        idx = xp_of(self._data).nonzero(self._data)
        if as_tuple:
            return tuple(wrap(i.astype(np.int64), None) for i in idx)
        if self.dim() == 0:
            n = int(bool(self._data))
            return wrap(xp_of(self._data).zeros((n, 0), dtype=np.int64), None)
        return wrap(xp_of(self._data).stack(idx, axis=1).astype(np.int64), None)

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> Tensor:
        """nonzero() with exactly `size` rows: cut to the first `size`, or padded with rows of `fill_value`."""
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0:
            raise RuntimeError(f"nonzero_static: 'size' must be a non-negative integer, got {size!r}")
        found = self.nonzero()._data
        xp = xp_of(found)
        out = xp.full((int(size), found.shape[1]), fill_value, dtype=np.int64)
        k = min(int(size), found.shape[0])
        out[:k] = found[:k]
        return wrap(out, None)

    def gather(self, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
        """out[i][j][k] = self[index[i][j][k]][j][k] for dim=0 (and so on); differentiable in self (a dense
        gradient: `sparse_grad` asks torch for a sparse one, whose values are the same)."""
        _check_index(index, "gather")
        d = wrap_dim(dim, self.ndim)
        if index.dim() != self.dim():
            raise RuntimeError(f"gather(): Index tensor must have the same number of dimensions as input tensor "
                               f"(index {list(index.shape)}, input {list(self.shape)})")
        xp = xp_of(index._data)
        grids = list(xp.indices(index._data.shape, sparse=True))
        grids[d] = index._data.astype(np.int64)
        return self[tuple(wrap(g, None) for g in grids)]

    def index_select(self, dim: int, index: Tensor) -> Tensor:
        """The slices at `index` (1-D) along `dim`."""
        _check_index(index, "index_select")
        if index.dim() > 1:
            raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {list(index.shape)}")
        d = wrap_dim(dim, self.ndim)
        return self[(slice(None),) * d + (index.reshape(-1),)]

    def masked_select(self, mask: Tensor) -> Tensor:
        """The elements where the (broadcast) boolean `mask` is True, as a 1-D tensor."""
        if not isinstance(mask, TensorBase) or mask.dtype != dt.bool_:
            raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {getattr(mask, 'dtype', mask)}")
        shape = np.broadcast_shapes(tuple(self.shape), tuple(mask.shape))
        x = self.expand(*shape) if tuple(self.shape) != shape else self
        return x[mask.expand(*shape) if tuple(mask.shape) != shape else mask]

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """(values, indices) sorted along `dim`; values carry the gradient back to their positions."""

        d = wrap_dim(dim, self.ndim)
        xp = xp_of(self._data)
        key = -self._data if descending and self._data.dtype != np.bool_ else self._data
        idx = xp.argsort(key, axis=d, kind="stable").astype(np.int64)
        if descending and self._data.dtype == np.bool_:
            idx = xp.flip(xp.argsort(self._data, axis=d, kind="stable"), axis=d).astype(np.int64)
        indices = wrap(idx, None)
        values = self.gather(d, indices) if self.dim() else self.clone()
        return return_types.sort((values, indices))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return self.sort(dim, descending, stable).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        """(values, indices) of the k largest (or smallest) elements along `dim`."""

        d = wrap_dim(dim, self.ndim)
        n = self.shape[d] if self.dim() else 1
        if not 0 <= k <= n:
            raise RuntimeError(f"selected index k out of range (k={k}, dimension {d} has size {n})")
        s = self.sort(d, descending=largest, stable=True)
        values, indices = as_torch_node(s.values.narrow(d, 0, k), "TopkBackward0", self), s.indices.narrow(d, 0, k)
        values._torch_strides = indices._torch_strides = False  # new tensors in torch, slices of the sort here
        return return_types.topk((values, indices))

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
               dim=None):
        """The distinct values (sorted), optionally with the inverse indices and counts."""
        if dim is not None:
            raise NotImplementedError("unique(dim=...) is not supported; call it without dim")
        xp = xp_of(self._data)
        vals, inverse, counts = xp.unique(self._data, return_inverse=True, return_counts=True)
        out = [wrap(vals, None)]
        if return_inverse:
            out.append(wrap(inverse.reshape(self._data.shape).astype(np.int64), None))
        if return_counts:
            out.append(wrap(counts.astype(np.int64), None))
        return out[0] if len(out) == 1 else tuple(out)

    def scatter(self, dim: int, index: Tensor, src=None, value=None, *, reduce: str | None = None) -> Tensor:
        """A copy of self with src's values (or a number) written at `index` along `dim`:
        out[i][index[i][j]] = src[i][j] for dim=1. Differentiable in self and src."""
        if src is not None and not isinstance(src, TensorBase):
            src, value = None, src
        if src is None and value is None:
            raise TypeError("scatter(): expected a src tensor or a value")
        if reduce is not None:
            if reduce != "add":
                raise NotImplementedError(f"scatter(reduce={reduce!r}) is not supported; use reduce='add' or "
                                          "scatter_add")
            if src is None:
                src = wrap(xp_of(self._data).full(index._data.shape, value, dtype=self._data.dtype), None)
            return self.scatter_add(dim, index, src)
        d = _check_scatter(self, dim, index, src, "scatter")
        if src is None:
            src = wrap(xp_of(self._data).full(index._data.shape, value, dtype=self._data.dtype), None)
        return apply(SC.Scatter, self, src, index=_as_index(index), axis=d)

    def scatter_add(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        """A copy of self with src's values added at `index` along `dim` (repeats accumulate)."""
        d = _check_scatter(self, dim, index, src, "scatter_add")
        return apply(SC.ScatterAdd, self, src, index=_as_index(index), axis=d)

    def index_add(self, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
        """A copy of self with alpha * source[..., k, ...] added to self[..., index[k], ...] along `dim`."""
        if not isinstance(index, TensorBase) or index.dtype not in (dt.int64, dt.int32):
            raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index (got "
                               f"{getattr(index, 'dtype', type(index).__name__)})")
        if index.dim() > 1:
            raise IndexError(f"index_add_(): Index is supposed to be a vector, got shape {list(index.shape)}")
        d = wrap_dim(dim, self.ndim)
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

    def index_put(self, indices, values: Tensor, accumulate: bool = False) -> Tensor:
        """A copy of self with `values` written at self[indices] (`accumulate=True`: added, repeats adding up).

        indices: a tuple (or list) of integer or bool tensors, one per leading dimension of self, broadcast
        together; values: a tensor of self's dtype that broadcasts to the indexed shape (the indices' broadcast
        shape followed by self's remaining dimensions). Differentiable in self and values.
        """
        return index_put(self, indices, values, accumulate, "index_put")

    def scatter_reduce(self, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                       include_self: bool = True) -> Tensor:
        """A copy of self where each position that `index` addresses along `dim` holds the reduction (`reduce`:
        "sum", "prod", "mean", "amax" or "amin") of the src values sent there, and of self's value when
        `include_self`. index and src have self's number of dimensions; index is no larger than src, nor than self
        outside `dim`. Differentiable in self and src for every reduction."""
        if reduce not in REDUCTIONS:
            raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
        if not isinstance(src, TensorBase):
            raise TypeError(f"scatter_reduce(): src must be a Tensor, got {type(src).__name__}")
        d = _check_scatter(self, dim, index, src, "scatter_reduce")
        return apply(ScatterReduce, self, src, index=_as_index(index), axis=d, reduce=reduce,
                     include_self=bool(include_self))


    # ------------------------------------------------------------------ more selection and writing
    def take(self, index) -> Tensor:
        """The elements at `index` of the flattened tensor, shaped like index."""
        _check_index(index, "take")
        n = self.numel()
        bad = (index._data >= n) | (index._data < -n)
        if bad.any():
            raise IndexError(f"out of range: tried to access index {int(index._data[bad].reshape(-1)[0])} on a tensor "
                             f"of {n} elements.")
        return self.reshape(-1)[index]

    def take_along_dim(self, indices, dim=None) -> Tensor:
        """gather with broadcasting: input and indices broadcast except along `dim` (None: the flattened input)."""
        if dim is None:
            return self.reshape(-1).gather(0, indices.reshape(-1))
        d = wrap_dim(dim, self.ndim)
        shape_s, shape_i = list(self.shape), list(indices.shape)
        shape_s[d] = shape_i[d] = 1
        common = list(np.broadcast_shapes(tuple(shape_s), tuple(shape_i)))
        target_s, target_i = list(common), list(common)
        target_s[d], target_i[d] = self.shape[d], indices.shape[d]
        return self.expand(*target_s).gather(d, indices.expand(*target_i))

    def index_fill(self, dim: int, index, value) -> Tensor:
        """A copy of self with the slices at `index` along `dim` set to `value`."""
        _check_index(index, "index_fill")
        d = wrap_dim(dim, self.ndim)
        mask = np.zeros(self.shape[d] if self.dim() else 1, dtype=bool)
        mask[to_numpy(index._data).reshape(-1)] = True
        view = [1] * max(self.dim(), 1)
        view[d] = mask.size
        full = wrap(to_device(np.broadcast_to(mask.reshape(view), tuple(self.shape) or (1,)).reshape(
            tuple(self.shape)), self.device), None)
        return self.masked_fill(full, value)

    def index_copy(self, dim: int, index, source) -> Tensor:
        """A copy of self with source's slices written at `index` along `dim` (differentiable in both)."""
        _check_index(index, "index_copy")
        d = wrap_dim(dim, self.ndim)
        grids = [slice(None)] * d + [index]
        out = self * 1 if self.requires_grad else self.clone()
        out[tuple(grids)] = source
        return out

    def masked_scatter(self, mask, source) -> Tensor:
        """A copy of self with source's first elements written, in order, where `mask` is True."""
        m = mask.expand(*self.shape) if tuple(mask.shape) != tuple(self.shape) else mask
        count = int(m._data.sum())
        if source.numel() < count:
            raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask")
        out = self * 1 if self.requires_grad else self.clone()
        out[m] = source.reshape(-1)[:count]
        return out

    def put(self, index, source, accumulate: bool = False) -> Tensor:
        """A copy of self with source written (or added) at the flattened positions `index`."""
        flat = self.reshape(-1)
        return flat.index_put((index.reshape(-1),), source.reshape(-1).to(self.dtype), accumulate).reshape(
            self.shape)

    def argwhere(self) -> Tensor:
        return self.nonzero()

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False, dim=None):
        """The values with consecutive repeats collapsed (of the flattened input)."""
        if dim is not None:
            raise NotImplementedError("unique_consecutive(dim=...) is not supported; call it without dim")
        arr = to_numpy(self._data).reshape(-1)
        if arr.size == 0:
            starts = np.zeros(0, dtype=bool)
        else:
            starts = np.concatenate([[True], arr[1:] != arr[:-1]])
        values = arr[starts]
        out = [wrap(to_device(values, self.device), None)]
        if return_inverse:
            out.append(wrap(to_device((np.cumsum(starts) - 1).reshape(tuple(self.shape)).astype(np.int64),
                                      self.device), None))
        if return_counts:
            pos = np.flatnonzero(starts)
            out.append(wrap(to_device(np.diff(np.append(pos, arr.size)).astype(np.int64), self.device), None))
        return out[0] if len(out) == 1 else tuple(out)

    def select_scatter(self, src, dim: int, index: int) -> Tensor:
        """A copy of self with src written into self.select(dim, index)."""
        d = wrap_dim(dim, self.ndim)
        out = self * 1 if (self.requires_grad or src.requires_grad) else self.clone()
        out[(slice(None),) * d + (index,)] = src
        return out

    def slice_scatter(self, src, dim: int = 0, start=None, end=None, step: int = 1) -> Tensor:
        """A copy of self with src written into self[start:end:step] along `dim`."""
        d = wrap_dim(dim, self.ndim)
        out = self * 1 if (self.requires_grad or src.requires_grad) else self.clone()
        out[(slice(None),) * d + (slice(start, end, step),)] = src
        return out

    def diagonal_scatter(self, src, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """A copy of self with src written on its `offset` diagonal of (dim1, dim2)."""
        d1, d2 = wrap_dim(dim1, self.ndim), wrap_dim(dim2, self.ndim)
        n1, n2 = self.shape[d1], self.shape[d2]
        length = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
        i = np.arange(length) + max(-offset, 0)
        j = np.arange(length) + max(offset, 0)
        moved = self.movedim((d1, d2), (-2, -1))
        out = moved * 1 if (self.requires_grad or src.requires_grad) else moved.clone()
        if length:
            out[..., wrap(i, None), wrap(j, None)] = src
        return out.movedim((-2, -1), (d1, d2))

    def index_reduce(self, dim: int, index, source, reduce: str, *, include_self: bool = True) -> Tensor:
        """A copy of self where the slices at `index` along `dim` hold the reduction ("prod", "mean", "amax",
        "amin") of source's slices sent there (and of self's own when include_self)."""
        if reduce not in ("prod", "mean", "amax", "amin"):
            raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                               f"{reduce}.")
        d = wrap_dim(dim, self.ndim)
        view = [1] * source.dim()
        view[d] = index.numel()
        full = wrap(xp_of(index._data).broadcast_to(index._data.reshape(view), tuple(source.shape)).copy(), None)
        return self.scatter_reduce(d, full, source, reduce, include_self=include_self)

    def as_strided_scatter(self, src, size, stride, storage_offset: int = 0) -> Tensor:
        """A copy of self with src written into the strided view as_strided(size, stride, storage_offset)."""
        positions = wrap(np.arange(self.numel()).reshape(tuple(self.shape)), None).as_strided(size, stride,
                                                                                              storage_offset)
        return self.put(positions, src)
