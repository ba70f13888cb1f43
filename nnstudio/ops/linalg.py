"""Matrix products: batched `matmul` and the fused affine map used by Linear.

An operand with more than two dims against a matrix (e.g. (B, T, F) @ W^T in a Transformer or an LSTM head)
is multiplied as one 2-D GEMM over the flattened leading dims, (B*T, F) @ (F, O): NumPy's matmul would
otherwise loop over B and call BLAS once per (T, F) slice, 3-6x slower at Transformer sizes.

Both backwards are matrix products of g and the other operand, so they also run on Tensors under create_graph
(`tensor_saves`, see autograd/engine.py).
"""

from __future__ import annotations

import math

from ..autograd import Function
from ._ns import ns_of
from ._util import sum_rows, unbroadcast
from .mkl_blas import matmul


def as_rows(a):
    """(..., k) -> (prod(...), k) without copying where a's rows are contiguous (also for k == 0)."""
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


def rows_matmul(a, b):
    """a @ b for a of shape (..., k) and b of shape (k, n) or (k,), as one GEMM over a's flattened leading
    dims: (prod(...), k) @ b, reshaped back to (..., n) or (...). A copy only where a's rows are not
    contiguous."""
    if a.ndim <= 2:
        return matmul(a, b)
    return matmul(as_rows(a), b).reshape(a.shape[:-1] + b.shape[1:])


class MatMul(Function):
    """z = a @ b with NumPy's matmul broadcasting (1-D operands promoted and squeezed back)."""

    tensor_saves = {"a": 0, "b": 1}

    def forward(self, a, b):
        self.a, self.b = a, b
        if b.ndim <= 2:
            return rows_matmul(a, b)
        return matmul(a, b)  # stacks (bmm): MKL's batched product for large matrices, else NumPy's

    def backward(self, g):
        a, b = self.a, self.b
        xp = ns_of(g)
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
            if b2.ndim == 2:
                ga = rows_matmul(g2, b2.T)  # g2 has a2's leading dims: no broadcast to undo
            else:
                ga = unbroadcast(matmul(g2, xp.swapaxes(b2, -1, -2)), a2.shape)
            ga = ga.reshape(a.shape)
        if self.needs_input_grad[1]:
            if a2.ndim >= 3 and b2.ndim == 2:
                # fold the batch dims into rows: one big GEMM instead of a batched one plus a sum
                gb = matmul(as_rows(a2).T, as_rows(g2))
            else:
                gb = matmul(xp.swapaxes(a2, -1, -2), g2)
            gb = unbroadcast(gb, b2.shape).reshape(b.shape)
        return ga, gb


class Linear(Function):
    """y = x W^T + b for x of shape (..., in), W of shape (out, in), b of shape (out,) or absent."""

    tensor_saves = {"x": 0, "w": 1}

    def forward(self, x, w, b=None):
        needs = self.needs_input_grad
        self.x = x if needs[1] else None  # dW = g^T x
        self.w = w if needs[0] else None  # dx = g W
        y = rows_matmul(x, w.T)
        if b is not None:
            y += b
        return y

    @staticmethod
    def torch_layout(edges: tuple) -> tuple:
        """torch's edges of AddmmBackward0 (MmBackward0 without a bias): (bias, input, TBackward0 -> weight)."""
        from ..autograd.graph import torch_node

        weight = (torch_node("TBackward0", (edges[1],)), 0) if edges[1][0] is not None else edges[1]
        return (edges[2], edges[0], weight) if len(edges) > 2 else (edges[0], weight)

    def backward(self, g):
        x, w = self.x, self.w
        needs = self.needs_input_grad
        gx = rows_matmul(g, w) if needs[0] else None
        gw = gb = None
        if needs[1]:
            gw = matmul(as_rows(g).T, as_rows(x))
        if len(needs) > 2 and needs[2]:
            g2 = as_rows(g)
            # a GEMV over many rows (the Transformer's 1024: its step 0.5 ms faster); over few (the MLP's 128) NumPy's
            # sum (the GEMV there cost the MLP step 0.4 ms, though it is faster alone)
            gb = sum_rows(g2) if not hasattr(g, "_ctx") and g2.shape[0] >= 512 else ns_of(g).sum(g2, axis=0)
        return gx, gw, gb
