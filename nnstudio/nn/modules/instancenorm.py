"""`InstanceNorm1d/2d/3d` (torch's arguments; affine and running statistics off by default) and their lazy forms
`LazyInstanceNorm1d/2d/3d` (num_features from the first input)."""

from __future__ import annotations

from ...tensor import Tensor
from .. import init
from .._functional.instancenorm import instance_norm
from .._norm_checks import checked_eps
from ..parameter import empty_param
from .batchnorm import _LazyNormBase
from .module import Module


class _InstanceNorm(Module):
    """Shared machinery. Args: num_features (C), eps=1e-5, momentum=0.1, affine=False (weight ones, bias zeros,
    (C,)), bias=True (keyword), track_running_stats=False (running_mean zeros, running_var ones,
    num_batches_tracked, which torch never advances for instance norm)."""

    _dims = 0  # spatial dims

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, checked_eps(type(self).__name__, eps), momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        for name, present in (("weight", affine), ("bias", affine and bias)):
            self.register_parameter(name, empty_param((num_features,), device, dtype) if present else None)
        if track_running_stats:
            from ... import ones, tensor, zeros

            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        d = self._dims
        if input.ndim not in (d + 1, d + 2):
            raise ValueError(f"{type(self).__name__}: expected {d + 1}D (unbatched) or {d + 2}D (batched) input, "
                             f"got {input.ndim}D input of shape {tuple(input.shape)}")
        unbatched = input.ndim == d + 1
        x = input.unsqueeze(0) if unbatched else input
        if x.shape[1] != self.num_features and self.affine:
            raise ValueError(f"{type(self).__name__}: expected input's size at dim=1 to match num_features "
                             f"({self.num_features}), but got: {x.shape[1]}.")
        use_input_stats = self.training or not self.track_running_stats
        y = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_input_stats,
                          self.momentum if self.momentum is not None else 0.1, self.eps)
        return y.squeeze(0) if unbatched else y

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """input (N, C, L) or (C, L) -> same shape."""

    _dims = 1


class InstanceNorm2d(_InstanceNorm):
    """input (N, C, H, W) or (C, H, W) -> same shape."""

    _dims = 2


class InstanceNorm3d(_InstanceNorm):
    """input (N, C, D, H, W) or (C, D, H, W) -> same shape."""

    _dims = 3


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    """An InstanceNorm1d with num_features = input.shape[1] at the first forward; becomes an InstanceNorm1d."""

    cls_to_become = InstanceNorm1d
    _dims = 1


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    """An InstanceNorm2d with num_features = input.shape[1] at the first forward; becomes an InstanceNorm2d."""

    cls_to_become = InstanceNorm2d
    _dims = 2


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    """An InstanceNorm3d with num_features = input.shape[1] at the first forward; becomes an InstanceNorm3d."""

    cls_to_become = InstanceNorm3d
    _dims = 3


__all__ = [
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
]
