"""`Poisson(rate)`: counts 0, 1, 2, ... with mean `rate`."""

from __future__ import annotations

import numbers

from ..tensor import Size, Tensor
from . import constraints
from ._special import lgamma
from .exp_family import ExponentialFamily
from .gamma import xlogy
from .utils import broadcast_all, draw, expand_params

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(Size() if isinstance(rate, numbers.Number) else self.rate.shape,
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, Poisson, batch_shape, _instance, ("rate",))

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        lam = self.rate.detach().expand(shape).cpu().numpy()
        return draw(shape, self.rate, lambda g, s: g.poisson(lam))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return xlogy(value, self.rate) - self.rate - lgamma(value + 1)
