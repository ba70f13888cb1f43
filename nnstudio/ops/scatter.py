"""Scatter primitives: write (`Scatter`) or add (`ScatterAdd`) the values of `src` into a copy of `a` at the
positions `index` gives along `axis` (torch's scatter / scatter_add / index_add).

Position p of src goes to out[p with p[axis] replaced by index[p]]. `index` has src's number of dimensions and is
no larger than src anywhere; only that leading block of src is used.
Scatter: da = g with the written positions zeroed; dsrc = g gathered at index (zeros outside the block).
ScatterAdd: da = g; dsrc = g gathered at index.
Both backwards are linear in g with constant indices: they also run on Tensors (create_graph).
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of


def scatter_positions(xp, index, axis: int) -> tuple:
    """The advanced index into the output addressed by each element of `index` along `axis`."""
    grids = list(xp.indices(index.shape, sparse=True))
    grids[axis] = index
    return tuple(grids)


def _block(index) -> tuple:
    return tuple(slice(0, n) for n in index.shape)


def _gather_into(xp, g, index, axis, src_shape, dtype):
    ns = ns_of(g)
    if ns.is_tensor:
        picked = ns.getitem(g, scatter_positions(xp, index, axis), True)
        return ns.index_add_zeros(src_shape, _block(index), picked, False)
    out = xp.zeros(src_shape, dtype=dtype)
    out[_block(index)] = g[scatter_positions(xp, index, axis)]
    return out


class Scatter(Function):
    """out = a, then out[index positions] = src (the last write wins for repeated positions)."""

    tensor_saves: dict = {}

    def forward(self, a, src, index=None, axis=0):
        xp = xp_of(a)
        self.index, self.axis, self.src_shape = index, axis, src.shape
        out = a.copy()
        out[scatter_positions(xp, index, axis)] = src[_block(index)]
        return out

    def backward(self, g):
        xp = xp_of(self.index)
        pos = scatter_positions(xp, self.index, self.axis)
        da = dsrc = None
        if self.needs_input_grad[0]:
            da = ns_of(g).put_zero(g, pos)
        if self.needs_input_grad[1]:
            dsrc = _gather_into(xp, g, self.index, self.axis, self.src_shape, g.dtype)
        return da, dsrc


class ScatterAdd(Function):
    """out = a, then out[index positions] += src (repeated positions accumulate)."""

    tensor_saves: dict = {}

    def forward(self, a, src, index=None, axis=0):
        xp = xp_of(a)
        self.index, self.axis, self.src_shape = index, axis, src.shape
        out = a.copy()
        xp.add.at(out, scatter_positions(xp, index, axis), src[_block(index)])
        return out

    def backward(self, g):
        xp = xp_of(self.index)
        dsrc = _gather_into(xp, g, self.index, self.axis, self.src_shape, g.dtype) if self.needs_input_grad[1] \
            else None
        return g, dsrc


__all__ = ["Scatter", "ScatterAdd", "scatter_positions"]
