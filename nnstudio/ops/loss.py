"""Loss primitives that are worth fusing: the negative log-likelihood gather."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function


class NllLoss(Function):
    """loss_i = -w[t_i] * logp[i, t_i] for logp (M, C) and targets t (M,), ignoring t_i == ignore_index.

    reduction 'mean' divides by sum_i w[t_i] (torch's weighted mean), 'sum' adds, 'none' keeps (M,).
    """

    def forward(self, logp, target=None, weight=None, ignore_index=-100, reduction="mean"):
        xp = xp_of(logp)
        m = logp.shape[0]
        valid = target != ignore_index
        safe_t = xp.where(valid, target, 0)
        rows = xp.arange(m)
        w = weight[safe_t] if weight is not None else xp.ones(m, dtype=logp.dtype)
        w = w * valid
        picked = logp[rows, safe_t]
        losses = -w * picked
        self.shape, self.rows, self.t, self.w, self.reduction = logp.shape, rows, safe_t, w, reduction
        if reduction == "none":
            return losses
        if reduction == "sum":
            return xp.asarray(losses.sum())
        self.total = w.sum()
        return xp.asarray(losses.sum() / self.total)

    def backward(self, g):
        xp = xp_of(g)
        scale = -self.w
        if self.reduction == "mean":
            scale = scale * (g / self.total)
        else:
            scale = scale * g
        out = xp.zeros(self.shape, dtype=g.dtype)
        out[self.rows, self.t] = scale
        return (out,)
