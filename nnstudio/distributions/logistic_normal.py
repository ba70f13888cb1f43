"""LogisticNormal (a Normal through a StickBreakingTransform, as torch builds it)."""

from __future__ import annotations

from ..tensor import Tensor
from . import constraints
from ._transformed import _Transformed
from .normal import Normal
from .transforms import StickBreakingTransform


class LogisticNormal(_Transformed):
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    _carry = ()

    def __init__(self, loc, scale, validate_args: bool | None = None) -> None:
        base = Normal(loc, scale, validate_args=validate_args)
        if not base.batch_shape:
            base = base.expand([1])
        super().__init__(base, StickBreakingTransform(), validate_args=validate_args)

    @property
    def has_rsample(self) -> bool:
        return True

    @property
    def loc(self) -> Tensor:
        return self.base_dist.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.base_dist.scale
