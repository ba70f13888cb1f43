"""`torch.fft`: the real-valued helpers (sample frequencies, shifting the zero frequency to the centre).

The transforms themselves (`fft`, `rfft`, `ifft`, ...) return complex tensors, and nnstudio has no complex
dtypes yet: asking for one raises an AttributeError that says so (not a silent absence).
"""

from __future__ import annotations

import numpy as np

__all__ = ["fftfreq", "fftshift", "ifftshift", "rfftfreq"]

_COMPLEX = ("fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
            "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn")


def _freqs(values: np.ndarray, out, dtype, device, requires_grad: bool):
    import nnstudio

    t = nnstudio.tensor(values, dtype=dtype or nnstudio.get_default_dtype(), device=device,
                        requires_grad=requires_grad)
    if out is not None:
        from ._tensor.functions import write_out

        return write_out(t, out, "fft.fftfreq")
    return t


def fftfreq(n: int, d: float = 1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False):
    """The sample frequencies of an n-point FFT with sample spacing d: [0, 1, ..., -2, -1] / (d n)."""
    return _freqs(np.fft.fftfreq(int(n), float(d)), out, dtype, device, requires_grad)


def rfftfreq(n: int, d: float = 1.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    """The non-negative sample frequencies of an n-point real FFT: [0, 1, ..., n // 2] / (d n)."""
    return _freqs(np.fft.rfftfreq(int(n), float(d)), out, dtype, device, requires_grad)


def _dims(input, dim) -> tuple:
    if dim is None:
        return tuple(range(input.ndim))
    return (dim,) if isinstance(dim, int) else tuple(dim)


def fftshift(input, dim=None):
    """Roll each of `dim` (all by default) by half its length: frequency 0 moves to the centre (differentiable)."""
    dims = _dims(input, dim)
    return input.roll([input.shape[d] // 2 for d in dims], dims)


def ifftshift(input, dim=None):
    """The inverse of fftshift (they differ for odd lengths)."""
    dims = _dims(input, dim)
    return input.roll([-(input.shape[d] // 2) for d in dims], dims)


class _NoComplexDtype(AttributeError):
    pass


def __getattr__(name: str):
    if name in _COMPLEX:
        raise _NoComplexDtype(f"nnstudio.fft.{name}: the transform returns a complex tensor, and nnstudio has no "
                              "complex dtypes yet (fftfreq, rfftfreq, fftshift and ifftshift are here)")
    raise AttributeError(f"module 'nnstudio.fft' has no attribute {name!r}")
