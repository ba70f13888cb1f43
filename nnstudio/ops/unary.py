"""Elementwise math: exp, log, sqrt, abs, clamp, sin, cos.

The backwards also run on Tensors under create_graph (`tensor_saves`, see autograd/engine.py).
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of


class Exp(Function):
    """z = e^a;  dz/da = z"""

    tensor_saves = {"z": "out"}

    def forward(self, a):
        self.z = xp_of(a).exp(a)
        return self.z

    def backward(self, g):
        return (g * self.z,)


class Log(Function):
    """z = ln a;  dz/da = 1/a"""

    tensor_saves = {"a": 0}

    def forward(self, a):
        self.a = a
        return xp_of(a).log(a)

    def backward(self, g):
        return (g / self.a,)


class Sqrt(Function):
    """z = sqrt(a);  dz/da = 1 / (2 z)"""

    tensor_saves = {"z": "out"}

    def forward(self, a):
        self.z = xp_of(a).sqrt(a)
        return self.z

    def backward(self, g):
        return (g / (2 * self.z),)


class Abs(Function):
    """z = |a|;  dz/da = sign(a) (0 at 0, as torch)"""

    tensor_saves: dict = {}  # sign(a) is a constant of the derivative

    def forward(self, a):
        self.a = a
        return xp_of(a).abs(a)

    def backward(self, g):
        return (g * xp_of(self.a).sign(self.a),)


class Clamp(Function):
    """z = min(max(a, lo), hi);  gradient passes where lo <= a <= hi (torch's convention)."""

    tensor_saves: dict = {}

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

    tensor_saves = {"a": 0}

    def forward(self, a):
        self.a = a
        return xp_of(a).sin(a)

    def backward(self, g):
        return (g * ns_of(g).cos(self.a),)


class Cos(Function):
    """z = cos a;  dz/da = -sin a"""

    tensor_saves = {"a": 0}

    def forward(self, a):
        self.a = a
        return xp_of(a).cos(a)

    def backward(self, g):
        return (-g * ns_of(g).sin(self.a),)
