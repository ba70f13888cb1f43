"""NAdam (Dozat 2016), Adam with Nesterov momentum and a momentum-decay schedule, as torch.optim.NAdam."""

from __future__ import annotations

from .._backend import xp_of
from ._checks import check_adam_args
from .optimizer import Optimizer, count_step, scalar_tensor, zeros_state


class NAdam(Optimizer):
    """mu_t = b1 (1 - 0.5 * 0.96^(t psi));  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
    p -= lr [(1-mu_t)/(1-prod mu) g + mu_{t+1}/(1-prod mu * mu_{t+1}) m] / (sqrt(v/(1-b2^t)) + eps).

    `psi` is `momentum_decay`; `weight_decay` adds wd p to g (L2), or with `decoupled_weight_decay` multiplies p
    by 1 - lr wd first (NAdamW). Defaults as torch: lr=2e-3, betas=(0.9, 0.999), eps=1e-8, momentum_decay=4e-3.
    """

    _scalar_keys = ("step", "mu_product")

    def __init__(self, params, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False, differentiable: bool = False):
        check_adam_args(lr, betas, eps, weight_decay, type(self).__name__)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        b1, b2 = group["betas"]
        lr, eps, wd, psi = group["lr"], group["eps"], group["weight_decay"], group["momentum_decay"]
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["mu_product"] = scalar_tensor(1.0)
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
        t = count_step(state)
        if wd:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * wd
            else:
                g = g + wd * p
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        # torch keeps the product in a float32 scalar tensor: `mu_product *= mu` in float32
        product = state["mu_product"]._data
        product *= mu
        mu_product = float(product)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += (1 - b1) * (g - m)
        v *= b2
        v += (1 - b2) * (g * g)
        denom = xp.sqrt(v / (1 - b2**t))
        denom += eps
        p -= (lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        p -= (lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denom)
