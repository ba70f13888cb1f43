"""`torch.fft`: the discrete Fourier transforms with torch's arguments, and the helpers (sample frequencies,
shifting the zero frequency to the centre).

Every transform is one of three primitives (nnstudio/ops/fft.py): complex-to-complex (fft, ifft, fft2, ifft2,
fftn, ifftn), real-to-complex (rfft*, and ihfft* as its conjugate) and complex-to-real (irfft*, and hfft* of the
conjugate). A real input of a complex transform becomes complex first (float32 -> complex64, float64 ->
complex128), an integer one the default float first; `norm` is "backward" (None: scale the inverse by 1/n),
"ortho" (1/sqrt(n) both ways) or "forward" (1/n on the forward transform). Gradients follow torch's complex
convention, so a real loss of a spectrum gives torch's `x.grad`.
"""

from __future__ import annotations

import numpy as np

from .ops.fft import DUAL_NORM

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "fftshift", "ifftshift", "rfftfreq"]


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


# ---------------------------------------------------------------------------- the transforms


def _norm(norm) -> str:
    if norm is None:
        return "backward"
    if norm not in ("backward", "ortho", "forward"):
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _plan(input, s, dim, default_all: bool) -> tuple:
    """torch's (s, dim) rules: the axes (wrapped, unique) and the length along each (None keeps the input's)."""
    from .ops._util import wrap_dim

    if dim is None:
        axes = (tuple(range(input.ndim)) if s is None else tuple(range(input.ndim - len(s), input.ndim))) \
            if default_all else (input.ndim - 1,)
    else:
        axes = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = tuple(wrap_dim(d, input.ndim) for d in axes)
    if len(set(axes)) != len(axes):
        raise RuntimeError("FFT dims must be unique")
    if s is not None:
        s = (s,) if isinstance(s, int) else tuple(s)
        if dim is not None and len(s) != len(axes):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > input.ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {input.ndim} dimensions.")
        for n in s:
            if n != -1 and n < 1:
                raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return axes, s


def _sizes(input, axes: tuple, s) -> tuple:
    return tuple(input.shape[a] if s is None or s[i] == -1 else int(s[i]) for i, a in enumerate(axes))


def _as_float(input):
    from ._tensor.base import as_tensor

    input = as_tensor(input)
    if input._data.dtype.kind not in "fc":
        import nnstudio

        input = input._cast(nnstudio.get_default_dtype().np)
    return input


def _as_complex(input):
    from .ops.complex import complex_of

    input = _as_float(input)
    return input if input._data.dtype.kind == "c" else input._cast(complex_of(input._data.dtype))


def _as_real(input, name: str):
    input = _as_float(input)
    if input._data.dtype.kind == "c":
        from ._tensor.promotion import scalar_name

        raise RuntimeError(f"{name} expects a real input tensor, but got {scalar_name(input)}")
    return input


def _out(result, out, name: str):
    if out is None:
        return result
    from ._tensor.functions import write_out

    return write_out(result, out, f"fft.{name}")


def _c2c(input, s, dim, norm, forward: bool, out, name: str, default_all: bool = True):
    from .autograd import apply
    from .ops.fft import C2C

    x = _as_complex(input)
    axes, s = _plan(x, s, dim, default_all)
    return _out(apply(C2C, x, axes=axes, s=_sizes(x, axes, s), norm=_norm(norm), forward=forward), out, name)


def _r2c(input, s, dim, norm, out, name: str, default_all: bool = True, conjugate: bool = False,
         onesided: bool = True):
    from .autograd import apply
    from .ops.fft import R2C

    x = _as_real(input, name)
    axes, s = _plan(x, s, dim, default_all)
    norm = _norm(norm)
    result = apply(R2C, x, axes=axes, s=_sizes(x, axes, s), norm=norm if not conjugate else DUAL_NORM[norm],
                   onesided=onesided)
    return _out(result.conj() if conjugate else result, out, name)


def _c2r(input, s, dim, norm, out, name: str, default_all: bool = True, conjugate: bool = False):
    from .autograd import apply
    from .ops.fft import C2R

    x = _as_complex(input)
    axes, s = _plan(x, s, dim, default_all)
    sizes = list(_sizes(x, axes, s))
    if s is None or s[-1] == -1:
        sizes[-1] = 2 * (x.shape[axes[-1]] - 1)
    if sizes[-1] < 1:
        raise RuntimeError(f"Invalid number of data points ({sizes[-1]}) specified")
    norm = _norm(norm)
    if conjugate:
        x, norm = x.conj(), DUAL_NORM[norm]
    return _out(apply(C2R, x, axes=axes, s=tuple(sizes), norm=norm), out, name)


def fft(input, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None):
    """The 1-D discrete Fourier transform along `dim` (length n: cut or zero-padded). Complex output."""
    if _as_float(input)._data.dtype.kind == "f":  # as torch: the full real-to-complex transform
        return _r2c(input, None if n is None else (n,), (dim,), norm, out, "fft", onesided=False)
    return _c2c(input, None if n is None else (n,), (dim,), norm, True, out, "fft")


def ifft(input, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None):
    """The 1-D inverse discrete Fourier transform along `dim`."""
    if _as_float(input)._data.dtype.kind == "f":  # as torch: conj of the full real-to-complex transform
        return _r2c(input, None if n is None else (n,), (dim,), norm, out, "ifft", conjugate=True, onesided=False)
    return _c2c(input, None if n is None else (n,), (dim,), norm, False, out, "ifft")


def fft2(input, s=None, dim=(-2, -1), norm: str | None = None, *, out=None):
    """The 2-D discrete Fourier transform over `dim` (the last two by default)."""
    return _c2c(input, s, dim, norm, True, out, "fft2")


def ifft2(input, s=None, dim=(-2, -1), norm: str | None = None, *, out=None):
    """The 2-D inverse discrete Fourier transform."""
    return _c2c(input, s, dim, norm, False, out, "ifft2")


def fftn(input, s=None, dim=None, norm: str | None = None, *, out=None):
    """The N-D discrete Fourier transform over `dim` (all dims, or the last len(s), by default)."""
    return _c2c(input, s, dim, norm, True, out, "fftn")


def ifftn(input, s=None, dim=None, norm: str | None = None, *, out=None):
    """The N-D inverse discrete Fourier transform."""
    return _c2c(input, s, dim, norm, False, out, "ifftn")


def rfft(input, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None):
    """The 1-D transform of a real input: the n // 2 + 1 non-negative frequencies (complex)."""
    return _r2c(input, None if n is None else (n,), (dim,), norm, out, "rfft")


def irfft(input, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None):
    """The inverse of rfft: a real signal of length n (2 * (m - 1) by default) from its half spectrum."""
    return _c2r(input, None if n is None else (n,), (dim,), norm, out, "irfft")


def rfft2(input, s=None, dim=(-2, -1), norm: str | None = None, *, out=None):
    """The 2-D transform of a real input (the last of `dim` halved)."""
    return _r2c(input, s, dim, norm, out, "rfft2")


def irfft2(input, s=None, dim=(-2, -1), norm: str | None = None, *, out=None):
    """The inverse of rfft2."""
    return _c2r(input, s, dim, norm, out, "irfft2")


def rfftn(input, s=None, dim=None, norm: str | None = None, *, out=None):
    """The N-D transform of a real input (the last of `dim` halved)."""
    return _r2c(input, s, dim, norm, out, "rfftn")


def irfftn(input, s=None, dim=None, norm: str | None = None, *, out=None):
    """The inverse of rfftn."""
    return _c2r(input, s, dim, norm, out, "irfftn")


def hfft(input, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None):
    """The transform of a one-sided Hermitian signal: real, of length n (2 * (m - 1) by default)."""
    return _c2r(input, None if n is None else (n,), (dim,), norm, out, "hfft", conjugate=True)


def ihfft(input, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None):
    """The inverse of hfft: the one-sided Hermitian signal (n // 2 + 1 values) of a real input."""
    return _r2c(input, None if n is None else (n,), (dim,), norm, out, "ihfft", conjugate=True)


def hfft2(input, s=None, dim=(-2, -1), norm: str | None = None, *, out=None):
    """The 2-D transform of a one-sided Hermitian signal (real output)."""
    return _c2r(input, s, dim, norm, out, "hfft2", conjugate=True)


def ihfft2(input, s=None, dim=(-2, -1), norm: str | None = None, *, out=None):
    """The inverse of hfft2."""
    return _r2c(input, s, dim, norm, out, "ihfft2", conjugate=True)


def hfftn(input, s=None, dim=None, norm: str | None = None, *, out=None):
    """The N-D transform of a one-sided Hermitian signal (real output)."""
    return _c2r(input, s, dim, norm, out, "hfftn", conjugate=True)


def ihfftn(input, s=None, dim=None, norm: str | None = None, *, out=None):
    """The inverse of hfftn."""
    return _r2c(input, s, dim, norm, out, "ihfftn", conjugate=True)
