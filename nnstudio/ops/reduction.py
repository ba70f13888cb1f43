"""Reductions: sum, mean, prod, max / min (over all or along dims). var / std are composed in `tensor.py`.

The backwards also run on Tensors under create_graph (`tensor_saves`, see autograd/engine.py).
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of
from ._util import broadcast_like, expand_reduced


class Sum(Function):
    """z = sum of a over `axes` (None = all);  da = g broadcast back."""

    tensor_saves: dict = {}

    def forward(self, a, axes=None, keepdim=False):
        self.shape, self.axes, self.keepdim = a.shape, axes, keepdim
        return xp_of(a).asarray(a.sum(axis=axes, keepdims=keepdim))

    def backward(self, g):
        return (broadcast_like(g, self.shape, self.axes, self.keepdim),)


class Mean(Function):
    """z = mean of a over `axes`;  da = g / n broadcast back."""

    tensor_saves: dict = {}

    def forward(self, a, axes=None, keepdim=False):
        self.shape, self.axes, self.keepdim = a.shape, axes, keepdim
        self.n = a.size if axes is None else _count(a.shape, axes)
        return xp_of(a).asarray(a.mean(axis=axes, keepdims=keepdim))

    def backward(self, g):
        return (broadcast_like(g / self.n, self.shape, self.axes, self.keepdim),)


class Prod(Function):
    """z = product over `axis`;  da = z / a (computed without dividing by zero). Under create_graph: g z / a
    (inputs with a zero have no second derivative yet)."""

    tensor_saves = {"a": 0, "z": "out"}

    def forward(self, a, axis=None, keepdim=False):
        xp = xp_of(a)
        self.a, self.axis, self.keepdim = a, axis, keepdim
        self.z = xp.asarray(a.prod(axis=axis, keepdims=keepdim))
        return self.z

    def backward(self, g):
        a, axis = self.a, self.axis
        axes = None if axis is None else (axis,)
        ns = ns_of(g)
        if ns.is_tensor:
            if not (a._data == 0).any():
                return (broadcast_like(g * self.z, a.shape, axes, self.keepdim) / a,)
            return (broadcast_like(g, a.shape, axes, self.keepdim) * _others_product(ns, a, axis),)
        xp = xp_of(a)
        if axis is None:
            flat = a.reshape(-1)
            left = xp.concatenate([xp.ones(1, a.dtype), xp.cumprod(flat)[:-1]])
            right = xp.concatenate([xp.cumprod(flat[::-1])[:-1][::-1], xp.ones(1, a.dtype)])
            others = (left * right).reshape(a.shape)
        else:
            n = a.shape[axis]
            ones_shape = list(a.shape)
            ones_shape[axis] = 1
            ones = xp.ones(ones_shape, a.dtype)
            left = xp.concatenate([ones, xp.cumprod(a, axis=axis).take(range(n - 1), axis=axis)], axis=axis)
            flipped = xp.flip(a, axis=axis)
            right = xp.flip(
                xp.concatenate([ones, xp.cumprod(flipped, axis=axis).take(range(n - 1), axis=axis)], axis=axis),
                axis=axis,
            )
            others = left * right
        return (broadcast_like(g, a.shape, axes, self.keepdim) * others,)


def check_reducible(name: str, shape: tuple, axes) -> None:
    """torch's errors for a max / min / argmax / amax ... over nothing: IndexError naming an empty reduced dim, or
    (no dim given, an empty input) torch's message asking for a dim."""
    if axes is None:
        if 0 in shape:
            kind = IndexError if name in ("argmax", "argmin") else RuntimeError
            raise kind(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                       f"reduction dim with the 'dim' argument.")
        return
    for axis in (axes,) if isinstance(axes, int) else axes:
        if shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


class MaxMin(Function):
    """(values of) max or min along one `axis`; the gradient goes to the index argmax / argmin picks (the first
    extreme element), as torch's max(dim) / min(dim)."""

    tensor_saves: dict = {}  # the picked index is a constant of the derivative

    def forward(self, a, axis=0, keepdim=False, is_max=True):
        xp = xp_of(a)
        check_reducible("max" if is_max else "min", a.shape, axis)
        self.shape, self.axis, self.keepdim = a.shape, axis, keepdim
        idx = a.argmax(axis=axis) if is_max else a.argmin(axis=axis)
        self.idx = idx
        z = xp.take_along_axis(a, xp.expand_dims(idx, axis), axis=axis)
        return z if keepdim else z.squeeze(axis)

    def backward(self, g):
        ns = ns_of(g)
        gk = g if self.keepdim else ns.expand_dims(g, self.axis)
        xp = xp_of(self.idx)
        idx = xp.expand_dims(self.idx, self.axis)
        if ns.is_tensor:
            grids = list(xp.indices(idx.shape, sparse=True))
            grids[self.axis] = idx
            return (ns.index_add_zeros(self.shape, tuple(grids), gk, True),)
        out = xp.zeros(self.shape, dtype=g.dtype)
        xp.put_along_axis(out, idx, gk, axis=self.axis)
        return (out,)


class AMaxMin(Function):
    """z = max (or min) over `axes` (None = all), values only. The gradient is split evenly among the extreme
    elements of each reduced slice (torch's amax / amin and full max / min)."""

    tensor_saves: dict = {}

    def forward(self, a, axes=None, keepdim=False, is_max=True):
        xp = xp_of(a)
        check_reducible("amax" if is_max else "amin", a.shape, axes)
        self.shape, self.axes, self.keepdim = a.shape, axes, keepdim
        z = a.max(axis=axes, keepdims=True) if is_max else a.min(axis=axes, keepdims=True)
        self.mask = a == z
        self.count = self.mask.sum(axis=axes, keepdims=True)
        if keepdim:
            return z
        return xp.asarray(z.reshape(()) if axes is None else z.squeeze(axis=axes))

    def backward(self, g):
        gk = expand_reduced(g, self.shape, self.axes, self.keepdim)
        return (ns_of(g).cast_like(self.mask * (gk / self.count), g),)


class L2Norm(Function):
    """z = sqrt(sum of a^2 over `axes`);  da = g a / z, and 0 where z = 0 (torch's subgradient)."""

    tensor_saves = {"a": 0, "z": "out"}

    def forward(self, a, axes=None, keepdim=False):
        xp = xp_of(a)
        self.a, self.axes, self.keepdim = a, axes, keepdim
        self.z = xp.sqrt((a * a).sum(axis=axes, keepdims=True))
        if keepdim:
            return self.z
        return xp.asarray(self.z.reshape(()) if axes is None else self.z.squeeze(axis=axes))

    def backward(self, g):
        ns = ns_of(g)
        z = self.z
        gk = expand_reduced(g, self.a.shape, self.axes, self.keepdim)
        nonzero = z > 0
        scale = ns.where(nonzero, gk / ns.where(nonzero, z, 1), 0)
        return (ns.cast_like(self.a * scale, g),)


class LogSumExp(Function):
    """z = log(sum(exp(a))) over `axes`, shifted by the (finite) maximum;  da = g exp(a - z) (the softmax)."""

    tensor_saves = {"a": 0, "z": "out"}

    def forward(self, a, axes=None, keepdim=False):
        xp = xp_of(a)
        self.a, self.axes, self.keepdim = a, axes, keepdim
        m = a.max(axis=axes, keepdims=True) if a.size else xp.zeros((1,) * a.ndim, a.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        with _quiet(xp):
            z = xp.log(xp.exp(a - m).sum(axis=axes, keepdims=True)) + m
        self.z = z
        if keepdim:
            return z
        return xp.asarray(z.reshape(()) if axes is None else z.squeeze(axis=axes))

    def backward(self, g):
        ns = ns_of(g)
        gk = expand_reduced(g, self.a.shape, self.axes, self.keepdim)
        with _quiet(ns):
            p = ns.exp(self.a - self.z)
        return (ns.cast_like(gk * p, g),)


def _others_product(ns, a, axis):
    """prod_{j != i} a_j along `axis` (all of a for None) as a Tensor with history, exact with zeros: the product
    of the n x n matrix whose row i is the slice with a_i replaced by 1."""
    xp = xp_of(a._data)
    moved = a.reshape(-1) if axis is None else ns.moveaxis(a, axis, -1)
    n = moved.shape[-1]
    rows = moved.unsqueeze(-2).expand(tuple(moved.shape[:-1]) + (n, n))
    others = ns.where(xp.eye(n, dtype=bool), 1.0, rows).prod(-1)
    return others.reshape(a.shape) if axis is None else ns.moveaxis(others, -1, axis)


def _quiet(xp):
    """Silence NumPy's warnings for log(0) / inf - inf, whose results (-inf, nan) are the intended ones."""
    import contextlib

    return xp.errstate(divide="ignore", invalid="ignore") if hasattr(xp, "errstate") else contextlib.nullcontext()


def _count(shape: tuple, axes: tuple) -> int:
    n = 1
    for ax in axes:
        n *= shape[ax]
    return n


__all__ = ["Sum", "Mean", "Prod", "MaxMin", "AMaxMin", "L2Norm", "LogSumExp", "expand_reduced"]
