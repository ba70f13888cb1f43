"""`BatchNorm1d/2d/3d`: torch's arguments, parameters, buffers (running_mean, running_var, num_batches_tracked)
and momentum rule; `LazyBatchNorm1d/2d/3d` (num_features from the first input) and `_LazyNormBase`, which the
lazy instance norms share."""

from __future__ import annotations

import numbers

import numpy as np

from ...autograd import no_grad
from ...tensor import Tensor
from .. import functional as F
from .. import init
from .._norm_checks import checked_eps
from ..parameter import UninitializedBuffer, UninitializedParameter, empty_param
from .lazy import LazyModuleMixin
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
        if isinstance(num_features, bool) or not isinstance(num_features, numbers.Integral) or num_features < 0:
            raise ValueError(f"{name}: num_features must be a non-negative int, got {num_features!r}")
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


_NormBase = _BatchNorm  # torch splits the base in two; one class serves here


class _LazyNormBase(LazyModuleMixin):
    """The lazy norm constructor (torch's defaults: affine and track_running_stats True, for the instance norms
    too): weight, bias, running_mean and running_var are placeholders until num_features = input.shape[1] is
    known. Mixed in before `_BatchNorm` or `_InstanceNorm`."""

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            from ... import tensor

            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, device=device)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with no_grad():
                names = (("weight", "bias") if self.affine else ()) + (
                    ("running_mean", "running_var") if self.track_running_stats else ())
                for name in names:
                    t = getattr(self, name)
                    if t is not None:
                        t.materialize((self.num_features,))
                self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    """A BatchNorm1d with num_features inferred from the first input; becomes a BatchNorm1d."""

    cls_to_become = BatchNorm1d
    _ranks, _shape_text = BatchNorm1d._ranks, BatchNorm1d._shape_text


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    """A BatchNorm2d with num_features inferred from the first input; becomes a BatchNorm2d."""

    cls_to_become = BatchNorm2d
    _ranks, _shape_text = BatchNorm2d._ranks, BatchNorm2d._shape_text


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    """A BatchNorm3d with num_features inferred from the first input; becomes a BatchNorm3d."""

    cls_to_become = BatchNorm3d
    _ranks, _shape_text = BatchNorm3d._ranks, BatchNorm3d._shape_text


__all__ = [
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
]
