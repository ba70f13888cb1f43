"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch's update)."""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ._fused_gpu import sgd_momentum_step
from .optimizer import Optimizer, state_tensor


class SGD(Optimizer):
    """d = g + wd p;  b = mu b + (1 - dampening) d (b = d at the first step);  d = d + mu b (nesterov) or b;
    p -= lr d."""

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False, foreach=None,
                 differentiable: bool = False, fused=None):
        if momentum < 0:
            raise ValueError(f"Invalid momentum value: {momentum} (it must be >= 0)")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    _scalar_keys = ()

    def _keeps_state(self, group) -> bool:
        """Only momentum is state (torch's SGD leaves `state` empty without it)."""
        return bool(group["momentum"])

    def _update(self, group, p, g, state):
        wd, mu = group["weight_decay"], group["momentum"]
        if wd:
            g = g + wd * p
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = g.copy()
                state["momentum_buffer"] = state_tensor(buf)
            else:
                buf = buf._data
                if xp_of(p) is not np and not group["nesterov"]:  # the GPU: one kernel launch
                    sgd_momentum_step(xp_of(p), p, g, buf, mu, group["dampening"], group["lr"])
                    return
                buf *= mu
                dampening = group["dampening"]
                buf += g if dampening == 0 else (1 - dampening) * g  # the same numbers, one pass fewer
            g = g + mu * buf if group["nesterov"] else buf
        p -= group["lr"] * g
