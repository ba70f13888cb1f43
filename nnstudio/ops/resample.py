"""Resampling primitives: a weighted gather along one axis (`AxisTaps`) and constant padding (`ConstantPad`).

`AxisTaps` is what padding (reflect / replicate / circular), nearest and (bi/tri)linear or bicubic
interpolation are made of, one axis at a time (they are separable):

    y[..., j, ...] = sum_t w_t[j] x[..., i_t[j], ...]          (w_t = 1 when a tap has no weights)

Its backward is the adjoint, a scatter-add of w_t g into the source positions i_t. Indices repeat (an
upsampled pixel feeds several outputs), so the scatter is split into "layers" in which every source index
occurs once; each layer is one vectorised `gx[..., idx] += g[..., pos]` (exact on NumPy and CuPy alike).
There are as many layers as the largest repeat count (2 for a 2x upsampling), never one per pixel.
Both backwards are linear in g with constant taps: under create_graph they are the same scatters recorded as
IndexAddZeros nodes (repeats accumulate there), whose backward is the gather again.
"""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ..autograd import Function


def distinct_layers(index: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(positions, sources), ...]: the output positions of `index` split so that within each part every source
    index occurs once (the k-th part holds each source's k-th occurrence)."""
    index = np.asarray(index, dtype=np.int64)
    order = np.argsort(index, kind="stable")
    ranked = index[order]
    pos = np.arange(len(index))
    starts = np.where(np.r_[True, ranked[1:] != ranked[:-1]], pos, 0)
    rank = pos - np.maximum.accumulate(starts)
    return [(order[rank == k], ranked[rank == k]) for k in range(int(rank.max()) + 1 if len(rank) else 0)]


class AxisTaps(Function):
    """y = sum_t w_t * take(x, i_t, axis). `taps` is a tuple of (index (out,), weights (out,) or None) as NumPy
    arrays; x (..., in, ...) -> y (..., out, ...) along `axis`."""

    tensor_saves: dict = {}

    def forward(self, x, axis=0, taps=()):
        xp = xp_of(x)
        bshape = (-1,) + (1,) * (x.ndim - axis - 1)
        self.dev_taps = []
        y = None
        for index, weights in taps:
            idx = xp.asarray(np.asarray(index, dtype=np.int64))
            w = None if weights is None else xp.asarray(np.asarray(weights, dtype=x.dtype)).reshape(bshape)
            term = xp.take(x, idx, axis=axis)
            if w is not None:
                term *= w
            y = term if y is None else xp.add(y, term, out=y)
            self.dev_taps.append((index, w))
        self.axis, self.xshape = axis, x.shape
        return y

    def backward(self, g):
        if hasattr(g, "_ctx"):
            from ._ns import TENSOR

            lead = (slice(None),) * self.axis
            gx = None
            for index, w in self.dev_taps:
                term = TENSOR.index_add_zeros(self.xshape, lead + (xp_of(g._data).asarray(index),),
                                              g if w is None else g * w, True)
                gx = term if gx is None else gx + term
            return (gx,)
        xp = xp_of(g)
        axis = self.axis
        lead = (slice(None),) * axis
        gx = xp.zeros(self.xshape, dtype=g.dtype)
        for index, w in self.dev_taps:
            gw = g if w is None else g * w
            for pos, src in distinct_layers(index):
                gx[lead + (xp.asarray(src),)] += gw[lead + (xp.asarray(pos),)]
        return (gx,)


class ConstantPad(Function):
    """y = x padded with `value` (negative pads crop). `pads` is ((lo, hi), ...) for the LAST len(pads) dims."""

    tensor_saves: dict = {}

    def forward(self, x, pads=(), value=0.0):
        xp = xp_of(x)
        lead = x.ndim - len(pads)
        out_shape = x.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], pads))
        src = (slice(None),) * lead + tuple(slice(max(-lo, 0), n - max(-hi, 0))
                                            for n, (lo, hi) in zip(x.shape[lead:], pads))
        dst = (slice(None),) * lead + tuple(slice(max(lo, 0), m - max(hi, 0))
                                            for m, (lo, hi) in zip(out_shape[lead:], pads))
        y = xp.full(out_shape, value, dtype=x.dtype) if value else xp.zeros(out_shape, dtype=x.dtype)
        y[dst] = x[src]
        self.src, self.dst, self.xshape = src, dst, x.shape
        return y

    def backward(self, g):
        if hasattr(g, "_ctx"):
            from ._ns import TENSOR

            return (TENSOR.index_add_zeros(self.xshape, self.src, TENSOR.getitem(g, self.dst), False),)
        gx = xp_of(g).zeros(self.xshape, dtype=g.dtype)
        gx[self.src] = g[self.dst]
        return (gx,)
