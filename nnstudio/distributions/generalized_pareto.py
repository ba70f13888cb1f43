"""GeneralizedPareto (torch's parameters, support and closed forms)."""

from __future__ import annotations

import math
import numbers

from ..tensor import Size, Tensor, where
from . import constraints
from .distribution import Distribution
from .fishersnedecor import _NAN
from .utils import broadcast_all, expand_params, uniform


class GeneralizedPareto(Distribution):
    """loc, scale > 0, concentration xi: Exponential at xi = 0, Pareto-like tails for xi > 0, bounded for xi < 0."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        scalar = all(isinstance(v, numbers.Number) for v in (loc, scale, concentration))
        super().__init__(Size() if scalar else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, GeneralizedPareto, batch_shape, _instance, ("loc", "scale", "concentration"))

    def _safe(self):
        eq_zero = self.concentration.abs() <= 1e-8  # torch.isclose(c, 0): |c| <= atol
        return eq_zero, where(eq_zero, self.concentration * 0 + 1, self.concentration)

    def rsample(self, sample_shape=Size()) -> Tensor:
        return self.icdf(uniform(self._extended_shape(sample_shape), self.loc))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, safe = self._safe()
        y = 1 / safe + z * 0 + 1
        where_nonzero = where(y == 0, y, y * (safe * z).log1p())
        return -self.scale.log() - where(eq_zero, z, where_nonzero)

    def log_survival_function(self, value: Tensor) -> Tensor:
        z = (value - self.loc) / self.scale
        eq_zero, safe = self._safe()
        return where(eq_zero, -z, -(safe * z).log1p() / safe)

    def log_cdf(self, value: Tensor) -> Tensor:
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value: Tensor) -> Tensor:
        return self.log_cdf(value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        eq_zero, safe = self._safe()
        logu = (-value).log1p()
        where_nonzero = self.loc + self.scale / safe * ((-safe * logu).exp() - 1)
        return where(eq_zero, self.loc - self.scale * logu, where_nonzero)

    @property
    def mean(self) -> Tensor:
        valid = self.concentration < 1
        safe = where(valid, self.concentration, self.concentration * 0 + 0.5)
        result = self.loc + self.scale / (1 - safe)
        return where(valid, result, result * _NAN)

    @property
    def variance(self) -> Tensor:
        valid = self.concentration < 0.5
        safe = where(valid, self.concentration, self.concentration * 0 + 0.25)
        result = self.scale**2 / ((1 - safe) ** 2 * (1 - 2 * safe))
        return where(valid, result, result * _NAN)

    def entropy(self) -> Tensor:
        return (self.scale.log() + self.concentration + 1).expand(tuple(self._batch_shape))

    @property
    def mode(self) -> Tensor:
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        upper = where(self.concentration < 0, self.loc - self.scale / self.concentration,
                      self.loc * 0 + math.inf)
        return constraints.interval(self.loc, upper)
