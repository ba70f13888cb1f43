"""What the distributions need beyond the engine: the implicit reparameterisation gradient of Gamma samples (a
primitive on scipy.special / cupyx.scipy.special), and short names for the engine's lgamma, digamma, erf, erfinv,
special.gammainc, linalg.cholesky and lower-triangular solves.
"""

from __future__ import annotations

import importlib

import numpy as np

from .._backend import xp_of
from ..autograd import Function, apply
from ..tensor import Tensor


def _sp(a):
    """scipy.special for NumPy arrays, cupyx.scipy.special for CuPy ones."""
    return importlib.import_module("scipy.special" if xp_of(a) is np else "cupyx.scipy.special")


class _StandardGammaSample(Function):
    """A Gamma(alpha, 1) draw x given as `sample`, reparameterised: dx/dalpha = -(dF/dalpha) / f(x), F the CDF
    (regularised lower incomplete gamma, its alpha-derivative by a central difference), f the density."""

    def forward(self, alpha, sample):
        self.alpha, self.x = alpha, sample
        return sample

    def backward(self, g):
        sp, xp = _sp(self.alpha), xp_of(self.alpha)
        a = self.alpha.astype(np.float64)
        x = xp.maximum(self.x.astype(np.float64), 1e-30)
        h = 1e-5 * xp.maximum(a, 1.0)
        dF = (sp.gammainc(a + h, x) - sp.gammainc(a - h, x)) / (2 * h)
        log_pdf = (a - 1) * xp.log(x) - x - sp.gammaln(a)
        grad = -dF / xp.exp(log_pdf)
        return (g * grad.astype(g.dtype), None)


def lgamma(x: Tensor) -> Tensor:
    return x.lgamma()


def digamma(x: Tensor) -> Tensor:
    return x.digamma()


def erf(x: Tensor) -> Tensor:
    return x.erf()


def erfinv(x: Tensor) -> Tensor:
    return x.erfinv()


def gammainc(a: Tensor, x: Tensor) -> Tensor:
    """The regularised lower incomplete gamma P(a, x)."""
    from ..special import gammainc as p

    return p(a, x)


def standard_gamma(alpha: Tensor, rng) -> Tensor:
    """Gamma(alpha, 1) samples (alpha's shape), differentiable in alpha (implicit reparameterisation)."""
    a = alpha.detach().cpu().numpy()
    draw = rng.standard_gamma(a).astype(a.dtype)
    draw = np.maximum(draw, np.finfo(a.dtype).tiny)
    sample = Tensor._wrap(draw, None).to(alpha.device)
    return apply(_StandardGammaSample, alpha, sample)


def cholesky(a: Tensor) -> Tensor:
    from ..linalg import cholesky as chol

    return chol(a)


def solve_lower(L: Tensor, B: Tensor) -> Tensor:
    """L^-1 B, L (*, n, n) lower-triangular, B (*, n, k), broadcast over the batch."""
    import numpy as np

    from ..linalg import solve_triangular

    batch = np.broadcast_shapes(tuple(L.shape[:-2]), tuple(B.shape[:-2]))
    return solve_triangular(L.expand(batch + tuple(L.shape[-2:])), B.expand(batch + tuple(B.shape[-2:])),
                            upper=False)
