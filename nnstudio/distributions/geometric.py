"""`Geometric(probs=None, logits=None)`: failures before the first success (0, 1, 2, ...)."""

from __future__ import annotations

from ..tensor import Size, Tensor, where
from . import constraints
from .distribution import Distribution
from .utils import BinaryParams, expand_params, tiny, uniform

__all__ = ["Geometric"]


class Geometric(BinaryParams, Distribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args: bool | None = None) -> None:
        _, scalar = self._set_binary_param(probs, logits)
        super().__init__(Size() if scalar else self._param.shape, validate_args=validate_args)
        if self._validate_args and probs is not None and not bool((self.probs > 0).all()):
            raise ValueError(f"Expected parameter probs of distribution Geometric to be positive but found "
                             f"invalid values:\n{self.probs}")

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, Geometric, batch_shape, _instance, ("probs", "logits"))

    @property
    def mean(self) -> Tensor:
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return self.probs * 0

    @property
    def variance(self) -> Tensor:
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        p = self.probs.detach()
        u = uniform(shape, p).clamp(min=tiny(p))
        return (u.log() / (-p).log1p()).floor()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        import numpy as np

        shape = np.broadcast_shapes(tuple(value.shape), tuple(self.probs.shape))
        v, p = value.expand(shape), self.probs.expand(shape)
        p_safe = where((p == 1) & (v == 0), p * 0, p)
        return v * (-p_safe).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        from ..nn.functional import binary_cross_entropy_with_logits

        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs
