"""RAdam (Liu et al. 2019), Adam with a rectified variance warm-up, as torch.optim.RAdam."""

from __future__ import annotations

from .._backend import xp_of
from ._checks import check_adam_args
from .optimizer import Optimizer, count_step, scalar_tensor, zeros_state


class RAdam(Optimizer):
    """m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  rho_inf = 2/(1-b2) - 1;  rho_t = rho_inf - 2 t b2^t/(1-b2^t).
    While rho_t <= 5: p -= lr m/(1-b1^t) (plain momentum); afterwards
    p -= lr m/(1-b1^t) * r_t sqrt(1-b2^t) / (sqrt(v) + eps), r_t the variance rectification term.

    `weight_decay` adds wd p to g (L2), or with `decoupled_weight_decay` multiplies p by 1 - lr wd first.
    Defaults as torch: lr=1e-3, betas=(0.9, 0.999), eps=1e-8.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False):
        check_adam_args(lr, betas, eps, weight_decay, type(self).__name__)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        b1, b2 = group["betas"]
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
        t = count_step(state)
        if wd:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * wd
            else:
                g = g + wd * p
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += (1 - b1) * (g - m)
        v *= b2
        v += (1 - b2) * (g * g)
        bc1, bc2 = 1 - b1**t, 1 - b2**t
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2**t / bc2
        update = (m / bc1) * lr
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            update *= bc2**0.5 / (xp.sqrt(v) + eps)
            update *= rect
        p -= update
