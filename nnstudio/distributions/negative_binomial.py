"""NegativeBinomial (torch's parameters, sampling and log_prob)."""

from __future__ import annotations

import numpy as np

from ..tensor import Size, Tensor, where
from . import constraints
from ._special import lgamma
from .distribution import Distribution
from .utils import BinaryParams, draw, expand_params


class NegativeBinomial(BinaryParams, Distribution):
    """Successes before `total_count` failures, success probability `probs`."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0), "probs": constraints.half_open_interval(0., 1.),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args: bool | None = None) -> None:
        (total_count,), _ = self._set_binary_param(probs, logits, total_count)
        self.total_count = total_count.to(self._param.dtype)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, NegativeBinomial, batch_shape, _instance, ("total_count", "probs", "logits"))

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        n = self.total_count.detach().expand(shape).cpu().numpy()
        p = self.probs.detach().expand(shape).cpu().numpy()
        return draw(shape, self._param, lambda g, s: g.poisson(g.gamma(np.maximum(n, 1e-30), p / (1 - p))))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        from ..nn.functional import logsigmoid

        log_unnormalized = self.total_count * logsigmoid(-self.logits) + value * logsigmoid(self.logits)
        log_normalization = -lgamma(self.total_count + value) + lgamma(1.0 + value) + lgamma(self.total_count)
        log_normalization = where(self.total_count + value == 0, log_normalization * 0, log_normalization)
        return log_unnormalized - log_normalization
