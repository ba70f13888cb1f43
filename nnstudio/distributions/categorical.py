"""`Categorical(probs=None, logits=None)`: one of K categories (event shape (), values 0..K-1)."""

from __future__ import annotations

import numpy as np

from ..tensor import Size, Tensor
from . import constraints
from .distribution import Distribution
from .utils import lazy_property, logits_to_probs, probs_to_logits, rng

__all__ = ["Categorical"]


def _normalised(probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    if probs is not None:
        if probs.ndim < 1:
            raise ValueError("`probs` parameter must be at least one-dimensional.")
        return probs / probs.sum(-1, keepdim=True), None
    if logits.ndim < 1:
        raise ValueError("`logits` parameter must be at least one-dimensional.")
    return None, logits - logits.logsumexp(dim=-1, keepdim=True)


def draw_categories(probs: Tensor, sample_shape: Size) -> Tensor:
    """Indices drawn from the last-dim distributions of `probs`: (*sample_shape, *batch) int64, as torch's
    Categorical.sample (`multinomial(probs_2d, n, replacement=True).T`: torch's numbers for the stream)."""
    p = probs.detach().cpu().numpy()
    k = p.shape[-1]
    batch = p.shape[:-1]
    m = int(np.prod(tuple(sample_shape), dtype=np.int64))
    rows = p.reshape(-1, k)
    idx = rng().torch_multinomial(rows, m, True).T if m else np.zeros((0, rows.shape[0]), np.int64)
    return Tensor._wrap(np.ascontiguousarray(idx).reshape(tuple(sample_shape) + batch), None).to(probs.device)


class Categorical(Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        probs, logits = _normalised(probs, logits)
        if probs is not None:
            self.probs = probs
        else:
            self.logits = logits
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        batch_shape = self._param.shape[:-1] if self._param.ndim > 1 else Size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Categorical, _instance)
        batch_shape = Size(tuple(batch_shape))
        param_shape = tuple(batch_shape) + (self._num_events,)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(param_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(param_shape)
            new._param = new.logits
        new._num_events = self._num_events
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> Size:
        return self._param.shape

    @property
    def mean(self) -> Tensor:
        from .. import full

        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype, device=self.probs.device)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    @property
    def variance(self) -> Tensor:
        return self.mean

    def sample(self, sample_shape=Size()) -> Tensor:
        return draw_categories(self.probs, Size(tuple(sample_shape)))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        shape = np.broadcast_shapes(tuple(value.shape), tuple(self.logits.shape))
        value = value.expand(shape)[..., :1]
        log_pmf = self.logits.expand(shape)
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self) -> Tensor:
        min_real = float(np.finfo(self.logits.detach().cpu().numpy().dtype).min)
        logits = self.logits.clamp(min=min_real)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        from .. import arange

        n = self._num_events
        values = arange(n, device=self._param.device).reshape((n,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((n,) + tuple(self._batch_shape))
        return values
