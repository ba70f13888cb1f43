"""Loss primitives that are worth fusing: the negative log-likelihood gather, binary cross-entropy, and
soft-margin loss (one op as torch's, with its reduction inside)."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of


class NllLoss(Function):
    """loss_i = -w[t_i] * logp[i, t_i] for logp (M, C) and targets t (M,), ignoring t_i == ignore_index.

    reduction 'mean' divides by sum_i w[t_i] (torch's weighted mean), 'sum' adds, 'none' keeps (M,).
    The backward is linear in g with constant weights: it also runs on Tensors (create_graph).
    """

    tensor_saves: dict = {}

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
        ns = ns_of(g)
        scale = -self.w
        if self.reduction == "mean":
            scale = scale * (g / self.total)
        else:
            scale = scale * g
        if ns.is_tensor:
            return (ns.index_add_zeros(self.shape, (self.rows, self.t), scale, True),)
        out = ns.zeros(self.shape, dtype=g.dtype)
        out[self.rows, self.t] = scale
        return (out,)


class BinaryCrossEntropy(Function):
    """loss = -(y max(log x, -100) + (1 - y) max(log(1 - x), -100)) elementwise, for probabilities x.

    dx = (x - y) / max(x (1 - x), 1e-12) (torch's formula: finite at x = 0 or 1);
    dy = max(log(1 - x), -100) - max(log x, -100).
    """

    tensor_saves = {"x": 0, "y": 1}

    def forward(self, x, y):
        xp = xp_of(x)
        with xp.errstate(divide="ignore") if hasattr(xp, "errstate") else _nullcontext():
            log_x = xp.maximum(xp.log(x), -100)
            log_1mx = xp.maximum(xp.log(1 - x), -100)
        self.x, self.y, self.log_x, self.log_1mx = x, y, log_x, log_1mx
        return -(y * log_x + (1 - y) * log_1mx)

    def backward(self, g):
        xp = ns_of(g)
        x, y = self.x, self.y
        gx = gy = None
        if self.needs_input_grad[0]:
            gx = g * (x - y) / xp.maximum(x * (1 - x), 1e-12)
        if self.needs_input_grad[1]:
            if xp.is_tensor:  # the cached logs are functions of x: recompute them with history
                gy = g * (xp.maximum(xp.log(1 - x), -100) - xp.maximum(xp.log(x), -100))
            else:
                gy = g * (self.log_1mx - self.log_x)
        return gx, gy


class SoftMarginLoss(Function):
    """loss = log1p(exp(-x y)) elementwise, in x's dtype, as torch computes it (no guard: inf where -x y is
    large, with a NaN gradient there), reduced inside ('mean', 'sum' or 'none', as torch's op);
    dx = -norm y z / (1 + z) g with z = exp(-y x) and norm = 1 / numel for 'mean' (torch's backward, in its
    order). The target gets no gradient (torch refuses one). x (*), y broadcastable to x's shape."""

    tensor_saves = {"x": 0, "y": 1}

    def forward(self, x, y, reduction="mean"):
        xp = xp_of(x)
        self.x, self.y, self.norm = x, y, 1.0 / x.size if reduction == "mean" and x.size else 1.0
        with xp.errstate(over="ignore") if hasattr(xp, "errstate") else _nullcontext():
            loss = xp.log1p(xp.exp(((-x) * y).astype(x.dtype, copy=False)))
        if reduction == "none":
            return loss
        return xp.asarray(loss.sum() if reduction == "sum" else loss.mean(), dtype=x.dtype)

    def backward(self, g):
        ns, x, y, norm = ns_of(g), self.x, self.y, self.norm
        if ns.is_tensor:
            z = ns.exp(-y * x)
            return (y * z * (-norm) / (z + 1) * g, None)
        xp = xp_of(x)
        with xp.errstate(over="ignore", invalid="ignore") if hasattr(xp, "errstate") else _nullcontext():
            z = xp.exp((-y) * x)
            gx = y * z * (-norm) / (z + 1) * g
        return (gx.astype(x.dtype, copy=False), None)


def _nullcontext():
    import contextlib

    return contextlib.nullcontext()
