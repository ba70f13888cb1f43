"""Matrix products: batched `matmul` and the fused affine map used by Linear."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._util import unbroadcast


class MatMul(Function):
    """z = a @ b with NumPy's matmul broadcasting (1-D operands promoted and squeezed back)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, g):
        a, b = self.a, self.b
        xp = xp_of(g)
        if a.ndim == 1 and b.ndim == 1:  # a dot product: g is a scalar
            ga = g * b if self.needs_input_grad[0] else None
            gb = g * a if self.needs_input_grad[1] else None
            return ga, gb
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = xp.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = xp.expand_dims(g2, -1)
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = g2 @ xp.swapaxes(b2, -1, -2)
            ga = unbroadcast(ga, a2.shape).reshape(a.shape)
        if self.needs_input_grad[1]:
            if a2.ndim >= 3 and b2.ndim == 2:
                # fold the batch dims into rows: one big GEMM instead of a batched one plus a sum
                k = a2.shape[-1]
                gb = a2.reshape(-1, k).T @ g2.reshape(-1, g2.shape[-1])
            else:
                gb = xp.swapaxes(a2, -1, -2) @ g2
            gb = unbroadcast(gb, b2.shape).reshape(b.shape)
        return ga, gb


class Linear(Function):
    """y = x W^T + b for x of shape (..., in), W of shape (out, in), b of shape (out,) or absent."""

    def forward(self, x, w, b=None):
        needs = self.needs_input_grad
        self.x = x if needs[1] else None  # dW = g^T x
        self.w = w if needs[0] else None  # dx = g W
        y = x @ w.T
        if b is not None:
            y += b
        return y

    def backward(self, g):
        x, w = self.x, self.w
        needs = self.needs_input_grad
        gx = g @ w if needs[0] else None
        gw = gb = None
        if needs[1]:
            gw = g.reshape(-1, g.shape[-1]).T @ x.reshape(-1, x.shape[-1])
        if len(needs) > 2 and needs[2]:
            gb = g.reshape(-1, g.shape[-1]).sum(axis=0)
        return gx, gw, gb
