"""Embedding lookup: rows of a table picked by integer indices, with a scatter-add backward."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of


class Embedding(Function):
    """z = weight[indices]  (indices (*) -> z (*, D));  dweight[r] = sum of g over the positions holding r.

    The row `padding_idx` gets no gradient; `scale_grad_by_freq` divides row r's gradient by its count.
    The backward is linear in g: it also runs on Tensors (create_graph).
    """

    tensor_saves: dict = {}

    def forward(self, weight, indices=None, padding_idx=None, scale_grad_by_freq=False):
        self.shape, self.indices, self.dtype = weight.shape, indices, weight.dtype
        self.padding_idx, self.scale = padding_idx, scale_grad_by_freq
        return weight[indices]

    def backward(self, g):
        ns = ns_of(g)
        xp = xp_of(self.indices)
        v, d = self.shape
        idx = self.indices.reshape(-1)
        g2 = g.reshape(-1, d)
        out = ns.index_add_zeros((v, d), idx, g2, True)
        if self.scale:
            counts = xp.bincount(idx, minlength=v).astype(self.dtype)
            out = out / xp.maximum(counts, 1)[:, None]
        if self.padding_idx is not None:
            if ns.is_tensor:
                out = ns.put_zero(out, self.padding_idx)
            else:
                out[self.padding_idx] = 0
        return (out,)
