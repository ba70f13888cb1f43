"""Adadelta (Zeiler 2012), as torch.optim.Adadelta."""

from __future__ import annotations

from .._backend import xp_of
from .optimizer import Optimizer, count_step, scalar_tensor, zeros_state


class Adadelta(Optimizer):
    """s = rho s + (1-rho) g^2;  d = sqrt(a + eps) / sqrt(s + eps) * g;  a = rho a + (1-rho) d^2;  p -= lr d.
    `weight_decay` adds wd p to g first. Defaults as torch: lr=1.0, rho=0.9, eps=1e-6."""

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
                 foreach=None, *, capturable: bool = False, maximize: bool = False, differentiable: bool = False):
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho} (it must be in [0, 1])")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        lr, rho, eps, wd = group["lr"], group["rho"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["square_avg"] = zeros_state(p)
            state["acc_delta"] = zeros_state(p)
        count_step(state)
        if wd:
            g = g + wd * p
        square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
        square_avg *= rho
        square_avg += (1 - rho) * (g * g)
        std = xp.sqrt(square_avg + eps)
        delta = xp.sqrt(acc_delta + eps) / std * g
        acc_delta *= rho
        acc_delta += (1 - rho) * (delta * delta)
        p -= lr * delta
