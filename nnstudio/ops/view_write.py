"""The two primitives behind in-place writes into a view of a tensor that has a graph (torch's CopySlices).

A view (a basic index, a transpose, a reshape that shares memory, a diagonal) records `fn`, the function that
takes its base's array to the view's array (see `_tensor/views.py`). Writing `value` into the view writes a new
base, `ViewWrite(base, value)`: the base with `fn(base)` replaced; the view then reads itself back from that new
base, `ViewRead(base)`. ViewWrite writes into the base's array in place, as torch does, so every other view of
the base sees the new values; a backward that saved that array then refuses to run, as torch's does (the version
check of autograd/engine.py, and `output_modified` on the node that made the base). Both are linear, and each
one's backward is the other (or itself) applied to the gradient, so under create_graph the
backwards run as these same primitives on Tensors and give second derivatives.
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of


def _zeros_like_of(g, shape, dtype):
    """Zeros of `shape` as a constant Tensor beside the Tensor g (create_graph)."""
    return ns_of(g).const(xp_of(g._data).zeros(shape, dtype=dtype))


class ViewWrite(Function):
    """z = base with its view fn(z) set to `value`;  d base = g with fn(g) zeroed, d value = fn(g)."""

    torch_name = "CopySlices"
    tensor_saves: dict = {}

    def forward(self, base, value, fn, copy=False):
        """In place into `base` (as torch: every other view of the base sees the write); into a copy of it with
        `copy` (the backwards on Tensors, whose gradient arrays may be shared)."""
        self.fn, self.view_shape = fn, value.shape
        out = base.copy() if copy else base
        region = fn(out)
        if region.base is None:  # (never a view op's fn: those give views) a copy would lose the write
            raise RuntimeError("internal error: ViewWrite on a region that is not a view of its base")
        region[...] = value
        return out

    def backward(self, g):
        needs = self.needs_input_grad
        if ns_of(g).is_tensor:
            from ..autograd import apply

            gb = apply(ViewWrite, g, _zeros_like_of(g, self.view_shape, g._data.dtype), fn=self.fn, copy=True) \
                if needs[0] else None
            gv = apply(ViewRead, g, fn=self.fn) if needs[1] else None
            return gb, gv
        gb = gv = None
        if needs[0]:
            gb = g.copy()
            self.fn(gb)[...] = 0
        if needs[1]:
            gv = self.fn(g).copy()
        return gb, gv


class ViewRead(Function):
    """z = fn(base), a view of base's array;  d base = zeros with fn(.) set to g."""

    torch_name = "AsStridedBackward0"  # torch's node for a view read back from its written base
    tensor_saves: dict = {}

    def forward(self, base, fn):
        self.fn, self.shape, self.dtype = fn, base.shape, base.dtype
        return fn(base)

    def backward(self, g):
        if ns_of(g).is_tensor:
            from ..autograd import apply

            return (apply(ViewWrite, _zeros_like_of(g, self.shape, g._data.dtype), g, fn=self.fn),)
        gb = xp_of(g).zeros(self.shape, dtype=g.dtype)
        self.fn(gb)[...] = g
        return (gb,)
