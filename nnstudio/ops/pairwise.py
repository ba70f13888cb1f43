"""`CDist`: p-norm distances between two sets of row vectors (torch.cdist).

x1 (..., P, M) and x2 (..., R, M) with the same leading dims give d (..., P, R), d[i, j] = ||x1_i - x2_j||_p.
  p = 2: through matrix products (|a|^2 + |b|^2 - 2 a.b) when P or R exceeds 25, as torch's default
         compute mode, else from the differences; backward: w = g / d (0 where d = 0),
         dx1 = x1 * rowsum(w) - w @ x2, dx2 = x2 * colsum(w) - w^T @ x1 (no (P, R, M) buffer).
  other p: from the differences D = x1_i - x2_j; dd/dD = sign(D) |D|^(p-1) / d^(p-1) (0 where d = 0);
         p = 1: sign(D); p = inf: sign(D) where |D| = d (every tie gets it, as torch); p = 0 (count of
         nonzero differences): no gradient.
Under create_graph the distances are replayed from the differences with differentiable ops (`composite`).
"""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ..autograd import Function

MM_THRESHOLD = 25  # torch's "use_mm_for_euclid_dist_if_necessary": P > 25 or R > 25


def _swap(a):
    return a.swapaxes(-1, -2)


class CDist(Function):
    """d[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p for p >= 0 (inf included)."""

    def composite(self, x1, x2):
        """d from the differences D with Tensor ops (create_graph): the p-norm over the last axis."""
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        p = self.p
        if p == 0:  # a count: zero gradient, kept in the graph
            return (diff * 0).sum(-1) + diff.detach().ne(0).sum(-1).to(x1.dtype)
        if p == 2:
            return diff.norm(dim=-1)
        if p == 1:
            return diff.abs().sum(-1)
        if np.isinf(p):
            return diff.abs().amax(-1)
        return (diff.abs() ** p).sum(-1) ** (1.0 / p)

    def forward(self, x1, x2, p=2.0, use_mm=None):
        xp = xp_of(x1)
        self.p = p
        if use_mm is None:
            use_mm = x1.shape[-2] > MM_THRESHOLD or x2.shape[-2] > MM_THRESHOLD
        if p == 2.0 and use_mm:
            sq = (x1 * x1).sum(-1)[..., :, None] + (x2 * x2).sum(-1)[..., None, :] - 2 * (x1 @ _swap(x2))
            d = xp.sqrt(xp.maximum(sq, 0))
        else:
            diff = xp.abs(x1[..., :, None, :] - x2[..., None, :, :])
            if p == 0:
                d = (diff != 0).sum(-1).astype(x1.dtype)
            elif p == 1:
                d = diff.sum(-1)
            elif p == 2:
                d = xp.sqrt((diff * diff).sum(-1))
            elif np.isinf(p):
                d = diff.max(-1) if diff.shape[-1] else xp.zeros(diff.shape[:-1], dtype=x1.dtype)
            else:
                d = (diff ** p).sum(-1) ** (1.0 / p)
        if any(self.needs_input_grad):
            self.x1, self.x2, self.d = x1, x2, d
        return d

    def backward(self, g):
        xp = xp_of(g)
        x1, x2, d, p = self.x1, self.x2, self.d, self.p
        if p == 0:
            return xp.zeros_like(x1), xp.zeros_like(x2)
        if p == 2:
            w = xp.where(d == 0, 0, g / xp.where(d == 0, 1, d))
            dx1 = x1 * w.sum(-1)[..., None] - w @ x2
            dx2 = x2 * w.sum(-2)[..., None] - _swap(w) @ x1
            return dx1, dx2
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        if p == 1:
            local = xp.sign(diff)
        elif np.isinf(p):
            local = xp.sign(diff) * (xp.abs(diff) == d[..., None])
        else:
            dd = xp.where(d == 0, 1, d)[..., None]
            safe = xp.where(diff == 0, 1, xp.abs(diff))  # sign(D) = 0 there anyway (|D|^(p-1) is inf for p < 1)
            local = xp.sign(diff) * safe ** (p - 1) / dd ** (p - 1)
            local = xp.where(d[..., None] == 0, 0, local)
        term = g[..., None] * local  # (..., P, R, M)
        return term.sum(-2), -term.sum(-3)


__all__ = ["CDist"]
