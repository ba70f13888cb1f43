"""Gumbel (a TransformedDistribution of a Uniform, as torch builds it)."""

from __future__ import annotations

import math

from ..tensor import Tensor
from . import constraints
from ._transformed import _Transformed
from .transforms import AffineTransform, ExpTransform
from .uniform import Uniform
from .utils import _EULER, broadcast_all, eps, tiny


class Gumbel(_Transformed):
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    _carry = ("loc", "scale")

    def __init__(self, loc, scale, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        from .. import full_like

        base = Uniform(full_like(self.loc, tiny(self.loc)), full_like(self.loc, 1 - eps(self.loc)),
                       validate_args=validate_args)
        transforms = [ExpTransform().inv, AffineTransform(loc=0, scale=-1), ExpTransform().inv,
                      AffineTransform(loc=self.loc, scale=-self.scale)]
        super().__init__(base, transforms, validate_args=validate_args)

    @property
    def has_rsample(self) -> bool:
        return True

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = (self.loc - value) / self.scale
        return (z - z.exp()) - self.scale.log()

    @property
    def mean(self) -> Tensor:
        return self.loc + self.scale * _EULER

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def entropy(self) -> Tensor:
        return self.scale.log() + (1 + _EULER)
