"""The discrete Fourier transforms as primitives: complex-to-complex (`C2C`), real-to-complex (`R2C`, the
one-sided half spectrum) and complex-to-real (`C2R`), each over several axes with NumPy's pocketfft.

Each is linear, so its backward is its adjoint (torch's complex gradient convention, ops/complex.py): the
transform in the other direction with the dual normalisation ("backward" <-> "forward", "ortho" stays), then the
gradient cut back or zero-padded to the input's length where `s` padded or cut the input. The backwards call the
primitives themselves (`_call`), so under create_graph they record a graph and second derivatives come for free.
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function, apply
from ._ns import ns_of

DUAL_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _call(cls: type, x, **options):
    """Run primitive `cls` on an array (its forward only) or on a Tensor (recorded, for create_graph)."""
    if hasattr(x, "_ctx"):
        return apply(cls, x, **options)
    fn = cls()
    fn.needs_input_grad = (False,)
    return fn.forward(x, **options)


def fit(x, axes: tuple, sizes: tuple):
    """`x` cut to `sizes` along `axes`, or zero-padded at the end where it is shorter (arrays or Tensors)."""
    ns = ns_of(x)
    index = [slice(None)] * x.ndim
    for ax, n in zip(axes, sizes):
        if x.shape[ax] > n:
            index[ax] = slice(0, n)
    if any(i != slice(None) for i in index):
        x = x[tuple(index)]
    for ax, n in zip(axes, sizes):
        if x.shape[ax] < n:
            shape = list(x.shape)
            shape[ax] = n - x.shape[ax]
            zeros = ns.const(xp_of(x._data if ns.is_tensor else x).zeros(shape, dtype=(x._data if ns.is_tensor
                                                                                       else x).dtype), x)
            x = ns.concatenate([x, zeros], axis=ax)
    return x


class C2C(Function):
    """z = fftn(a, s, axes, norm) (`forward`) or ifftn;  da = the inverse direction of g with the dual norm,
    fitted back to a's lengths."""

    complex_backward = True
    tensor_saves: dict = {}
    torch_name = "FftC2CBackward0"

    def forward(self, a, axes=(), s=None, norm="backward", forward=True):
        self.shape, self.axes, self.norm, self.direction = a.shape, axes, norm, forward
        fft = xp_of(a).fft
        return (fft.fftn if forward else fft.ifftn)(a, s=s, axes=axes, norm=norm)

    def backward(self, g):
        adjoint = _call(C2C, g, axes=self.axes, norm=DUAL_NORM[self.norm], forward=not self.direction)
        return (fit(adjoint, self.axes, tuple(self.shape[a] for a in self.axes)),)


class R2C(Function):
    """z = rfftn(a, s, axes, norm) of a real a (the last axis keeps n // 2 + 1 frequencies; all n when not
    `onesided`, torch's fft of a real input); da = Re(ifftn(g zero-padded to the full last length, dual norm)),
    fitted back to a's lengths."""

    complex_backward = True
    tensor_saves: dict = {}
    torch_name = "FftR2CBackward0"

    def forward(self, a, axes=(), s=None, norm="backward", onesided=True):
        self.shape, self.axes, self.norm = a.shape, axes, norm
        self.full = tuple(s) if s is not None else tuple(a.shape[ax] for ax in axes)
        fft = xp_of(a).fft
        return (fft.rfftn if onesided else fft.fftn)(a, s=s, axes=axes, norm=norm)

    def backward(self, g):
        full = fit(g, self.axes[-1:], self.full[-1:])
        adjoint = _call(C2C, full, axes=self.axes, norm=DUAL_NORM[self.norm], forward=False).real
        return (fit(adjoint, self.axes, tuple(self.shape[a] for a in self.axes)),)


class C2R(Function):
    """z = irfftn(a, s, axes, norm): the real signal of lengths `s` whose half spectrum is a (the imaginary
    parts at frequency 0 and n / 2 are ignored, as torch); da = rfftn(g, dual norm) with the frequencies that
    stand for two (1 .. n - n // 2 - 1) doubled, fitted back to a's lengths."""

    complex_backward = True
    tensor_saves: dict = {}
    torch_name = "FftC2RBackward0"

    def forward(self, a, axes=(), s=(), norm="backward"):
        self.shape, self.axes, self.norm, self.s = a.shape, axes, norm, tuple(s)
        return xp_of(a).fft.irfftn(a, s=s, axes=axes, norm=norm)

    def backward(self, g):
        ns = ns_of(g)
        spectrum = _call(R2C, g, axes=self.axes, norm=DUAL_NORM[self.norm])
        n = self.s[-1]
        half = n // 2 + 1
        data = spectrum._data if ns.is_tensor else spectrum
        xp = xp_of(data)
        weights = xp.ones(half, dtype=data.real.dtype)
        weights[1:1 + n - half] = 2
        shape = [1] * data.ndim
        shape[self.axes[-1]] = half
        spectrum = spectrum * ns.const(weights.reshape(shape), spectrum)
        return (fit(spectrum, self.axes, tuple(self.shape[a] for a in self.axes)),)


__all__ = ["C2C", "R2C", "C2R", "DUAL_NORM", "fit"]
