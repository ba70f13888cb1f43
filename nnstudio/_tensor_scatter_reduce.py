"""`Tensor.scatter_reduce` / `scatter_reduce_` and `torch.scatter_reduce` (sum, prod, mean, amax, amin).
Importing this module attaches the methods to `Tensor`."""

from __future__ import annotations

from ._tensor_inplace import _as_index, _check_scatter, _inplace_of
from .autograd import apply
from .ops.scatter_reduce import REDUCTIONS, ScatterReduce
from .tensor import Tensor


def scatter_reduce(self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """A copy of self where each position that `index` addresses along `dim` holds the reduction (`reduce`:
    "sum", "prod", "mean", "amax" or "amin") of the src values sent there, and of self's value when
    `include_self`. index and src have self's number of dimensions; index is no larger than src, nor than self
    outside `dim`. Differentiable in self and src for every reduction."""
    if reduce not in REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): src must be a Tensor, got {type(src).__name__}")
    d = _check_scatter(self, dim, index, src, "scatter_reduce")
    return apply(ScatterReduce, self, src, index=_as_index(index), axis=d, reduce=reduce,
                 include_self=bool(include_self))


scatter_reduce_ = _inplace_of(scatter_reduce, "scatter_reduce_")
Tensor.scatter_reduce = scatter_reduce
Tensor.scatter_reduce_ = scatter_reduce_

__all__ = ["scatter_reduce"]
