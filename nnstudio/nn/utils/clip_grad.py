"""Gradient clipping (`torch.nn.utils.clip_grad_norm_`, `clip_grad_value_`): in place on `.grad`, no graph."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

import numpy as np

from ..._backend import xp_of
from ...tensor import Tensor


def _as_list(tensors) -> list:
    if isinstance(tensors, Tensor):
        return [tensors]
    return list(tensors)


def _grads(parameters) -> list:
    return [p.grad for p in _as_list(parameters) if p.grad is not None]


def _norm(arr, norm_type: float):
    """The `norm_type`-norm of one array, in its own dtype (as torch's vector_norm)."""
    xp = xp_of(arr)
    if arr.size == 0:
        return xp.zeros((), dtype=arr.dtype)
    if norm_type == math.inf:
        return xp.abs(arr).max()
    if norm_type == -math.inf:
        return xp.abs(arr).min()
    if norm_type == 0:
        return (arr != 0).sum().astype(arr.dtype)
    if norm_type == 2:
        return xp.sqrt(xp.sum(arr * arr))
    if norm_type == 1:
        return xp.abs(arr).sum()
    return (xp.abs(arr) ** norm_type).sum() ** (1.0 / norm_type)


def _zero() -> np.ndarray:
    return np.zeros((), dtype=np.float32)


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The norm of the per-tensor norms of `tensors` (a 0-d tensor; 0 when there are none)."""
    norm_type = float(norm_type)
    arrays = [t._data for t in _as_list(tensors)]
    if not arrays:
        return Tensor._wrap(_zero(), None)
    dtype = arrays[0].dtype
    xp = xp_of(arrays[0])
    norms = xp.stack([_norm(a, norm_type).astype(dtype) for a in arrays])
    total = _norm(norms, norm_type).astype(dtype)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return Tensor._wrap(xp.asarray(total), None)


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor, foreach: bool | None = None) -> None:
    """Scale every `.grad` by min(1, max_norm / (total_norm + 1e-6)), in place."""
    grads = _grads(parameters)
    if not grads:
        return
    total = total_norm._data if isinstance(total_norm, Tensor) else np.asarray(total_norm, dtype=np.float32)
    kind = np.dtype(str(total.dtype)).type  # torch computes the coefficient in the norm's dtype
    coef = kind(max_norm) / (kind(float(total)) + kind(1e-6))
    coef = coef if bool(coef != coef) else min(coef, kind(1.0))  # NaN stays NaN, as torch.clamp
    for g in grads:
        g._data *= g._data.dtype.type(coef)
        g._version += 1


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Rescale the gradients of `parameters` so that their joint `norm_type`-norm is at most `max_norm`.

    Returns the total norm before clipping (a 0-d tensor), as torch. Parameters without a `.grad` are skipped.
    """
    parameters = _as_list(parameters)
    grads = _grads(parameters)
    if not grads:
        return Tensor._wrap(_zero(), None)
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """Deprecated spelling of `clip_grad_norm_` (torch warns the same way)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Iterable | Tensor, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every `.grad` of `parameters` into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        xp_of(g._data).clip(g._data, -clip_value, clip_value, out=g._data)
        g._version += 1
