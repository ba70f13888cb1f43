"""The special functions and matrix primitives the distributions need, as differentiable primitives on
scipy.special (cupyx.scipy.special on the GPU) and the array module's linalg.

Private to the package: lgamma, digamma, erf, erfinv, the regularised lower incomplete gamma, the implicit
reparameterisation gradient of Gamma samples, Cholesky and triangular solves.
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


class _Lgamma(Function):
    """z = ln|Gamma(a)|;  dz/da = digamma(a)"""

    def forward(self, a):
        self.a = a
        return _sp(a).gammaln(a).astype(a.dtype, copy=False)

    def backward(self, g):
        return (g * _sp(self.a).digamma(self.a).astype(g.dtype, copy=False),)


class _Digamma(Function):
    """z = psi(a);  dz/da = polygamma(1, a)"""

    def forward(self, a):
        self.a = a
        return _sp(a).digamma(a).astype(a.dtype, copy=False)

    def backward(self, g):
        return (g * _sp(self.a).polygamma(1, self.a).astype(g.dtype, copy=False),)


class _Erf(Function):
    """z = erf(a);  dz/da = 2/sqrt(pi) e^(-a^2)"""

    def forward(self, a):
        self.a = a
        return _sp(a).erf(a).astype(a.dtype, copy=False)

    def backward(self, g):
        xp = xp_of(self.a)
        return (g * (2 / np.sqrt(np.pi)) * xp.exp(-self.a * self.a),)


class _Erfinv(Function):
    """z = erfinv(a);  dz/da = sqrt(pi)/2 e^(z^2)"""

    def forward(self, a):
        self.z = _sp(a).erfinv(a).astype(a.dtype, copy=False)
        return self.z

    def backward(self, g):
        xp = xp_of(self.z)
        return (g * (np.sqrt(np.pi) / 2) * xp.exp(self.z * self.z),)


class _StandardGammaSample(Function):
    """A Gamma(alpha, 1) draw x given as `sample`, reparameterised: dx/dalpha = -(dF/dalpha) / f(x), F the CDF
    (regularised lower incomplete gamma, its alpha-derivative by a central difference), f the density."""

    def forward(self, alpha, sample):
        self.alpha, self.x = alpha, sample
        return sample

    def backward(self, g):
        sp, xp = _sp(self.alpha), xp_of(self.alpha)
        a = self.alpha.astype(np.float64)
        x = np.maximum(self.x.astype(np.float64), 1e-30) if xp is np else xp.maximum(self.x.astype(np.float64), 1e-30)
        h = 1e-5 * xp.maximum(a, 1.0)
        dF = (sp.gammainc(a + h, x) - sp.gammainc(a - h, x)) / (2 * h)
        log_pdf = (a - 1) * xp.log(x) - x - sp.gammaln(a)
        grad = -dF / xp.exp(log_pdf)
        return (g * grad.astype(g.dtype), None)


class _Cholesky(Function):
    """L = cholesky(A) (lower), batched;  Abar = L^-T Phi(L^T Lbar) L^-1 symmetrised, Phi: lower half with a
    halved diagonal."""

    def forward(self, a):
        xp = xp_of(a)
        try:
            self.L = xp.linalg.cholesky(a)
        except Exception as e:  # noqa: BLE001 - NumPy's LinAlgError
            raise RuntimeError(f"cholesky: the input is not positive-definite ({e})") from None
        return self.L

    def backward(self, g):
        xp = xp_of(self.L)
        L = self.L
        P = xp.swapaxes(L, -1, -2) @ g
        P = xp.tril(P) - 0.5 * xp.eye(L.shape[-1], dtype=L.dtype) * P
        Linv = xp.linalg.inv(L)
        S = xp.swapaxes(Linv, -1, -2) @ P @ Linv
        return (0.5 * (S + xp.swapaxes(S, -1, -2)),)


class _SolveLowerTriangular(Function):
    """X = L^-1 B for lower-triangular L (batched, broadcast);  Bbar = L^-T G, Lbar = -tril(Bbar X^T)."""

    def forward(self, L, B):
        xp = xp_of(L)
        batch = np.broadcast_shapes(L.shape[:-2], B.shape[:-2])
        self.L_shape, self.B_shape = L.shape, B.shape
        self.L = xp.broadcast_to(L, batch + L.shape[-2:])
        Bb = xp.broadcast_to(B, batch + B.shape[-2:])
        self.X = xp.linalg.solve(self.L, Bb)
        return self.X

    def backward(self, g):
        xp = xp_of(self.L)
        gB = xp.linalg.solve(xp.swapaxes(self.L, -1, -2), g)
        gL = -xp.tril(gB @ xp.swapaxes(self.X, -1, -2))
        return _unbroadcast(xp, gL, self.L_shape), _unbroadcast(xp, gB, self.B_shape)


def _unbroadcast(xp, g, shape):
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, s in enumerate(shape):
        if s == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdims=True)
    return g


def lgamma(x: Tensor) -> Tensor:
    return apply(_Lgamma, x)


def digamma(x: Tensor) -> Tensor:
    return apply(_Digamma, x)


def erf(x: Tensor) -> Tensor:
    return apply(_Erf, x)


def erfinv(x: Tensor) -> Tensor:
    return apply(_Erfinv, x)


def gammainc(a: Tensor, x: Tensor) -> Tensor:
    """The regularised lower incomplete gamma P(a, x) (not differentiable)."""
    data = _sp(a._data).gammainc(a._data, x._data).astype(x._data.dtype, copy=False)
    return Tensor._wrap(data, None)


def standard_gamma(alpha: Tensor, rng) -> Tensor:
    """Gamma(alpha, 1) samples (alpha's shape), differentiable in alpha (implicit reparameterisation)."""
    a = alpha.detach().cpu().numpy()
    draw = rng.standard_gamma(a).astype(a.dtype)
    draw = np.maximum(draw, np.finfo(a.dtype).tiny)
    sample = Tensor._wrap(draw, None).to(alpha.device)
    return apply(_StandardGammaSample, alpha, sample)


def cholesky(a: Tensor) -> Tensor:
    return apply(_Cholesky, a)


def solve_lower(L: Tensor, B: Tensor) -> Tensor:
    """L^-1 B, L (*, n, n) lower-triangular, B (*, n, k), broadcast over the batch."""
    return apply(_SolveLowerTriangular, L, B)
