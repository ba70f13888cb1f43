"""LowRankMultivariateNormal: covariance cov_factor @ cov_factor.T + diag(cov_diag)."""

from __future__ import annotations

from ..tensor import Size, Tensor
from . import constraints
from .distribution import Distribution
from .multivariate_normal import MultivariateNormal
from .utils import standard_normal


class LowRankMultivariateNormal(Distribution):
    """A Gaussian with covariance cov_factor @ cov_factor.T + diag(cov_diag): loc (*, k), cov_factor (*, k, r),
    cov_diag (*, k). Densities through the full covariance's Cholesky factor (the same values as torch's
    capacitance formulas)."""

    arg_constraints = {"loc": constraints.real_vector,
                       "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, cov_factor: Tensor, cov_diag: Tensor, validate_args: bool | None = None):
        import numpy as np

        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        k = loc.shape[-1]
        if cov_factor.ndim < 2 or cov_factor.shape[-2] != k:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {k} x m")
        if cov_diag.shape[-1:] != loc.shape[-1:]:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {tuple(loc.shape[-1:])}")
        batch = np.broadcast_shapes(tuple(loc.shape[:-1]), tuple(cov_factor.shape[:-2]), tuple(cov_diag.shape[:-1]))
        self.loc = loc.expand(batch + (k,))
        self.cov_factor = cov_factor.expand(batch + tuple(cov_factor.shape[-2:]))
        self.cov_diag = cov_diag.expand(batch + (k,))
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        super().__init__(batch, (k,), validate_args=validate_args)
        from .. import diag_embed

        cov = cov_factor @ cov_factor.transpose(-2, -1) + diag_embed(cov_diag)
        self._mvn = MultivariateNormal(self.loc, covariance_matrix=cov, validate_args=False)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        batch_shape = tuple(batch_shape)
        k, r = self.event_shape[0], self.cov_factor.shape[-1]
        new.loc = self.loc.expand(batch_shape + (k,))
        new.cov_diag = self.cov_diag.expand(batch_shape + (k,))
        new.cov_factor = self.cov_factor.expand(batch_shape + (k, r))
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._mvn = self._mvn.expand(batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return (self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag).expand(
            tuple(self._batch_shape) + tuple(self._event_shape))

    @property
    def scale_tril(self) -> Tensor:
        return self._mvn.scale_tril

    @property
    def covariance_matrix(self) -> Tensor:
        return self._mvn.covariance_matrix

    @property
    def precision_matrix(self) -> Tensor:
        return self._mvn.precision_matrix

    def rsample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        w_shape = tuple(shape[:-1]) + (self.cov_factor.shape[-1],)
        eps_w = standard_normal(w_shape, self.loc)
        eps_d = standard_normal(shape, self.loc)
        return (self.loc + (self._unbroadcasted_cov_factor @ eps_w.unsqueeze(-1)).squeeze(-1)
                + self._unbroadcasted_cov_diag.sqrt() * eps_d)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self._mvn.log_prob(value)

    def entropy(self) -> Tensor:
        return self._mvn.entropy()
