"""Cumulative sum and product along one axis.

cumsum: z_i = sum_{j<=i} a_j;  da_i = sum_{j>=i} g_j (a reversed cumulative sum).
cumprod: z_i = prod_{j<=i} a_j;  da_i = sum_{j>=i} g_j prod_{k<=j, k!=i} a_k, computed as reversed_cumsum(g z) / a
when no element is zero, else by the recurrence S_i = g_i + a_{i+1} S_{i+1}, da_i = (prod_{k<i} a_k) S_i, which
never divides. Both backwards also run on Tensors under create_graph (cumprod's only where `a` has no zero).
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of


def _reverse_cumsum(xp, g, axis: int):
    xp = ns_of(g)
    return xp.flip(xp.cumsum(xp.flip(g, axis=axis), axis=axis), axis=axis)


class Cumsum(Function):
    """z = cumsum(a, axis);  da = reversed cumsum of g along axis."""

    tensor_saves: dict = {}

    def forward(self, a, axis=0):
        self.axis = axis
        return xp_of(a).cumsum(a, axis=axis)

    def backward(self, g):
        return (_reverse_cumsum(xp_of(g), g, self.axis),)


class Cumprod(Function):
    """z = cumprod(a, axis); see the module docstring for the gradient (exact with zeros in a)."""

    tensor_saves = {"a": 0, "z": "out"}

    def forward(self, a, axis=0):
        xp = xp_of(a)
        self.a, self.axis = a, axis
        self.z = xp.cumprod(a, axis=axis)
        return self.z

    def backward(self, g):
        a, z, axis = self.a, self.z, self.axis
        if hasattr(g, "_ctx"):
            if (a._data == 0).any():
                return (_cumprod_grad_with_zeros(g, a, axis),)
            return (_reverse_cumsum(None, g * z, axis) / a,)
        xp = xp_of(g)
        if a.shape[axis] == 0:
            return (xp.zeros_like(a),)
        if not (a == 0).any():
            return (_reverse_cumsum(xp, g * z, axis) / a,)
        am, gm, zm = (xp.moveaxis(v, axis, 0) for v in (a, g, z))
        n = am.shape[0]
        s = xp.empty_like(gm)
        s[n - 1] = gm[n - 1]
        for i in range(n - 2, -1, -1):
            s[i] = gm[i] + am[i + 1] * s[i + 1]
        before = xp.concatenate([xp.ones_like(zm[:1]), zm[:-1]], axis=0)  # prod_{k<i} a_k
        return (xp.ascontiguousarray(xp.moveaxis(before * s, 0, axis)),)


def _cumprod_grad_with_zeros(g, a, axis: int):
    """da_i = sum_{j >= i} g_j prod_{k <= j, k != i} a_k with Tensors (create_graph), never dividing: the product
    runs over an (n, n, n) stack in which the excluded factors are 1 (exact where a holds zeros)."""
    ns = ns_of(g)
    xp = xp_of(a._data)
    am, gm = ns.moveaxis(a, axis, -1), ns.moveaxis(g, axis, -1)
    n = am.shape[-1]
    k = xp.arange(n)
    use = (k[None, None, :] <= k[:, None, None]) & (k[None, None, :] != k[None, :, None])  # [j, i, k]
    stack = am.unsqueeze(-2).unsqueeze(-2).expand(tuple(am.shape[:-1]) + (n, n, n))
    rows = ns.where(use, stack, 1.0).prod(-1) * (k[None, :] <= k[:, None])  # [..., j, i], zero for i > j
    return ns.moveaxis((gm.unsqueeze(-1) * rows).sum(-2), -1, axis)


__all__ = ["Cumsum", "Cumprod"]
