"""Adafactor (Shazeer & Stern 2018) as torch.optim.Adafactor: Adam-like steps whose second moment of a matrix is
kept factored, as a row and a column vector, so its memory grows with rows + columns instead of their product."""

from __future__ import annotations

import math

import numpy as np

from .._backend import xp_of
from ._hyperparams import check_hyperparameters
from .optimizer import Optimizer, count_step, scalar_tensor, state_tensor


class Adafactor(Optimizer):
    """beta2_t = 1 - t^beta2_decay;  rho = min(lr, 1/sqrt t);  alpha = max(eps2, RMS(p)) rho;
    v: row/col means of g^2 (matrices: outer product over the row mean) or g^2 (vectors), averaged with beta2_t;
    u = g / sqrt(max(v, eps1^2));  p -= alpha / max(1, RMS(u) / d) u. weight_decay scales p by 1 - lr wd first.
    Defaults as torch: lr=1e-2, beta2_decay=-0.8, eps=(None -> the dtype's eps, 1e-3), d=1, weight_decay=0."""

    def __init__(self, params, lr: float = 1e-2, beta2_decay: float = -0.8, eps: tuple = (None, 1e-3),
                 d: float = 1.0, weight_decay: float = 0.0, *, foreach=None, maximize: bool = False):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize))

    def _validate(self, group) -> None:
        """lr and weight_decay as every optimizer; eps is a pair here (None or a number, then a number)."""
        check_hyperparameters(type(self).__name__, {k: group[k] for k in ("lr", "weight_decay")})
        eps1, eps2 = group["eps"]
        if (eps1 is not None and not 0.0 <= eps1) or not 0.0 <= eps2:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps1}" if eps1 is not None and not 0.0 <= eps1
                             else f"epsilon2 should be >= 0 but is: {eps2}")

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        eps1, eps2 = group["eps"]
        eps1 = float(np.finfo(g.dtype).eps) if eps1 is None else eps1
        if not state:
            state["step"] = scalar_tensor(0.0)
            if g.ndim > 1:
                state["row_var"] = state_tensor(xp.zeros(g.shape[:-1] + (1,), dtype=g.dtype))
                state["col_var"] = state_tensor(xp.zeros(g.shape[:-2] + (1, g.shape[-1]), dtype=g.dtype))
            else:
                state["variance"] = state_tensor(xp.zeros_like(g))
        t = count_step(state)
        beta2_t = t ** group["beta2_decay"]
        rho = min(group["lr"], 1 / math.sqrt(t))
        alpha = max(eps2, float(xp.linalg.norm(p.ravel())) / math.sqrt(p.size)) * rho
        if group["weight_decay"]:
            p *= 1 - group["lr"] * group["weight_decay"]
        if g.ndim > 1:
            row_var, col_var = state["row_var"]._data, state["col_var"]._data
            row_var += beta2_t * ((g * g).sum(axis=-1, keepdims=True) / g.shape[-1] - row_var)
            col_var += beta2_t * ((g * g).sum(axis=-2, keepdims=True) / g.shape[-2] - col_var)
            var = row_var @ col_var
            var /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"]._data
            variance += beta2_t * (g * g - variance)
            var = variance.copy()
        update = 1 / xp.sqrt(xp.maximum(var, eps1 * eps1))
        update *= g
        denom = max(1.0, float(xp.linalg.norm(update.ravel())) / (math.sqrt(update.size) * group["d"]))
        p -= (alpha / denom) * update
