"""Adam and AdamW (torch's update, with bias correction and optional AMSGrad)."""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ..ops.intraop import batch_parts, run_parts
from ._fused_gpu import adam_step
from .optimizer import Optimizer, count_step, scalar_tensor, zeros_state


class Adam(Optimizer):
    """m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
    `weight_decay` adds wd p to g (L2); AdamW decays p directly instead."""

    _decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False, fused=None, decoupled_weight_decay=False):
        for i, b in enumerate(betas):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {b} (it must be in [0, 1))")
        # torch's groups also carry the implementation flags (print(optimizer) and state_dict() show them)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=self._decoupled or decoupled_weight_decay))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        b1, b2 = group["betas"]
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_state(p)
        if wd:
            if group.get("decoupled_weight_decay", self._decoupled):
                p *= 1 - lr * wd
            else:
                g = g + wd * p
        t = count_step(state)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        if xp is not np and not group["amsgrad"]:  # the GPU: the same arithmetic in one kernel launch
            adam_step(xp, p, g, m, v, b1, b2, lr / (1 - b1**t), (1 - b2**t) ** 0.5, eps)
            return
        vmax = state["max_exp_avg_sq"]._data if group["amsgrad"] else None
        coefs = (b1, b2, 1 - b1**t, (1 - b2**t) ** 0.5, lr, eps)
        if p.ndim == 0:  # as 1-element views: NumPy's ufuncs turn 0-d arrays into scalars, which `out=` refuses
            _adam_rows(p.reshape(1), xp.reshape(g, 1), m.reshape(1), v.reshape(1),
                       None if vmax is None else vmax.reshape(1), *coefs)
            return
        # a large parameter (the CNN's 9216x128 Linear) is updated by row blocks side by side on the CPU cores
        parts = batch_parts(p.shape[0], p.size * 8) if xp is np else [(0, p.shape[0])]
        run_parts(lambda lo, hi: _adam_rows(p[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi],
                                            None if vmax is None else vmax[lo:hi], *coefs), parts)


def _adam_rows(p, g, m, v, vmax, b1, b2, bc1, bc2_sqrt, lr, eps) -> None:
    """In place on (rows of) one parameter: m += (1-b1)(g-m); v = b2 v + (1-b2) g^2 (vmax = max(vmax, v) with
    AMSGrad); p -= lr/bc1 * m / (sqrt(v or vmax)/bc2_sqrt + eps), through one scratch array (fewer passes over
    memory and no fresh temporaries)."""
    xp = xp_of(p)
    tmp = xp.subtract(g, m)
    tmp *= 1 - b1
    m += tmp
    v *= b2
    xp.multiply(g, g, out=tmp)
    tmp *= 1 - b2
    v += tmp
    if vmax is not None:
        xp.maximum(vmax, v, out=vmax)
        xp.sqrt(vmax, out=tmp)
    else:
        xp.sqrt(v, out=tmp)
    tmp /= bc2_sqrt
    tmp += eps
    xp.divide(m, tmp, out=tmp)
    tmp *= lr / bc1
    p -= tmp


class AdamW(Adam):
    """Adam with decoupled weight decay: p *= 1 - lr wd before the Adam step (default wd = 0.01)."""

    _decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False, foreach=None,
                 capturable: bool = False, differentiable: bool = False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, foreach=foreach,
                         capturable=capturable, differentiable=differentiable, fused=fused)
