"""`ScatterReduce`: torch's scatter_reduce. Each element p of src (in index's leading block) joins the group of
out[p with p[axis] replaced by index[p]]; a group also holds a's own value when `include_self`. The output is a
copy of a with each group reduced by sum, prod, mean, amax or amin (positions no index addresses keep a).

Backward, with g the output gradient and S the set of scattered positions (as torch's formulas):
  sum:  da = g (0 on S without include_self); dsrc = g[index]
  mean: N = group sizes (1 where 0); da = g / N; dsrc = (g / N)[index]
  prod: d(element) = g * product of the rest of its group (exact with zeros)
  amax/amin: g split evenly among the elements equal to the result.
"""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ..autograd import Function
from .scatter import _block, scatter_positions

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _identity(xp, reduce: str, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if np.dtype(dtype).kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    if info is None:  # bool
        return reduce == "amin"
    return info.min if reduce == "amax" else info.max


_UFUNC = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}


def scatter_reduce_array(a, src, index, axis: int, reduce: str, include_self: bool):
    """The forward on arrays (also used by backward to recompute a masked product)."""
    xp = xp_of(a)
    pos = scatter_positions(xp, index, axis)
    vals = src[_block(index)]
    out = a.copy()
    if not include_self:
        out[pos] = _identity(xp, reduce, a.dtype)
    with np.errstate(invalid="ignore"):  # NaN propagates through amax/amin, as torch
        getattr(xp, _UFUNC[reduce]).at(out, pos, vals)
    if reduce == "mean":
        count = _group_sizes(xp, a.shape, pos, include_self)
        if out.dtype.kind == "f":
            out = out / count.astype(out.dtype)
        else:
            out = xp.floor_divide(out, count.astype(out.dtype))
    return out


def _group_sizes(xp, shape, pos, include_self: bool):
    """Elements per group (1 where a group is empty, so a division keeps a)."""
    count = xp.ones(shape, dtype=np.int64) if include_self else xp.zeros(shape, dtype=np.int64)
    xp.add.at(count, pos, 1)
    count[count == 0] = 1
    return count


class ScatterReduce(Function):
    """out = a with each group (a's value if include_self, and the src values index sends there) reduced.
    Under create_graph the backward of sum, mean, amax and amin (winners constant) runs on Tensors; prod has no
    second derivative yet."""

    tensor_saves: dict = {}

    def forward(self, a, src, index=None, axis=0, reduce="sum", include_self=True):
        self.index, self.axis, self.reduce, self.include_self = index, axis, reduce, include_self
        out = scatter_reduce_array(a, src, index, axis, reduce, include_self)
        if reduce in ("prod", "amax", "amin"):
            self.a, self.src, self.out = a, src, out
        self.a_shape, self.src_shape = a.shape, src.shape
        return out

    def _graph_backward(self, g) -> tuple:
        from ._ns import TENSOR as ns

        xp = xp_of(self.index)
        index, reduce = self.index, self.reduce
        if reduce == "prod":
            raise NotImplementedError("create_graph=True: scatter_reduce(reduce='prod') has no second derivative "
                                      "in nnstudio yet (sum, mean, amax and amin have)")
        pos = scatter_positions(xp, index, self.axis)
        if reduce in ("amax", "amin"):  # the winners (ties share evenly) are constants of the derivative
            a, vals, out = self.a, self.src[_block(index)], self.out
            self_is = (a == out).astype(a.dtype)
            src_is = (vals == out[pos]).astype(a.dtype)
            n = self_is.copy()
            xp.add.at(n, pos, src_is)
            shared = g / xp.where(n == 0, 1, n)
            da, picked = shared * self_is, ns.getitem(shared, pos, True) * src_is
        else:
            da = g if reduce == "sum" else g / _group_sizes(xp, self.a_shape, pos, self.include_self).astype(
                g._data.dtype)
            picked = ns.getitem(da, pos, True)
        if not self.include_self and self.needs_input_grad[0]:
            da = ns.put_zero(da, pos)
        dsrc = ns.index_add_zeros(self.src_shape, _block(index), picked, False) if self.needs_input_grad[1] else None
        return (da if self.needs_input_grad[0] else None), dsrc

    def backward(self, g):
        if hasattr(g, "_ctx"):
            return self._graph_backward(g)
        xp = xp_of(g)
        index, axis, reduce = self.index, self.axis, self.reduce
        pos = scatter_positions(xp, index, axis)
        if reduce == "sum":
            da, dsrc_block = g, g[pos]
        elif reduce == "mean":
            count = _group_sizes(xp, self.a_shape, pos, self.include_self).astype(g.dtype)
            da = g / count
            dsrc_block = da[pos]
        elif reduce == "prod":
            da, dsrc_block = self._prod_grads(xp, g, pos)
        else:
            da, dsrc_block = self._extremum_grads(xp, g, pos)
        if not self.include_self and self.needs_input_grad[0]:
            da = da.copy()
            da[pos] = 0
        dsrc = None
        if self.needs_input_grad[1]:
            dsrc = xp.zeros(self.src_shape, dtype=g.dtype)
            dsrc[_block(index)] = dsrc_block
        return (da if self.needs_input_grad[0] else None), dsrc

    def _prod_grads(self, xp, g, pos):
        """g times the product of the rest of each element's group, counting zeros so none is divided by."""
        a, vals = self.a, self.src[_block(self.index)]
        zeros = (a == 0).astype(np.int64)  # per group: how many zeros, and the product of the other values
        nonzero_prod = xp.where(a == 0, 1, a)
        if not self.include_self:
            zeros[pos], nonzero_prod[pos] = 0, 1
        xp.add.at(zeros, pos, (vals == 0).astype(np.int64))
        xp.multiply.at(nonzero_prod, pos, xp.where(vals == 0, 1, vals))

        def rest(values, n_zeros, prod):
            safe = xp.where(values == 0, 1, values)
            return xp.where(values == 0, xp.where(n_zeros == 1, prod, 0), xp.where(n_zeros == 0, prod / safe, 0))

        da = g * rest(a, zeros, nonzero_prod)
        dsrc_block = g[pos] * rest(vals, zeros[pos], nonzero_prod[pos])
        return da, dsrc_block

    def _extremum_grads(self, xp, g, pos):
        """torch's rule: the gradient is shared evenly by every element equal to the result."""
        a, vals, out = self.a, self.src[_block(self.index)], self.out
        self_is = (a == out).astype(g.dtype)
        src_is = (vals == out[pos]).astype(g.dtype)
        n = self_is.copy()
        xp.add.at(n, pos, src_is)
        shared = g / xp.where(n == 0, 1, n)
        return self_is * shared, src_is * shared[pos]


__all__ = ["ScatterReduce", "REDUCTIONS", "scatter_reduce_array"]
