"""More losses of `nn.functional` (torch 2.13's formulas), composed from differentiable tensor ops:
poisson_nll_loss, gaussian_nll_loss, margin_ranking_loss, hinge_embedding_loss, soft_margin_loss,
cosine_embedding_loss, multi_margin_loss, multilabel_margin_loss, triplet_margin_with_distance_loss."""

from __future__ import annotations

import math

from ..tensor import Tensor, where


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    from .functional import _reduce as reduce_

    return reduce_(loss, reduction)


def _legacy(size_average, reduce, reduction: str) -> str:
    from .functional import _legacy_reduction

    return _legacy_reduction(size_average, reduce, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """exp(x) - t x (log_input) or x - t log(x + eps); `full` adds Stirling's t log t - t + log(2 pi t) / 2
    where t > 1."""
    reduction = _legacy(size_average, reduce, reduction)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        t = target.detach()
        safe = where(t > 1, t, t * 0 + 1)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + where(t > 1, stirling, stirling * 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) with `full`).
    var: same shape as input, or one fewer trailing dim / a trailing 1 (homoscedastic), or a float."""
    from .. import tensor as _tensor

    if not isinstance(var, Tensor):
        var = _tensor(float(var), dtype=input.dtype, device=input.device)
    elif var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1) and var.numel() != 1:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if bool((var.detach() < 0).any()):
        raise ValueError("var has negative entry/entries")
    v = var + (var.detach().clamp(min=eps) - var.detach())  # torch clamps under no_grad: the gradient passes
    loss = 0.5 * (v.log() + (input - target) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, -y (x1 - x2) + margin)."""
    reduction = _legacy(size_average, reduce, reduction)
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1."""
    reduction = _legacy(size_average, reduce, reduction)
    zeros = input * 0
    loss = where(target == 1, input, zeros) + where(target == -1, (margin - input).clamp(min=0), zeros)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-y x))."""
    reduction = _legacy(size_average, reduce, reduction)
    return _reduce((-target * input).exp().log1p(), reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1.  x: (N, D) or (D,)."""
    reduction = _legacy(size_average, reduce, reduction)
    eps = 1e-12
    dim = input1.ndim - 1
    prod = (input1 * input2).sum(dim)
    mag = ((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)
    cos = prod / mag.sqrt()
    zeros = cos * 0
    loss = where(target == 1, 1 - cos, zeros) + where(target == -1, (cos - margin).clamp(min=0), zeros)
    return _reduce(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """sum over i != y of max(0, margin - x[y] + x[i])^p / C (times weight[y]).  input (N, C) or (C,)."""
    reduction = _legacy(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input.unsqueeze(0) if input.ndim == 1 else input
    t = target.reshape(-1)
    n, c = x.shape
    picked = x.gather(1, t.unsqueeze(1))
    z = (margin - picked + x).clamp(min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[t].unsqueeze(1)
    from .. import arange

    not_target = (arange(c, device=x.device).unsqueeze(0) != t.unsqueeze(1)).to(x.dtype)
    loss = (z * not_target).sum(1) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """sum over target classes j (the prefix of `target` before the first -1) and non-target i of
    max(0, 1 - (x[j] - x[i])) / C.  input, target (N, C) or (C,)."""
    import numpy as np

    from .. import tensor as _tensor

    reduction = _legacy(size_average, reduce, reduction)
    x = input.unsqueeze(0) if input.ndim == 1 else input
    t = target.unsqueeze(0) if target.ndim == 1 else target
    n, c = x.shape
    tt = t.detach().cpu().numpy()
    is_target = np.zeros((n, c), dtype=bool)
    for row in range(n):
        for j in tt[row]:
            if j < 0:
                break
            is_target[row, j] = True
    mask_t = _tensor(is_target.astype(np.float64), dtype=x.dtype, device=x.device)
    # pairwise hinge (N, C_j, C_i), kept only for j a target and i not a target
    h = (1 - (x.unsqueeze(2) - x.unsqueeze(1))).clamp(min=0)
    pair = mask_t.unsqueeze(2) * (1 - mask_t).unsqueeze(1)
    loss = (h * pair).sum((1, 2)) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with d = distance_function (default: pairwise_distance)."""
    from .distance_functional import pairwise_distance

    d = distance_function if distance_function is not None else pairwise_distance
    dp, dn = d(anchor, positive), d(anchor, negative)
    if swap:
        from .. import minimum

        dn = minimum(dn, d(positive, negative))
    return _reduce((dp - dn + margin).clamp(min=0), reduction)
