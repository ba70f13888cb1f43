"""The normalisations of `nn.functional`: `layer_norm`, `group_norm`, `rms_norm`, `local_response_norm`,
`normalize`, and the affine-parameter checks they share with `batch_norm` and `instance_norm`."""

from __future__ import annotations

import math
import numbers

from ...autograd import apply
from ...autograd.names import as_torch_node
from ...ops import normalization as N
from ...tensor import Tensor
from .. import functional as F


def _params(weight: Tensor | None, bias: Tensor | None) -> tuple:
    return tuple(p for p in (weight, bias) if p is not None)


def _check_param(fn: str, name: str, p: Tensor | None, n: int, what: str) -> None:
    if p is not None and p.numel() != n:
        raise RuntimeError(f"{fn}: expected {name} with {n} elements ({what}), got shape {tuple(p.shape)}")


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing `normalized_shape` dimensions of input (*, *normalized_shape).

    weight, bias: shaped `normalized_shape` (elementwise affine). Output: same shape as input.
    """
    shape = (int(normalized_shape),) if isinstance(normalized_shape, numbers.Integral) else \
        tuple(int(n) for n in normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input._data.shape[-k:]) != shape:
        raise RuntimeError(f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise RuntimeError(f"layer_norm: expected {name} of shape {shape} (normalized_shape), got "
                               f"{tuple(p.shape)}")
    x = input._data
    inner = math.prod(shape)
    stat_shape = (x.size // inner if inner else 0, inner)
    mean, var, xc = N.moments(x.reshape(stat_shape), (1,))
    out = apply(N.Normalize, input, *_params(weight, bias), stat_shape=stat_shape, stat_axes=(1,),
                param_shape=(1,) * (input.ndim - k) + shape, mean=mean, var=var, eps=eps, batch_stats=True,
                centered=xc, has_weight=weight is not None, has_bias=bias is not None)
    return as_torch_node(out, "NativeLayerNormBackward0")


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise input (N, C, *) over each group of C / num_groups channels (and all of *), per sample.

    weight, bias: (C,), a per-channel affine map after normalising. Output: same shape as input.
    """
    if input.ndim < 2:
        raise RuntimeError(f"group_norm: expected input of shape (N, C, *) with at least 2 dimensions, got shape "
                           f"{tuple(input.shape)}")
    n, c = input._data.shape[0], input._data.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"group_norm: expected the number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(input.shape)} and num_groups={num_groups}")
    for name, p in (("weight", weight), ("bias", bias)):
        _check_param("group_norm", name, p, c, f"one per channel of input {tuple(input.shape)}")
    x = input._data
    stat_shape = (n, num_groups, (c // num_groups) * math.prod(input.shape[2:]))
    mean, var, xc = N.moments(x.reshape(stat_shape), (2,))
    return apply(N.Normalize, input, *_params(weight, bias), stat_shape=stat_shape, stat_axes=(2,),
                 param_shape=(1, c) + (1,) * (input.ndim - 2), mean=mean, var=var, eps=eps, batch_stats=True,
                 centered=xc, has_weight=weight is not None, has_bias=bias is not None)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """x / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta.  input (N, C, *) -> same."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    n, c = input.shape[0], input.shape[1]
    sq = (input * input).reshape(n, 1, c, -1)
    sq = F.pad(sq, (0, 0, size // 2, (size - 1) // 2))
    div = F.avg_pool2d(sq, (size, 1), stride=1).reshape(input.shape)
    return input / (div * alpha + k) ** beta


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x^2 over the trailing normalized_shape dims) + eps) * weight; eps defaults to the dtype's
    machine epsilon (torch's default)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(f"rms_norm: expected input with shape [*, {', '.join(map(str, shape))}], got "
                           f"{list(input.shape)}")
    if eps is None:
        import numpy as np

        eps = float(np.finfo(input.detach().cpu().numpy().dtype).eps)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    y = input * ((input * input).mean(dim=dims, keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    result = input / input.norm(p, dim=dim, keepdim=True).clamp(min=eps)
    if out is None:
        return result
    from ..._tensor.functions import write_out

    return write_out(result, out, "normalize")


__all__ = [
    "layer_norm", "group_norm", "local_response_norm", "rms_norm", "normalize",
]
