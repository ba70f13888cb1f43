"""RMSprop (torch's update)."""

from __future__ import annotations

from .._backend import xp_of
from .optimizer import Optimizer, count_step, scalar_tensor, zeros_state


class RMSprop(Optimizer):
    """s = a s + (1-a) g^2;  (centered: c = a c + (1-a) g, s' = s - c^2);  d = g / (sqrt(s') + eps);
    with momentum: b = mu b + d, p -= lr b; else p -= lr d."""

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
                 momentum: float = 0, centered: bool = False, capturable: bool = False, foreach=None,
                 maximize: bool = False, differentiable: bool = False):
        if momentum < 0:
            raise ValueError(f"Invalid momentum value: {momentum} (it must be >= 0)")
        if alpha < 0:
            raise ValueError(f"Invalid alpha value: {alpha} (it must be >= 0)")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        alpha, eps, wd, mu = group["alpha"], group["eps"], group["weight_decay"], group["momentum"]
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["square_avg"] = zeros_state(p)
            if mu > 0:
                state["momentum_buffer"] = zeros_state(p)
            if group["centered"]:
                state["grad_avg"] = zeros_state(p)
        count_step(state)
        if wd:
            g = g + wd * p
        sq = state["square_avg"]._data
        sq *= alpha
        sq += (1 - alpha) * (g * g)
        if group["centered"]:
            ga = state["grad_avg"]._data
            ga += (1 - alpha) * (g - ga)
            avg = xp.sqrt(sq - ga * ga)
        else:
            avg = xp.sqrt(sq)
        avg += eps
        if mu > 0:
            buf = state["momentum_buffer"]._data
            buf *= mu
            buf += g / avg
            p -= group["lr"] * buf
        else:
            p -= group["lr"] * (g / avg)


