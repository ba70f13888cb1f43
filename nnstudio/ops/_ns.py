"""The namespace a primitive's backward is written over: arrays on the fast path, Tensors for `create_graph`.

`ns = ns_of(g)` gives NumPy (or CuPy) itself, wrapped so that attribute look-ups fall through to the module,
when `g` is an array; it gives `TENSOR`, whose functions have NumPy's signatures but call differentiable
nnstudio ops, when `g` is a `Tensor`. A backward written with operators (`g * b`, `g / a`) and `ns.` calls
(`ns.where`, `ns.sum(g, axis, keepdims)`, `ns.transpose(g, axes)`) therefore runs unchanged on both, and the
derivative of each primitive lives in one place. Things a backward must not use on a possible Tensor:
`.sum(axis=...)`, `.transpose(axes)`, `.astype`, `.copy()` and in-place writes (use the `ns.` forms).
"""

from __future__ import annotations

import numpy as np

from .._backend import xp_of


class ArrayNS:
    """An array module (NumPy or CuPy) plus the few helpers `TENSOR` also has."""

    is_tensor = False

    def __init__(self, xp) -> None:
        self.xp = xp

    def __getattr__(self, name: str):
        value = getattr(self.xp, name)
        setattr(self, name, value)  # the next look-up is a plain attribute hit
        return value

    def sum(self, a, axis=None, keepdims=False):
        return self.xp.asarray(a.sum(axis=axis, keepdims=keepdims))

    def cast_like(self, a, like):
        """`a` in `like`'s dtype (no copy when it already is)."""
        return a.astype(like.dtype, copy=False)

    def const(self, array, like=None):
        """A constant (no gradient) in this namespace: the array itself."""
        return array

    def index_add_zeros(self, shape: tuple, index, g, advanced: bool):
        """zeros(shape) with g added at `index` (repeats accumulate for integer-array indices)."""
        out = self.xp.zeros(shape, dtype=g.dtype)
        if advanced:
            self.xp.add.at(out, index, g)
        else:
            out[index] = g
        return out

    def getitem(self, a, index, advanced: bool = False):
        return a[index]

    def astype(self, a, dtype):
        return a.astype(dtype)

    def put_zero(self, g, index):
        """A copy of g with g[index] = 0."""
        out = g.copy()
        out[index] = 0
        return out


_NUMPY = ArrayNS(np)
_ARRAY_NS: dict = {}


def ns_of(x):
    """The backward namespace of `x`: `TENSOR` for a Tensor, else the array module of `x` (see module doc)."""
    if type(x) is np.ndarray:
        return _NUMPY
    if hasattr(x, "_ctx"):
        return TENSOR
    xp = xp_of(x)
    ns = _ARRAY_NS.get(xp)
    if ns is None:
        ns = _ARRAY_NS[xp] = ArrayNS(xp)
    return ns


class _TensorNS:
    """NumPy's signatures over differentiable nnstudio ops (each call records a graph node)."""

    is_tensor = True

    @staticmethod
    def _t(x, like=None):
        from ..tensor import Tensor

        if isinstance(x, Tensor):
            return x
        if like is not None:
            return like._operand(x)
        return Tensor._wrap(xp_of(x).asarray(x), None)

    def const(self, array, like=None):
        """An array as a constant Tensor (no gradient)."""
        return self._t(array, like)

    def sum(self, a, axis=None, keepdims=False):
        return a.sum(dim=axis, keepdim=keepdims)

    def mean(self, a, axis=None, keepdims=False):
        return a.mean(dim=axis, keepdim=keepdims)

    def reshape(self, a, shape):
        return a.reshape(tuple(shape))

    def transpose(self, a, axes=None):
        return a.permute(*(axes if axes is not None else reversed(range(a.ndim))))

    def swapaxes(self, a, d0, d1):
        return a.transpose(d0, d1)

    def moveaxis(self, a, source, destination):
        src = [s % a.ndim for s in ((source,) if isinstance(source, int) else source)]
        dst = [d % a.ndim for d in ((destination,) if isinstance(destination, int) else destination)]
        perm = [n for n in range(a.ndim) if n not in src]
        for d, s in sorted(zip(dst, src)):
            perm.insert(d, s)
        return a.permute(*perm)

    def expand_dims(self, a, axis):
        return a.unsqueeze(axis)

    def squeeze(self, a, axis=None):
        return a.squeeze(axis)

    def broadcast_to(self, a, shape):
        return a.expand(tuple(shape))

    def flip(self, a, axis=None):
        return a.flip(*(axis if isinstance(axis, (tuple, list)) else (axis,)))

    def concatenate(self, arrays, axis=0):
        from ..tensor import cat

        return cat([self._t(x) for x in arrays], dim=axis)

    def where(self, cond, a, b):
        from ..tensor import where

        return where(cond, a, b)

    def maximum(self, a, b):
        from ..tensor import maximum

        return maximum(a, b)

    def minimum(self, a, b):
        from ..tensor import minimum

        return minimum(a, b)

    def matmul(self, a, b):
        from ..tensor import matmul

        return matmul(self._t(a), self._t(b, a if not isinstance(a, np.ndarray) else None))

    def exp(self, a):
        return a.exp()

    def log(self, a):
        return a.log()

    def sqrt(self, a):
        return a.sqrt()

    def tanh(self, a):
        return a.tanh()

    def sin(self, a):
        return a.sin()

    def cos(self, a):
        return a.cos()

    def abs(self, a):
        return a.abs()

    def sign(self, a):
        return a.sign()

    def cast_like(self, a, like):
        return a._cast(like._data.dtype) if hasattr(like, "_data") else a._cast(like.dtype)

    def cumsum(self, a, axis=0):
        return a.cumsum(axis)

    def index_add_zeros(self, shape: tuple, index, g, advanced: bool):
        from ..autograd import apply
        from .shape import IndexAddZeros

        return apply(IndexAddZeros, g, shape=tuple(shape), index=index, advanced=advanced)

    def astype(self, a, dtype):
        return a._cast(dtype)

    def getitem(self, a, index, advanced: bool = False):
        from ..autograd import apply
        from .shape import GetItem

        return apply(GetItem, a, index=index, advanced=advanced)

    def put_zero(self, g, index):
        from ..tensor import Tensor, where

        xp = xp_of(g._data)
        keep = xp.ones(g._data.shape, dtype=bool)
        keep[index] = False
        return where(Tensor._wrap(keep, None), g, Tensor._wrap(xp.zeros((), g._data.dtype), None))


TENSOR = _TensorNS()

__all__ = ["ns_of", "TENSOR", "ArrayNS"]
