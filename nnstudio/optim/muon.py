"""Muon: momentum SGD whose update of each 2-D weight is orthogonalised by a few Newton-Schulz steps
(torch.optim.Muon, torch 2.13's update, bfloat16 rounding included).

Per parameter W (m, n) with gradient G:

    B <- mu B + (1 - mu) G                      (B = 0 before the first step)
    U = G + mu (B - G)   (nesterov)   or   B
    O = NS(U): X = U / max(||U||_F, eps) (as (n, m) when m > n), then `ns_steps` times
               A = X X^T;  X = a X + (b A + c A A) X   (a, b, c = ns_coefficients)
    W <- W (1 - lr wd) - lr' O,   lr' = lr * max(1, m/n)^0.5  ("original")  or  0.2 lr max(m, n)^0.5
                                   ("match_rms_adamw")

torch runs NS in bfloat16; NumPy has no bfloat16, so each NS value is rounded to bfloat16 precision here (float32
arithmetic, round to nearest even of the top 16 bits), which reproduces torch's numbers to bfloat16's precision.
"""

from __future__ import annotations

import math

import numpy as np

from .._backend import xp_of
from .optimizer import Optimizer, state_tensor


def _bf16(x):
    """float32 `x` rounded to the nearest bfloat16 value (ties to even), still stored as float32."""
    xp = xp_of(x)
    bits = xp.asarray(x, dtype=xp.float32).view(xp.uint32)
    rounded = (bits + xp.uint32(0x7FFF) + ((bits >> 16) & xp.uint32(1))) & xp.uint32(0xFFFF0000)
    return rounded.view(xp.float32)


def zeropower_via_newtonschulz(update, coefficients: tuple, steps: int, eps: float):
    """The near-orthogonal factor of a 2-D `update` (U S V^T -> about U S' V^T with S' near 1), in bfloat16 steps."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if update.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (np.float32(v) for v in coefficients)
    x = _bf16(update)
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    norm = max(_bf16(np.float32(xp_of(x).linalg.norm(x))), _bf16(np.float32(eps)))  # torch: bf16 norm, clamped
    x = _bf16(x / norm)
    for _ in range(steps):
        gram = _bf16(x @ x.T)
        poly = _bf16(b * gram + c * (gram @ gram))
        x = _bf16(a * x + poly @ x)
    return x.T if tall else x


def _adjusted_lr(lr: float, rule: str | None, shape: tuple) -> float:
    rows, cols = shape[:2]
    if rule is None or rule == "original":
        return lr * math.sqrt(max(1.0, rows / cols))
    if rule == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    return lr


class Muon(Optimizer):
    """Muon for 2-D parameters (see the module docstring); other shapes are refused, as torch does: give the
    biases and norms to another optimizer."""

    def __init__(self, params, lr: float = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
                 eps: float = 1e-07, ns_steps: int = 5, adjust_lr_fn: str | None = None) -> None:
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                      ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                                      adjust_lr_fn=adjust_lr_fn))
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{tuple(p.shape)}")

    def _update(self, group, p, g, state):
        mu, lr = group["momentum"], float(group["lr"])
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = state_tensor(xp_of(p).zeros_like(g))
        buf = state["momentum_buffer"]._data
        buf += (1 - mu) * (g - buf)
        update = g + mu * (buf - g) if group["nesterov"] else buf
        ortho = zeropower_via_newtonschulz(update, tuple(group["ns_coefficients"]), group["ns_steps"], group["eps"])
        p *= 1 - lr * group["weight_decay"]
        p -= np.float32(_adjusted_lr(lr, group["adjust_lr_fn"], p.shape)) * ortho.astype(p.dtype, copy=False)
