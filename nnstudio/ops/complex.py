"""The primitives between complex and real values: real / imag parts, conjugate, casts, view_as_real /
view_as_complex, complex(real, imag), polar(abs, angle) and the angle of a complex value.

torch's convention for complex gradients: the gradient of a real loss L with respect to z = x + iy is
dL/dx + i dL/dy (the conjugate Wirtinger derivative, doubled). A holomorphic primitive with derivative f'(z)
therefore passes g * conj(f'(z)) back; the engine gets that from every real formula by conjugating around it
(autograd/engine.py). The primitives here are not holomorphic, so each declares `complex_backward = True` and
writes its torch gradient directly. Every backward runs on arrays and, under create_graph, on Tensors: it uses
only `.real`, `.imag`, `.conj()`, operators and `ns.` calls.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._backend import xp_of
from ..autograd import Function, apply
from ._ns import ns_of
from ._util import unbroadcast

_COMPLEX_OF = {np.dtype(np.float32): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.complex128),
               np.dtype(np.float16): np.dtype(np.complex64)}
_REAL_OF = {np.dtype(np.complex64): np.dtype(np.float32), np.dtype(np.complex128): np.dtype(np.float64)}


def complex_of(real_dtype) -> np.dtype:
    """The complex dtype whose parts have `real_dtype` (float32 -> complex64, float64 -> complex128)."""
    return _COMPLEX_OF[np.dtype(real_dtype)]


def real_of(complex_dtype) -> np.dtype:
    """The dtype of the parts of `complex_dtype` (complex64 -> float32)."""
    return _REAL_OF[np.dtype(complex_dtype)]


def _kind(x) -> str:
    return (x._data if hasattr(x, "_ctx") else x).dtype.kind


def _pack(re, im, dtype):
    """re + i im in `dtype` (arrays), or the differentiable `complex(re, im)` (Tensors)."""
    if hasattr(re, "_ctx"):
        return apply(Complex, re, im)
    out = xp_of(re).empty(re.shape, dtype=dtype)
    out.real, out.imag = re, im
    return out


class Real(Function):
    """z = Re(a) for complex a (a view);  da = g + 0i."""

    complex_backward = True
    tensor_saves: dict = {}
    torch_name = "SelectBackward0"  # torch selects [..., 0] of view_as_real

    def forward(self, a):
        self.dtype = a.dtype
        return a.real

    def backward(self, g):
        return (ns_of(g).astype(g, self.dtype),)


class Imag(Function):
    """z = Im(a) for complex a (a view);  da = 0 + i g."""

    complex_backward = True
    tensor_saves: dict = {}
    torch_name = "SelectBackward0"

    def forward(self, a):
        self.dtype = a.dtype
        return a.imag

    def backward(self, g):
        return (_pack(g * 0, g, self.dtype),)


class Conj(Function):
    """z = conj(a);  da = conj(g)."""

    complex_backward = True
    tensor_saves: dict = {}

    def forward(self, a):
        return xp_of(a).conj(a)

    def backward(self, g):
        return (g.conj(),)


class ConjPhysical(Conj):
    """conj_physical: the same primitive under torch's other node name."""


class Cast(Function):
    """z = a in another dtype, one of them complex; complex to real keeps the real part (with torch's warning).
    da = g in a's dtype (the real part of g when a is real)."""

    complex_backward = True
    tensor_saves: dict = {}

    def forward(self, a, dtype=None):
        self.dtype = a.dtype
        if a.dtype.kind == "c" and np.dtype(dtype).kind != "c":
            warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=4)
            return a.real.astype(dtype)
        return a.astype(dtype)

    def backward(self, g):
        if self.dtype.kind != "c" and _kind(g) == "c":
            g = g.real
        return (ns_of(g).astype(g, self.dtype),)


def cast(t, np_dtype):
    """`t` converted to `np_dtype` where either is complex: differentiable between float and complex dtypes."""
    if t._data.dtype.kind in "fc" and np.dtype(np_dtype).kind in "fc":
        return apply(Cast, t, dtype=np_dtype)
    if t._data.dtype.kind == "c":
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=3)
        return t._wrap(t._data.real.astype(np_dtype), None)
    return t._wrap(t._data.astype(np_dtype), None)


class ViewAsReal(Function):
    """z[..., 0] = Re(a), z[..., 1] = Im(a): a's shape plus a last dim of 2;  da = g[..., 0] + i g[..., 1]."""

    complex_backward = True
    tensor_saves: dict = {}

    def forward(self, a):
        self.dtype = a.dtype
        xp = xp_of(a)
        return xp.ascontiguousarray(a).view(real_of(a.dtype)).reshape(a.shape + (2,))

    def backward(self, g):
        return (_pack(g[..., 0], g[..., 1], self.dtype),)


class ViewAsComplex(Function):
    """z = a[..., 0] + i a[..., 1] for a real a whose last dim is 2;  da = view_as_real(g)."""

    complex_backward = True
    tensor_saves: dict = {}

    def forward(self, a):
        xp = xp_of(a)
        return xp.ascontiguousarray(a).view(complex_of(a.dtype))[..., 0]

    def backward(self, g):
        if hasattr(g, "_ctx"):
            return (apply(ViewAsReal, g),)
        return (xp_of(g).stack([g.real, g.imag], axis=-1),)


class Complex(Function):
    """z = real + i imag (broadcast);  d real = Re(g), d imag = Im(g) (summed over broadcast dims)."""

    complex_backward = True
    tensor_saves: dict = {}

    def forward(self, real, imag):
        xp = xp_of(real)
        self.shapes = real.shape, imag.shape
        out = xp.empty(xp.broadcast_shapes(real.shape, imag.shape), dtype=complex_of(real.dtype))
        out.real, out.imag = real, imag
        return out

    def backward(self, g):
        return unbroadcast(g.real, self.shapes[0]), unbroadcast(g.imag, self.shapes[1])


class Polar(Function):
    """z = abs (cos angle + i sin angle);  d abs = Re(g conj(e^{i angle})), d angle = abs Im(conj(e^{i angle}) g)
    ... written out: d abs = gr cos + gi sin, d angle = abs (gi cos - gr sin)."""

    complex_backward = True
    tensor_saves = {"r": 0, "t": 1}

    def forward(self, r, t):
        self.r, self.t = r, t
        xp = xp_of(r)
        out = xp.empty(xp.broadcast_shapes(r.shape, t.shape), dtype=complex_of(r.dtype))
        out.real, out.imag = r * xp.cos(t), r * xp.sin(t)
        return out

    def backward(self, g):
        ns = ns_of(g)
        r, t = self.r, self.t
        c, s = ns.cos(t), ns.sin(t)
        gr, gi = g.real, g.imag
        return unbroadcast(gr * c + gi * s, r.shape), unbroadcast(r * (gi * c - gr * s), t.shape)


class Angle(Function):
    """z = atan2(Im a, Re a) for complex a;  da = g i a / |a|^2 (0 where a is 0), as torch."""

    complex_backward = True
    tensor_saves = {"z": 0}

    def forward(self, a):
        self.z = a
        return xp_of(a).angle(a).astype(real_of(a.dtype))

    def backward(self, g):
        ns = ns_of(g)
        z = self.z
        r2 = z.real * z.real + z.imag * z.imag
        zero = r2 == 0
        safe = ns.where(zero, r2 * 0 + 1, r2)
        return (z * 1j * ns.where(zero, g * 0, g / safe),)


__all__ = ["Real", "Imag", "Conj", "ConjPhysical", "Cast", "ViewAsReal", "ViewAsComplex", "Complex", "Polar", "Angle",
           "cast", "complex_of", "real_of"]
