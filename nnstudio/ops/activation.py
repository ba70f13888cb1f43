"""Activation primitives: relu, leaky_relu, hardtanh (relu6), hardswish, sigmoid, log_sigmoid, tanh, gelu, softplus,
elu, softmax, log_softmax.

The backwards also run on Tensors under create_graph (`tensor_saves`, see autograd/engine.py); a value the fast
path caches from the input (gelu's CDF, softplus's sigmoid) is recomputed from the input Tensor there.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of
from .intraop import MIN_PART_ELEMENTS, elementwise
from .pointwise import array_namespace


def _erf(x):
    """Error function on the array's backend (SciPy/CuPy special when present)."""
    xp = xp_of(x)
    if xp.__name__ == "numpy":
        try:
            from scipy.special import erf
        except ImportError:  # pragma: no cover - scipy ships with scikit-learn
            return _erf_series(x)
        return erf(x).astype(x.dtype, copy=False)
    from cupyx.scipy.special import erf  # type: ignore

    return erf(x)


def _erf_series(x):
    """erf to about 1e-7 (Abramowitz & Stegun 7.1.26) for a NumPy without SciPy."""
    xp = xp_of(x)
    s = xp.sign(x)
    a = xp.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
               + 0.254829592) * t * xp.exp(-a * a)
    return (s * y).astype(x.dtype, copy=False)


class Relu(Function):
    """z = max(a, 0);  dz/da = [a > 0] (and 1 at NaN, where torch passes the gradient through too)"""

    tensor_saves: dict = {}  # the mask is a constant of the derivative

    def forward(self, a):
        if a.dtype.kind == "c":
            raise NotImplementedError("clamp is not supported for complex types")  # torch's relu is a clamp
        xp = xp_of(a)
        zero = a.dtype.type(0)
        if a.size < MIN_PART_ELEMENTS:  # one core: two ufuncs, without the row-block machinery's cost
            z = xp.maximum(a, zero)  # NaN stays NaN
            self.mask = z != zero
            return z
        z, self.mask = xp.empty_like(a), xp.empty(a.shape, dtype=bool)

        def relu(a, mask, out):
            xp.maximum(a, zero, out=out)  # NaN stays NaN
            xp.not_equal(out, zero, out=mask)  # a > 0 or a is NaN: where the gradient passes
        elementwise(xp, z, relu, a, self.mask)
        return z

    def backward(self, g):
        if hasattr(g, "_ctx") or g.size < MIN_PART_ELEMENTS:
            return (g * self.mask,)
        xp = xp_of(g)
        return (elementwise(xp, xp.empty(g.shape, dtype=g.dtype), xp.multiply, g, self.mask),)


class LeakyRelu(Function):
    """z = a if a > 0 else slope * a"""

    tensor_saves: dict = {}

    def forward(self, a, slope=0.01):
        xp = xp_of(a)
        self.scale = xp.where(a > 0, xp.asarray(1, a.dtype), xp.asarray(slope, a.dtype))
        return a * self.scale

    def backward(self, g):
        return (g * self.scale,)


class Hardtanh(Function):
    """z = clamp(a, min_val, max_val);  dz/da = 1 where min_val < a < max_val, else +0 (torch's vectorised
    hardtanh_backward: 0 at both ends and at NaN). relu6 is hardtanh(a, 0, 6)."""

    tensor_saves: dict = {}  # the mask is a constant of the derivative

    def forward(self, a, min_val=-1.0, max_val=1.0):
        xp = xp_of(a)
        lo, hi = a.dtype.type(min_val), a.dtype.type(max_val)
        self.mask = (a > lo) & (a < hi)
        return xp.minimum(xp.maximum(a, lo), hi)  # NaN stays NaN, as torch's clamp

    def backward(self, g):
        return (ns_of(g).where(self.mask, g, 0),)


_ONE_SIXTH_F32 = np.float32(1) / np.float32(6)  # torch's `1.0f / 6.0f`, in float64 gradients too


class Hardsigmoid(Function):
    """z = min(max(a + 3, 0), 6) / 6;  dz/da = g * (1/6 rounded to float32, as torch's constant) strictly inside
    (-3, 3), else +0 (torch's vectorised hardsigmoid_backward: 0 at -3, 3 and NaN)."""

    tensor_saves: dict = {}  # the mask is a constant of the derivative

    def forward(self, a):
        xp = xp_of(a)
        self.mask = (a > -3) & (a < 3)
        return xp.minimum(xp.maximum(a + a.dtype.type(3), a.dtype.type(0)), a.dtype.type(6)) / a.dtype.type(6)

    def backward(self, g):
        ns = ns_of(g)
        sixth = float(_ONE_SIXTH_F32) if ns.is_tensor else g.dtype.type(_ONE_SIXTH_F32)
        return (ns.where(self.mask, g * sixth, 0),)


class Hardswish(Function):
    """z = a relu6(a + 3) / 6;  dz/da = +0 for a <= -3, 1 for a >= 3, a / 3 + 1/2 otherwise (NaN at NaN): torch's
    vectorised hardswish_backward, in its order of operations."""

    tensor_saves = {"a": 0}

    def forward(self, a):
        xp = xp_of(a)
        self.a = a
        with xp.errstate(invalid="ignore") if hasattr(xp, "errstate") else contextlib.nullcontext():  # -inf * 0: NaN
            return a * xp.minimum(xp.maximum(a + 3, 0), 6) / 6

    def backward(self, g):
        ns, a = ns_of(g), self.a
        return (ns.where(a <= -3, 0, ns.where(a >= 3, g, g * (a / 3 + 0.5))),)


class Sigmoid(Function):
    """z = 1 / (1 + e^-a);  dz/da = z (1 - z)"""

    tensor_saves = {"z": "out"}

    def forward(self, a):
        # scipy.special.expit (cupyx's on the GPU): one stable pass, within an ulp of torch's, and faster at every
        # size than the sign-split exp formula (0.4 against 3.8 us on 64 elements, 0.68 against 2.6 ms on 262144)
        self.z = array_namespace(xp_of(a)).expit(a)
        return self.z

    def backward(self, g):
        z = self.z
        return (g * z * (1 - z),)


class LogSigmoid(Function):
    """z = min(a, 0) - log1p(e^-|a|) (torch's form);  dz/da = [a < 0] - (1 if a < 0 else -1) e^-|a| / (1 + e^-|a|),
    torch's log_sigmoid_backward (so 1/2 at a = 0, where the composite form's abs / relu gave 0). With history
    (create_graph) it is the same sigmoid(-a), whose derivative -sigmoid(a) sigmoid(-a) is torch's double
    backward."""

    tensor_saves = {"a": 0}

    def forward(self, a):
        xp = xp_of(a)
        self.a = a
        return xp.minimum(a, 0) - xp.log1p(xp.exp(-xp.abs(a)))

    def backward(self, g):
        ns, a = ns_of(g), self.a
        if ns.is_tensor:
            return (g * (-a).sigmoid(),)
        max_deriv = (a < 0).astype(a.dtype)  # in a's dtype, as torch
        sign = max_deriv * 2 - 1
        z = ns.exp(-ns.abs(a))
        return (g * (max_deriv - sign * (z / (1 + z))),)


class Tanh(Function):
    """z = tanh a;  dz/da = 1 - z^2"""

    tensor_saves = {"z": "out"}

    def forward(self, a):
        self.z = xp_of(a).tanh(a)
        return self.z

    def backward(self, g):
        z = self.z
        return (g * (1 - z * z),)


class Gelu(Function):
    """Exact: z = a Phi(a) with Phi the normal CDF; 'tanh': torch's tanh approximation."""

    tensor_saves = {"a": 0}

    def forward(self, a, approximate="none"):
        xp = xp_of(a)
        self.a, self.approximate = a, approximate
        if approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            self.t = xp.tanh(k * (a + 0.044715 * a**3))
            return 0.5 * a * (1 + self.t)
        self.cdf = 0.5 * (1 + _erf(a / math.sqrt(2)))
        return a * self.cdf

    def backward(self, g):
        a = self.a
        ns = ns_of(g)
        if self.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = ns.tanh(k * (a + 0.044715 * a**3)) if ns.is_tensor else self.t
            d = 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * k * (1 + 3 * 0.044715 * a * a)
            return (g * d,)
        pdf = ns.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
        cdf = _apply(NormalCdf, a) if ns.is_tensor else self.cdf
        return (g * (cdf + a * pdf),)


class NormalCdf(Function):
    """z = Phi(a) = (1 + erf(a / sqrt 2)) / 2;  dz/da = exp(-a^2 / 2) / sqrt(2 pi) (gelu's second derivative)."""

    tensor_saves = {"a": 0}

    def forward(self, a):
        self.a = a
        return 0.5 * (1 + _erf(a / math.sqrt(2)))

    def backward(self, g):
        return (g * ns_of(g).exp(-0.5 * self.a * self.a) / math.sqrt(2 * math.pi),)


def _apply(fn_class, *tensors, **options):
    from ..autograd import apply

    return apply(fn_class, *tensors, **options)


class Softplus(Function):
    """z = log(1 + e^(beta a)) / beta, linear above `threshold` (as torch)."""

    tensor_saves = {"a": 0}

    def forward(self, a, beta=1.0, threshold=20.0):
        xp = xp_of(a)
        ba = beta * a
        self.a, self.beta = a, beta
        self.sig_mask = (ba <= threshold)
        self.s = 1 / (1 + xp.exp(-xp.clip(ba, -threshold * 4, threshold)))
        soft = (xp.maximum(ba, 0) + xp.log1p(xp.exp(-xp.abs(ba)))) / beta
        return xp.where(self.sig_mask, soft, a)

    def backward(self, g):
        ns = ns_of(g)
        if ns.is_tensor:
            return (g * ns.where(self.sig_mask, (self.a * self.beta).sigmoid(), 1),)
        return (g * ns.where(self.sig_mask, self.s, 1).astype(g.dtype, copy=False),)


class Elu(Function):
    """z = a if a > 0 else alpha (e^a - 1)"""

    tensor_saves = {"a": 0}

    def forward(self, a, alpha=1.0):
        xp = xp_of(a)
        self.pos, self.a = a > 0, a
        self.neg_out = alpha * xp.expm1(xp.minimum(a, 0))
        self.alpha = alpha
        return xp.where(self.pos, a, self.neg_out)

    def backward(self, g):
        ns = ns_of(g)
        if ns.is_tensor:
            return (g * ns.where(self.pos, 1, self.alpha * ns.exp(ns.minimum(self.a, 0))),)
        return (g * ns.where(self.pos, 1, self.neg_out + self.alpha).astype(g.dtype, copy=False),)


def _max_along(a, dim):
    """`a.max(dim, keepdims=True)`, the shift that keeps softmax stable; zeros for an empty `a` (the result is
    empty then, as torch's: NumPy's max of nothing would raise)."""
    if a.size == 0:
        shape = list(a.shape)
        shape[dim] = 1
        return xp_of(a).zeros(shape, a.dtype)
    return a.max(axis=dim, keepdims=True)


class Softmax(Function):
    """z = e^a / sum(e^a) along `dim`;  da = z (g - sum(g z))"""

    tensor_saves = {"z": "out"}

    def forward(self, a, dim):
        xp = xp_of(a)
        e = xp.exp(a - _max_along(a, dim))
        self.z = e / e.sum(axis=dim, keepdims=True)
        self.dim = dim
        return self.z

    def backward(self, g):
        z = self.z
        return (z * (g - ns_of(g).sum(g * z, axis=self.dim, keepdims=True)),)


class LogSoftmax(Function):
    """z = a - logsumexp(a) along `dim`;  da = g - softmax(a) sum(g)"""

    tensor_saves = {"z": "out"}

    def forward(self, a, dim):
        xp = xp_of(a)
        shifted = a - _max_along(a, dim)
        self.z = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        self.dim = dim
        return self.z

    def backward(self, g):
        ns = ns_of(g)
        return (g - ns.exp(self.z) * ns.sum(g, axis=self.dim, keepdims=True),)
