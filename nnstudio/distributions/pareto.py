"""Pareto (a TransformedDistribution of an Exponential, as torch builds it)."""

from __future__ import annotations

from ..tensor import Tensor
from . import constraints
from ._transformed import _Transformed
from .exponential import Exponential
from .transforms import AffineTransform, ExpTransform
from .utils import broadcast_all


class Pareto(_Transformed):
    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}
    _carry = ("scale", "alpha")

    def __init__(self, scale, alpha, validate_args: bool | None = None) -> None:
        self.scale, self.alpha = broadcast_all(scale, alpha)
        base = Exponential(self.alpha, validate_args=validate_args)
        super().__init__(base, [ExpTransform(), AffineTransform(loc=0, scale=self.scale)],
                         validate_args=validate_args)

    @property
    def has_rsample(self) -> bool:
        return True

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.greater_than_eq(self.scale)

    @property
    def mean(self) -> Tensor:
        a = self.alpha.clamp(min=1)
        return a * self.scale / (a - 1)

    @property
    def mode(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        a = self.alpha.clamp(min=2)
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    def entropy(self) -> Tensor:
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())
