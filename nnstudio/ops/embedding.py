"""Embedding lookup: rows of a table picked by integer indices, with a scatter-add backward."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function


class Embedding(Function):
    """z = weight[indices]  (indices (*) -> z (*, D));  dweight[r] = sum of g over the positions holding r.

    The row `padding_idx` gets no gradient; `scale_grad_by_freq` divides row r's gradient by its count.
    """

    def forward(self, weight, indices=None, padding_idx=None, scale_grad_by_freq=False):
        self.shape, self.indices = weight.shape, indices
        self.padding_idx, self.scale = padding_idx, scale_grad_by_freq
        return weight[indices]

    def backward(self, g):
        xp = xp_of(g)
        v, d = self.shape
        idx = self.indices.reshape(-1)
        g2 = g.reshape(-1, d)
        out = xp.zeros((v, d), dtype=g.dtype)
        xp.add.at(out, idx, g2)
        if self.scale:
            counts = xp.bincount(idx, minlength=v).astype(g.dtype)
            out /= xp.maximum(counts, 1)[:, None]
        if self.padding_idx is not None:
            out[self.padding_idx] = 0
        return (out,)
