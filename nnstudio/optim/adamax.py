"""Adamax (Kingma & Ba 2015, section 7.1), Adam with an infinity norm, as torch.optim.Adamax."""

from __future__ import annotations

from .._backend import xp_of
from ._checks import check_adam_args
from .optimizer import Optimizer, count_step, scalar_tensor, zeros_state


class Adamax(Optimizer):
    """m = b1 m + (1-b1) g;  u = max(b2 u, |g| + eps);  p -= lr/(1-b1^t) * m / u.
    `weight_decay` adds wd p to g. Defaults as torch: lr=2e-3, betas=(0.9, 0.999), eps=1e-8."""

    def __init__(self, params, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False):
        check_adam_args(lr, betas, eps, weight_decay, type(self).__name__)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        b1, b2 = group["betas"]
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["exp_avg"] = zeros_state(p)
            state["exp_inf"] = zeros_state(p)
        t = count_step(state)
        if wd:
            g = g + wd * p
        m, u = state["exp_avg"]._data, state["exp_inf"]._data
        m += (1 - b1) * (g - m)
        u *= b2
        xp.maximum(u, xp.abs(g) + eps, out=u)
        p -= (lr / (1 - b1 ** t)) * (m / u)
