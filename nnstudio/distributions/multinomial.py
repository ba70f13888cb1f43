"""Multinomial (torch's parameters, sampling and log_prob)."""

from __future__ import annotations

import numpy as np

from ..tensor import Size, Tensor, where
from . import constraints
from ._special import lgamma
from .categorical import Categorical
from .distribution import Distribution
from .utils import rng


class Multinomial(Distribution):
    """Counts of `total_count` draws from a Categorical (event shape (K,))."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs=None, logits=None, validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial_probs = None
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = Size(tuple(batch_shape))
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        p = self.probs.detach().cpu().numpy().astype(np.float64)
        p = p / p.sum(-1, keepdims=True)
        flat = p.reshape(-1, p.shape[-1])
        m = int(np.prod(tuple(sample_shape), dtype=np.int64))
        counts = np.stack([rng().multinomial(self.total_count, flat) for _ in range(m)])
        return Tensor._wrap(counts.reshape(tuple(shape)).astype(p.dtype if self.probs.dtype.itemsize == 8 else
                                                                  np.float32), None).to(self.probs.device)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        shape = np.broadcast_shapes(tuple(self.logits.shape), tuple(value.shape))
        logits, value = self.logits.expand(shape), value.expand(shape)
        log_factorial_n = lgamma(value.sum(-1) + 1)
        log_factorial_xs = lgamma(value + 1).sum(-1)
        logits = where((value == 0) & (logits == -float("inf")), logits * 0, logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self) -> Tensor:
        """n H(cat) - log n! + sum over k = 1..n of P(X_i = k) log k! (the Binomial marginals)."""
        import math

        from .binomial import Binomial

        n = self.total_count
        term1 = n * self._categorical.entropy() - math.lgamma(n + 1)
        binomial = Binomial(n, self.probs)
        support = binomial.enumerate_support()[1:]
        term2 = (binomial.log_prob(support).exp() * lgamma(support + 1)).sum(0).sum(-1)
        return term1 + term2
