"""`BatchNorm1d/2d/3d`: torch's arguments, parameters, buffers (running_mean, running_var, num_batches_tracked)
and momentum rule."""

from __future__ import annotations

import numbers

import numpy as np

from ...tensor import Tensor
from .. import functional as F
from .. import init
from .._norm_checks import checked_eps
from ..parameter import empty_param
from .module import Module


def _affine_parameters(module: Module, shape: tuple, affine: bool, bias: bool, device, dtype) -> None:
    """Give a normalisation layer its affine map: `weight` and (with `bias`) `bias`, both of `shape`; registered
    as None when absent, so that the state_dict keys are torch's."""
    for name, present in (("weight", affine), ("bias", affine and bias)):
        module.register_parameter(name, empty_param(shape, device, dtype) if present else None)


def _reset_affine(module: Module) -> None:
    """weight ones, bias zeros (where present)."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _BatchNorm(Module):
    """Shared BatchNorm machinery; subclasses fix the accepted input ranks.

    Buffers (with `track_running_stats`): running_mean (C,) zeros, running_var (C,) ones, num_batches_tracked ()
    int64. In training the batch statistics normalise and update the running ones (momentum None: cumulative
    average); in eval the running statistics normalise (batch statistics when not tracked).
    """

    _ranks: tuple = ()
    _shape_text = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        name = type(self).__name__
        if isinstance(num_features, bool) or not isinstance(num_features, numbers.Integral) or num_features <= 0:
            raise ValueError(f"{name}: num_features must be a positive int, got {num_features!r}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{name}: momentum must be in [0, 1] or None, got {momentum}")
        self.num_features, self.eps, self.momentum = int(num_features), checked_eps(name, eps), momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, (num_features,), affine, bias, device, dtype)
        if track_running_stats:
            like = empty_param((num_features,), device, dtype)
            self.register_buffer("running_mean", Tensor._wrap(like._data * 0, None))
            self.register_buffer("running_var", Tensor._wrap(like._data * 0 + 1, None))
            self.register_buffer("num_batches_tracked", Tensor._wrap(_long_zero(like), None))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input(self, input: Tensor) -> None:
        if input.ndim not in self._ranks:
            raise ValueError(f"{self._describe()}: expected {self._shape_text} input (got {input.ndim}D input of "
                             f"shape {tuple(input.shape)})")
        if input.shape[1] != self.num_features:
            raise RuntimeError(f"{self._describe()}: expected {self.num_features} channels in dimension 1, got "
                             f"{input.shape[1]} (input shape {tuple(input.shape)})")

    def _describe(self) -> str:
        return f"{type(self).__name__}({self.num_features})"

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked._data += 1
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked._data)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                            self.weight, self.bias, use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


def _long_zero(like: Tensor):
    from ..._backend import xp_of

    return xp_of(like._data).zeros((), dtype=np.int64)


class BatchNorm1d(_BatchNorm):
    """BatchNorm over (N, C) or (N, C, L) input, statistics per channel C.  Output: same shape."""

    _ranks = (2, 3)
    _shape_text = "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """BatchNorm over (N, C, H, W) input, statistics per channel C.  Output: same shape."""

    _ranks = (4,)
    _shape_text = "4D"


class BatchNorm3d(_BatchNorm):
    """BatchNorm over (N, C, D, H, W) input, statistics per channel C.  Output: same shape."""

    _ranks = (5,)
    _shape_text = "5D"


__all__ = [
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
]

_NormBase = _BatchNorm  # torch splits the base in two; one class serves here
