"""clamp: the elementwise op with bounds as options (the plain elementwise math is the table in pointwise.py).

The backwards also run on Tensors under create_graph (`tensor_saves`, see autograd/engine.py).
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function


class Clamp(Function):
    """z = min(max(a, lo), hi);  gradient passes where lo <= a <= hi (torch's convention)."""

    tensor_saves: dict = {}

    def forward(self, a, lo=None, hi=None):
        xp = xp_of(a)
        self.mask = xp.ones(a.shape, dtype=bool)
        out = a
        if lo is not None:
            self.mask &= a >= lo
            out = xp.maximum(out, xp.asarray(lo, dtype=a.dtype))
        if hi is not None:
            self.mask &= a <= hi
            out = xp.minimum(out, xp.asarray(hi, dtype=a.dtype))
        return out

    def backward(self, g):
        return (g * self.mask,)

