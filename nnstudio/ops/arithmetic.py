"""Broadcasting arithmetic: add, sub, mul, div, neg, pow, and the elementwise maximum / minimum.

Each backward sums the gradient over broadcast axes (`unbroadcast`). The backwards run on arrays and, under
create_graph, on Tensors (`tensor_saves`, see autograd/engine.py): their second derivatives come for free.
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of
from ._util import unbroadcast


class Add(Function):
    """z = a + b"""

    tensor_saves: dict = {}

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a + b

    def backward(self, g):
        sa, sb = self.shapes
        return unbroadcast(g, sa), unbroadcast(g, sb)


class Sub(Function):
    """z = a - b"""

    tensor_saves: dict = {}

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a - b

    def backward(self, g):
        sa, sb = self.shapes
        return unbroadcast(g, sa), unbroadcast(-g, sb)


class Mul(Function):
    """z = a * b;  dz/da = b, dz/db = a"""

    tensor_saves = {"a": 0, "b": 1}

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g * b, a.shape) if self.needs_input_grad[0] else None
        gb = unbroadcast(g * a, b.shape) if self.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    """z = a / b;  dz/da = 1/b, dz/db = -a/b^2"""

    tensor_saves = {"a": 0, "b": 1}

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g / b, a.shape) if self.needs_input_grad[0] else None
        gb = unbroadcast(-g * a / (b * b), b.shape) if self.needs_input_grad[1] else None
        return ga, gb


class Neg(Function):
    """z = -a"""

    tensor_saves: dict = {}

    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)


class PowScalar(Function):
    """z = a ** p for a constant exponent p;  dz/da = p a^(p-1)"""

    tensor_saves = {"a": 0}

    def forward(self, a, exponent):
        self.a, self.p = a, exponent
        return a**exponent

    def backward(self, g):
        a, p = self.a, self.p
        if p == 2:
            return (g * (2 * a),)
        return (g * (p * a ** (p - 1)),)


class Pow(Function):
    """z = a ** b for tensors;  dz/da = b a^(b-1), dz/db = a^b log a"""

    tensor_saves = {"a": 0, "b": 1, "z": "out"}

    def forward(self, a, b):
        self.a, self.b = a, b
        self.z = a**b
        return self.z

    def backward(self, g):
        a, b, z = self.a, self.b, self.z
        ns = ns_of(g)
        ga = unbroadcast(g * b * a ** (b - 1), a.shape) if self.needs_input_grad[0] else None
        gb = None
        if self.needs_input_grad[1]:
            positive = a > 0
            with_log = ns.where(positive, ns.log(ns.where(positive, a, 1)), 0)
            gb = unbroadcast(g * z * with_log, b.shape)
        return ga, gb


class Maximum(Function):
    """z = max(a, b) elementwise; ties split the gradient evenly (as torch does)."""

    tensor_saves: dict = {}  # a, b only pick the side: constants of the derivative

    def forward(self, a, b):
        self.a, self.b = a, b
        return xp_of(a).maximum(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        pick_a = (a > b).astype(a.dtype)
        pick_a += 0.5 * (a == b)
        ga = unbroadcast(g * pick_a, a.shape) if self.needs_input_grad[0] else None
        gb = unbroadcast(g * (1 - pick_a), b.shape) if self.needs_input_grad[1] else None
        return ga, gb


class Minimum(Function):
    """z = min(a, b) elementwise; ties split the gradient evenly."""

    tensor_saves: dict = {}

    def forward(self, a, b):
        self.a, self.b = a, b
        return xp_of(a).minimum(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        pick_a = (a < b).astype(a.dtype)
        pick_a += 0.5 * (a == b)
        ga = unbroadcast(g * pick_a, a.shape) if self.needs_input_grad[0] else None
        gb = unbroadcast(g * (1 - pick_a), b.shape) if self.needs_input_grad[1] else None
        return ga, gb
