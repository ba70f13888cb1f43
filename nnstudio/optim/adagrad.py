"""Adagrad (torch's update: per-parameter learning rates from the sum of squared gradients)."""

from __future__ import annotations

from .._backend import xp_of
from .optimizer import Optimizer, count_step, scalar_tensor, state_tensor


class Adagrad(Optimizer):
    """s += g^2;  p -= lr / (1 + (t-1) lr_decay) * g / (sqrt(s) + eps)."""

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, fused=None):
        if lr_decay < 0:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if initial_accumulator_value < 0:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["sum"] = state_tensor(xp.full_like(p, group["initial_accumulator_value"]))
        t = count_step(state)
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        s = state["sum"]._data
        s += g * g
        p -= clr * (g / (xp.sqrt(s) + group["eps"]))
