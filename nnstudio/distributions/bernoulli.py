"""`Bernoulli(probs=None, logits=None)`: 1 with probability p, else 0 (float values, as torch)."""

from __future__ import annotations

from ..tensor import Size, Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .utils import BinaryParams, expand_params, uniform

__all__ = ["Bernoulli"]


class Bernoulli(BinaryParams, ExponentialFamily):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, validate_args: bool | None = None) -> None:
        _, is_scalar = self._set_binary_param(probs, logits)
        super().__init__(Size() if is_scalar else self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, Bernoulli, batch_shape, _instance, ("probs", "logits"))

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        p = self.probs.detach().expand(shape)
        return (uniform(shape, p) < p).to(p.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        import numpy as np

        from ..nn.functional import binary_cross_entropy_with_logits

        shape = np.broadcast_shapes(tuple(self.logits.shape), tuple(value.shape))
        return -binary_cross_entropy_with_logits(self.logits.expand(shape), value.expand(shape).to(self.logits.dtype),
                                                 reduction="none")

    def entropy(self) -> Tensor:
        from ..nn.functional import binary_cross_entropy_with_logits

        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        from .. import arange

        values = arange(2, dtype=self._param.dtype, device=self._param.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((2,) + tuple(self._batch_shape)) if expand else values
