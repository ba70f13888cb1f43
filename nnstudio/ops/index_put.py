"""`IndexPut`: write (or add) values at the positions a tuple of integer index arrays picks (torch.index_put)."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of
from ._util import unbroadcast


class IndexPut(Function):
    """out = x with `values` (broadcast to the indexed shape) written at x[index]; with `accumulate`, added
    instead, repeated positions adding up.

    index: a tuple of integer arrays (broadcast together), one per leading dimension of x; the indexed shape is
    their broadcast shape followed by x's remaining dimensions.
    Backward: dx = g, with the written positions zeroed unless accumulating; dvalues = g[index] summed down to
    values' shape. Linear in g with constant indices: also runs on Tensors (create_graph).
    """

    tensor_saves: dict = {}

    def forward(self, x, values, index, accumulate=False):
        xp = xp_of(x)
        self.index, self.accumulate, self.values_shape = index, accumulate, values.shape
        out = x.copy()
        if accumulate:
            target = out[index].shape
            xp.add.at(out, index, xp.broadcast_to(values, target))
        else:
            out[index] = values
        return out

    def backward(self, g):
        ns = ns_of(g)
        gx = gv = None
        if self.needs_input_grad[0]:
            gx = g if self.accumulate else ns.put_zero(g, self.index)
        if self.needs_input_grad[1]:
            gv = unbroadcast(ns.getitem(g, self.index, True), self.values_shape)
        return gx, gv
