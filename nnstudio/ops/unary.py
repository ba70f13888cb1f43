"""Elementwise math: exp, log, sqrt, abs, clamp, sin, cos."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function


class Exp(Function):
    """z = e^a;  dz/da = z"""

    def forward(self, a):
        self.z = xp_of(a).exp(a)
        return self.z

    def backward(self, g):
        return (g * self.z,)


class Log(Function):
    """z = ln a;  dz/da = 1/a"""

    def forward(self, a):
        self.a = a
        return xp_of(a).log(a)

    def backward(self, g):
        return (g / self.a,)


class Sqrt(Function):
    """z = sqrt(a);  dz/da = 1 / (2 z)"""

    def forward(self, a):
        self.z = xp_of(a).sqrt(a)
        return self.z

    def backward(self, g):
        return (g / (2 * self.z),)


class Abs(Function):
    """z = |a|;  dz/da = sign(a) (0 at 0, as torch)"""

    def forward(self, a):
        self.a = a
        return xp_of(a).abs(a)

    def backward(self, g):
        return (g * xp_of(g).sign(self.a).astype(g.dtype, copy=False),)


class Clamp(Function):
    """z = min(max(a, lo), hi);  gradient passes where lo <= a <= hi (torch's convention)."""

    def forward(self, a, lo=None, hi=None):
        xp = xp_of(a)
        self.mask = xp.ones(a.shape, dtype=bool)
        out = a
        if lo is not None:
            self.mask &= a >= lo
            out = xp.maximum(out, xp.asarray(lo, dtype=a.dtype))
        if hi is not None:
            self.mask &= a <= hi
            out = xp.minimum(out, xp.asarray(hi, dtype=a.dtype))
        return out

    def backward(self, g):
        return (g * self.mask,)


class Sin(Function):
    """z = sin a;  dz/da = cos a"""

    def forward(self, a):
        self.a = a
        return xp_of(a).sin(a)

    def backward(self, g):
        return (g * xp_of(g).cos(self.a),)


class Cos(Function):
    """z = cos a;  dz/da = -sin a"""

    def forward(self, a):
        self.a = a
        return xp_of(a).cos(a)

    def backward(self, g):
        return (-g * xp_of(g).sin(self.a),)
