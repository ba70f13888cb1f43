"""The losses of `nn.functional` (torch's names, arguments, reductions and error messages) and the shared checks
and reductions of the loss modules."""

from __future__ import annotations

import math

import numpy as np

from ..._backend import defer, xp_of
from ...autograd import apply, is_grad_enabled
from ...autograd.names import as_torch_composite
from ...ops import loss as LO
from ...tensor import Tensor, _as_tensor, where
from .activation import (
    logsigmoid,
)
from .distance import pairwise_distance


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction (use 'mean', 'sum' or 'none')")


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _check_same_shape(name: str, input: Tensor, target: Tensor, error: type = ValueError) -> None:
    if input.shape != target.shape:
        raise error(f"{name}: target shape {tuple(target.shape)} must match input shape "
                         f"{tuple(input.shape)}")


def _broadcast_target(name: str, input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """torch's regression losses: a target of another shape is broadcast against the input, with torch's
    UserWarning (an (N, 1) output against an (N,) target gives an (N, N) difference: almost always a bug, but
    a program that has it prints torch's numbers). Shapes that do not broadcast raise RuntimeError."""
    if input.shape == target.shape:
        return input, target
    import warnings

    from ..._tensor.functions import broadcast_shapes

    try:
        shape = broadcast_shapes(input.shape, target.shape)
    except (RuntimeError, ValueError):
        raise RuntimeError(f"{name}: the target's shape {tuple(target.shape)} does not broadcast with the "
                           f"input's {tuple(input.shape)}; they should be the same") from None
    warnings.warn(f"{name}: using a target size {tuple(target.shape)} that is different to the input size "
                  f"{tuple(input.shape)}. This will likely lead to incorrect results due to broadcasting "
                  f"(both become {tuple(shape)}). Please ensure they have the same size.", UserWarning,
                  stacklevel=3)
    return input.expand(*shape), target.expand(*shape)


def _class_last(input: Tensor) -> Tensor:
    """(N, C, d1, ...) -> (N * d1 * ..., C); (N, C) unchanged; (C,) -> (1, C)."""
    if input.ndim == 1:
        return input.unsqueeze(0)
    if input.ndim == 2:
        return input
    dims = (0,) + tuple(range(2, input.ndim)) + (1,)
    return input.permute(*dims).reshape(-1, input.shape[1])


_TORCH_DTYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bool": "Bool", "int32": "Int",
                      "int16": "Short", "int8": "Char", "complex64": "ComplexFloat"}


def _check_class_weight(name: str, weight: Tensor | None, n_classes: int) -> None:
    """torch's check of a per-class `weight`: 1-D with one entry per class."""
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(f"{name}: weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")


def _check_class_target(name: str, input: Tensor, target: Tensor, ignore_index: int) -> None:
    if target._data.dtype.kind not in "iu":
        got = _TORCH_DTYPE_NAMES.get(str(target._data.dtype), str(target._data.dtype))
        raise RuntimeError(f"{name}: expected target dtype to be Long or Byte, but got {got}: a target of shape "
                           f"{tuple(target.shape)} holds class indices, so use target.long() (int64); class "
                           f"probabilities are floats with the input's shape {tuple(input.shape)}")
    shape = input._data.shape
    expected = (shape[0],) + shape[2:] if input.ndim >= 2 else ()
    if target._data.shape != expected:
        raise ValueError(f"{name}: expected target of shape {expected} for input of shape {tuple(input.shape)}"
                         f" (class dimension 1), got {tuple(target.shape)}")
    c = shape[1] if input.ndim >= 2 else shape[0]
    t = target._data
    if t.size:
        bad = (t >= c) | (t < 0)
        bad = bad & (t != ignore_index)
        if xp_of(t) is not np:  # on the GPU: reported at the next read-out, so the step never waits
            defer(f"{name} target", bad.any(), lambda: IndexError(
                f"{name}: a target value was out of bounds for {c} classes (targets must be in [0, {c - 1}]); "
                f"checked on the GPU, so reported at this read-out rather than at the loss"))
        elif bool(bad.any()):
            raise IndexError(f"{name}: target value {int(t[bad].reshape(-1)[0])} is out of bounds for {c} classes "
                             f"(targets must be in [0, {c - 1}])")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices. input (N, C) or (N, C, d1, ...) log-probabilities;
    target (N,) or (N, d1, ...) int64."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    target = _as_tensor(target)
    _check_class_target("nll_loss", input, target, ignore_index)
    _check_class_weight("nll_loss", weight, input._data.shape[1 if input.ndim >= 2 else 0])
    flat = _class_last(input)
    w = None if weight is None else weight._data
    out = apply(LO.NllLoss, flat, target=target._data.reshape(-1), weight=w, ignore_index=ignore_index,
                reduction=reduction)
    if reduction == "none":
        return out.reshape(target.shape)
    return out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dimension (1, or 0 for 1-D input) followed by nll_loss.

    `target` holds class indices (int64, shape input.shape without dim 1) or class probabilities (float,
    same shape as input). `label_smoothing` in [0, 1] mixes in the uniform distribution.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    target = _as_tensor(target)
    class_dim = 0 if input.ndim == 1 else 1
    logp = input.log_softmax(class_dim)
    n_classes = input._data.shape[class_dim]
    _check_class_weight("cross_entropy", weight, n_classes)
    if target._data.dtype.kind == "f" and target.shape != input.shape and target.ndim == input.ndim - 1:
        _check_class_target("cross_entropy", input, target, ignore_index)  # class indices given as floats
    if target._data.dtype.kind == "f":
        _check_same_shape("cross_entropy", input, target, RuntimeError)
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        wl = logp if weight is None else logp * weight.reshape((-1,) + (1,) * (input.ndim - 2))
        loss = -(wl * target).sum(class_dim)
        if reduction == "mean":
            return loss.sum() / loss.numel() if loss.numel() else loss.sum() * float("nan")  # torch: nan for none
        return _reduce(loss, reduction)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    valid = Tensor._wrap(target._data != ignore_index, None)
    if weight is not None:
        wl = logp * weight.reshape((-1,) + (1,) * (input.ndim - 2)) if input.ndim > 1 else logp * weight
        smooth = -wl.sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(~valid, 0.0)
    if reduction == "mean":
        if weight is not None:
            t = target._data[target._data != ignore_index]
            denom = weight._data[t].sum()
        else:
            denom = valid._data.sum()
        smooth = smooth.sum() / float(denom)
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _weighted(loss: Tensor, input: Tensor, weight, reduction: str, mean_by_weight: bool) -> Tensor:
    """torch 2.13's `weight=` of mse / l1 / huber: elementwise, of input's size; 'mean' divides by weight.sum()
    for mse and l1, by the element count for huber."""
    if weight is None:
        return _reduce(loss, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    if reduction not in ("sum", "none"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    return _reduce(loss, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error (a target of another shape is broadcast, with torch's warning)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x, target = _broadcast_target("mse_loss", input, _as_tensor(target, input))
    diff = x - target
    return as_torch_composite(_weighted(diff * diff, input, weight, reduction, True), "MseLossBackward0", input,
                              target)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x, target = _broadcast_target("l1_loss", input, _as_tensor(target, input))
    return _weighted((x - target).abs(), input, weight, reduction, True)


def _smooth_l1(x: Tensor, target: Tensor, beta: float) -> Tensor:
    d = (x - target).abs()
    if beta == 0:
        return d
    return where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    x, target = _broadcast_target("smooth_l1_loss", input, _as_tensor(target, input))
    loss = _reduce(_smooth_l1(x, target, beta), _legacy_reduction(size_average, reduce, reduction))
    return as_torch_composite(loss, "SmoothL1LossBackward0", input, target)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    x, target = _broadcast_target("huber_loss", input, _as_tensor(target, input))
    loss = _weighted(_smooth_l1(x, target, delta) * delta, input, weight, reduction, False)
    return as_torch_composite(loss, "HuberLossBackward0", input, target)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """-w [y log x + (1 - y) log(1 - x)] for probabilities x in [0, 1] (logs clamped at -100 as torch)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    _check_same_shape("binary_cross_entropy", input, target)
    x = input._data
    if x.size:
        outside = ((x < 0) | (x > 1)).any()
        error = lambda: RuntimeError(  # noqa: E731
            "binary_cross_entropy: all elements of input should be between 0 and 1 (apply sigmoid first, or "
            "use BCEWithLogitsLoss on raw scores)")
        if xp_of(x) is not np:  # on the GPU: reported at the next read-out, so the step never waits
            defer("binary_cross_entropy input", outside, error)
        elif outside:
            raise error()
    loss = apply(LO.BinaryCrossEntropy, input, target)
    if weight is not None:
        loss = loss * weight
    return as_torch_composite(_reduce(loss, reduction), "BinaryCrossEntropyBackward0", input, target)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + BCE in one numerically stable formula; `pos_weight` weighs the positive term per class."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    _check_same_shape("binary_cross_entropy_with_logits", input, target)
    # log(1 + e^-|x|) + max(-x, 0) = -log sigmoid(x), computed without overflow
    log_sig_neg = input.abs().neg().exp().log1p() + (-input).relu()
    if pos_weight is not None:
        coef = (pos_weight - 1) * target + 1
        loss = (1 - target) * input + coef * log_sig_neg
    else:
        loss = (1 - target) * input + log_sig_neg
    if weight is not None:
        loss = loss * weight
    return as_torch_composite(_reduce(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0", input, target)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    if log_target:
        loss = target.exp() * (target - input)
    else:
        safe = target.clamp(min=1e-45)
        loss = where(target > 0, target * (safe.log() - input), 0.0)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0]
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """exp(x) - t x (log_input) or x - t log(x + eps); `full` adds Stirling's t log t - t + log(2 pi t) / 2
    where t > 1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
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
    from ... import tensor as _tensor

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
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """torch's formula: max(0, margin - x) where y != 1, plus x where y != -1 (so x + max(0, margin - x) for a
    target that is neither), in x's dtype. input (*), target broadcastable with it."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    target = _as_tensor(target, input)
    zeros = input.new_zeros(input.shape)
    margin_clamp = (margin - input).clamp_min(0)
    if margin_clamp.dtype != input.dtype:  # an integer input keeps its dtype, as torch's
        margin_clamp = margin_clamp.to(input.dtype)
    loss = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-y x)) in x's dtype, as one op with torch's gradient (and torch's inf / NaN where -y x is
    large). input (*), target broadcastable to input's shape."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    target = _as_tensor(target, input)
    if not input.is_floating_point():
        raise RuntimeError(f"soft_margin_loss: result type Float can't be cast to the desired output type "
                           f"{_TORCH_DTYPE_NAMES.get(str(input._data.dtype), 'Long')} (the input {input.dtype})")
    if target.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument "
                           "'target'. This input cannot have requires_grad True.")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    if shape != tuple(input.shape):
        raise RuntimeError(f"soft_margin_loss: output with shape {list(input.shape)} doesn't match the broadcast "
                           f"shape {list(shape)} (the target must broadcast to the input's shape)")
    # torch's node has one edge, to the input (the target is not differentiable here)
    return as_torch_composite(apply(LO.SoftMarginLoss, input, target, reduction=reduction),
                              "SoftMarginLossBackward0", input)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1.  x: (N, D) or (D,)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
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
    reduction = _legacy_reduction(size_average, reduce, reduction)
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
    from ... import arange

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

    from ... import tensor as _tensor

    reduction = _legacy_reduction(size_average, reduce, reduction)
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
    from .distance import pairwise_distance

    d = distance_function if distance_function is not None else pairwise_distance
    dp, dn = d(anchor, positive), d(anchor, negative)
    if swap:
        from ... import minimum

        dn = minimum(dn, d(positive, negative))
    return _reduce((dp - dn + margin).clamp(min=0), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = "mean") -> Tensor:
    """-(y log sigmoid(x) + (1 - y) log sigmoid(-x)) (times weight (C,)), averaged over the class (last) dim.
    input (N, C) or (C,), target the same shape with values in {0, 1} -> scalar (or (N,) with 'none')."""

    reduction = _legacy_reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    if input.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    try:
        np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except ValueError:
        raise RuntimeError(f"multilabel_soft_margin_loss: target shape {tuple(target.shape)} must match input "
                           f"shape {tuple(input.shape)} (or broadcast with it)") from None
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.ndim - 1) / input.shape[-1]
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not valid")
    return _reduce(loss, reduction)


_NEG = -1e30  # a finite "log 0": keeps the recursion's gradients finite where no path exists


def _lse3(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    from ... import maximum

    m = maximum(maximum(a, b), c).detach()
    return m + ((a - m).exp() + (b - m).exp() + (c - m).exp()).log()


def _sample_nll(lp: Tensor, target: list, length: int, blank: int) -> Tensor:
    """-log p(target | lp[:length]) for one sample; lp (T, C) log-probabilities."""
    from ... import cat, full, tensor

    ext = [blank]
    for label in target:
        ext += [int(label), blank]
    L = len(ext)
    ext_t = tensor(np.asarray(ext, dtype=np.int64), device=lp.device)
    skip = np.zeros(L, dtype=bool)
    for s in range(2, L):
        skip[s] = ext[s] != blank and ext[s] != ext[s - 2]
    skip_t = tensor(skip, device=lp.device)
    neg = full((L,), _NEG, dtype=lp.dtype, device=lp.device)
    start = np.full(L, _NEG)
    start[0] = 0.0
    if L > 1:
        start[1] = 0.0
    alpha = tensor(start, dtype=lp.dtype, device=lp.device) + lp[0].gather(0, ext_t)
    neg1, neg2 = neg[:1], neg[:2]
    for t in range(1, length):
        a2 = cat([neg1, alpha[:-1]]) if L > 1 else neg1
        a3 = cat([neg2, alpha[:-2]]) if L > 2 else neg[:L]
        a3 = where(skip_t, a3, neg)
        alpha = _lse3(alpha, a2, a3) + lp[t].gather(0, ext_t)
    last = alpha[L - 1:]
    prev = alpha[L - 2:L - 1] if L > 1 else neg1
    return -_lse3(last, prev, neg1)[0]


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """log_probs (T, N, C) or (T, C) (log_softmax outputs); targets (N, S) padded or 1-D concatenated;
    input_lengths, target_lengths (N,). 'mean' divides each loss by its target length, then averages."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.ndim == 2
    lp_all = log_probs.unsqueeze(1) if unbatched else log_probs
    T, N, C = lp_all.shape
    in_len = [int(v) for v in np.asarray(input_lengths.tolist() if hasattr(input_lengths, "tolist")
                                         else input_lengths).reshape(-1)]
    tg_len = [int(v) for v in np.asarray(target_lengths.tolist() if hasattr(target_lengths, "tolist")
                                         else target_lengths).reshape(-1)]
    tg = np.asarray(targets.tolist() if hasattr(targets, "tolist") else targets)
    if unbatched and tg.ndim == 1:
        tg = tg.reshape(1, -1)
    if len(in_len) != N or len(tg_len) != N:
        raise RuntimeError(f"ctc_loss: expected input_lengths and target_lengths of size {N}, got {len(in_len)} "
                           f"and {len(tg_len)}")
    from ... import stack

    losses, offset = [], 0
    for b in range(N):
        if in_len[b] > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {in_len[b]}")
        if tg.ndim == 2:
            target = tg[b, :tg_len[b]].tolist()
        else:
            target = tg[offset:offset + tg_len[b]].tolist()
            offset += tg_len[b]
        lp = lp_all[:, b]
        nll = _sample_nll(lp, target, in_len[b], blank)
        e = lp[:in_len[b]].exp()
        nll = nll + (e - e.detach()).sum()  # torch's gradient for log-prob inputs carries exp(log_probs)
        impossible = float(nll.detach()) > 1e29
        if impossible:
            nll = nll * 0 if zero_infinity else nll * 0 + float("inf")
        losses.append(nll)
    loss = stack(losses)
    if reduction == "none":
        return loss[0] if unbatched else loss
    if reduction == "sum":
        return loss.sum()
    from ... import tensor

    lengths = tensor(np.maximum(np.asarray(tg_len, dtype=np.float64), 1), dtype=loss.dtype, device=loss.device)
    return (loss / lengths).mean()


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2.0,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with d = pairwise_distance(p, eps); `swap` uses min(d(a, n), d(p, n)).
    anchor, positive, negative (N, D) or (D,) -> scalar (or (N,) with reduction='none')."""

    reduction = _legacy_reduction(size_average, reduce, reduction)
    dims = (anchor.ndim, positive.ndim, negative.ndim)
    if len(set(dims)) != 1:
        raise RuntimeError(f"triplet_margin_loss: the anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and "
                           f"negative {dims[2]}D inputs (shapes {tuple(anchor.shape)}, {tuple(positive.shape)}, "
                           f"{tuple(negative.shape)})")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = d_neg.minimum(d_swap)
    loss = (d_pos - d_neg + margin).clamp(min=0)
    return _reduce(loss, reduction)


__all__ = [
    "nll_loss", "cross_entropy", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss",
    "hinge_embedding_loss", "soft_margin_loss", "cosine_embedding_loss", "multi_margin_loss",
    "multilabel_margin_loss", "triplet_margin_with_distance_loss", "multilabel_soft_margin_loss", "ctc_loss",
    "triplet_margin_loss",
]
