"""`LayerNorm`, `GroupNorm`, `RMSNorm`, `LocalResponseNorm` and `CrossMapLRN2d` (torch's arguments and
parameters)."""

from __future__ import annotations

import numbers

from ...tensor import Tensor
from .. import functional as F
from .. import init
from .._functional.normalization import local_response_norm, rms_norm
from .._norm_checks import checked_eps
from ..parameter import empty_param
from .batchnorm import _affine_parameters, _reset_affine
from .module import Module


class LayerNorm(Module):
    """Normalise over the trailing `normalized_shape` dimensions, with an elementwise affine map.

    Args: normalized_shape (int or tuple), eps=1e-5, elementwise_affine=True, bias=True.
    Shapes: input (*, *normalized_shape) -> same shape. weight ones, bias zeros, both shaped normalized_shape.
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(n) for n in normalized_shape)
        self.eps, self.elementwise_affine = checked_eps("LayerNorm", eps), elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        k = len(self.normalized_shape)
        if input.ndim < k or tuple(input._data.shape[-k:]) != self.normalized_shape:
            raise RuntimeError(f"LayerNorm({self.normalized_shape}): expected input with shape "
                               f"[*, {', '.join(map(str, self.normalized_shape))}], got {list(input.shape)}")
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalise each sample over groups of channels; per-channel affine map.

    Args: num_groups, num_channels (divisible by num_groups), eps=1e-5, affine=True, bias=True.
    Shapes: input (N, C, *) -> same shape. weight ones, bias zeros, both (C,).
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, device=None,
                 dtype=None, *, bias: bool = True):
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels, self.affine = num_groups, num_channels, affine
        self.eps = checked_eps("GroupNorm", eps)
        _affine_parameters(self, (num_channels,), affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise RuntimeError(f"GroupNorm({self.num_groups}, {self.num_channels}): expected input of shape (N, "
                               f"{self.num_channels}, *), got {tuple(input.shape)}")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class LocalResponseNorm(Module):
    """Args: size, alpha=1e-4, beta=0.75, k=1.0.  input (N, C, *) -> same shape."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(LocalResponseNorm):
    """LocalResponseNorm over channels of a 4-D input (N, C, H, W)."""

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
        return super().forward(input)


class RMSNorm(Module):
    """Args: normalized_shape, eps=None (the dtype's epsilon), elementwise_affine=True (weight ones).
    input (*, *normalized_shape) -> same shape."""

    def __init__(self, normalized_shape, eps: float | None = None, elementwise_affine: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps, self.elementwise_affine = checked_eps("RMSNorm", eps, allow_none=True), elementwise_affine
        self.register_parameter("weight", empty_param(self.normalized_shape, device, dtype)
                                if elementwise_affine else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, input: Tensor) -> Tensor:
        return rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


__all__ = [
    "LayerNorm", "GroupNorm", "LocalResponseNorm", "CrossMapLRN2d", "RMSNorm",
]
