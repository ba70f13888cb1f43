"""InverseGamma (a TransformedDistribution of a Gamma, as torch builds it)."""

from __future__ import annotations

import math

from ..tensor import Tensor, where
from . import constraints
from ._special import digamma, lgamma
from ._transformed import _Transformed
from .gamma import Gamma
from .transforms import PowerTransform


class InverseGamma(_Transformed):
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    _carry = ()

    def __init__(self, concentration, rate, validate_args: bool | None = None) -> None:
        base = Gamma(concentration, rate, validate_args=validate_args)
        super().__init__(base, PowerTransform(-1.0),
                         validate_args=validate_args)

    @property
    def has_rsample(self) -> bool:
        return True

    @property
    def concentration(self) -> Tensor:
        return self.base_dist.concentration

    @property
    def rate(self) -> Tensor:
        return self.base_dist.rate

    @property
    def mean(self) -> Tensor:
        result = self.rate / (self.concentration - 1)
        return where(self.concentration > 1, result, result * 0 + math.inf)

    @property
    def mode(self) -> Tensor:
        return self.rate / (self.concentration + 1)

    @property
    def variance(self) -> Tensor:
        c = self.concentration
        result = self.rate.square() / ((c - 1).square() * (c - 2))
        return where(c > 2, result, result * 0 + math.inf)

    def entropy(self) -> Tensor:
        c = self.concentration
        return c + self.rate.log() + lgamma(c) - (1 + c) * digamma(c)
