"""Complex tensors (complex64 / complex128): `.real`, `.imag`, `conj`, `angle`, `is_complex`, `stft` /
`istft` (nnstudio/functional.py) and the free functions `view_as_real`, `view_as_complex`, `complex`, `polar`,
`real`, `imag`, `is_complex`.

A complex tensor stores a NumPy complex array; arithmetic, reductions, matmul and the holomorphic elementwise
ops are the ordinary primitives (their gradients follow torch's convention through the engine, see
ops/complex.py). On a real tensor every method here does what torch does for real values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._backend import xp_of
from ..autograd import apply
from ..ops import complex as C
from .base import TensorBase, as_tensor, wrap

if TYPE_CHECKING:
    from . import Tensor


class ComplexMixin:
    """The complex parts and their real-valued forms."""

    __slots__ = ()

    @property
    def real(self) -> Tensor:
        """The real part (a complex tensor's float view; a real tensor itself)."""
        return apply(C.Real, self) if self._data.dtype.kind == "c" else self

    @property
    def imag(self) -> Tensor:
        """The imaginary part of a complex tensor (torch raises for a real one)."""
        if self._data.dtype.kind != "c":
            raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
        return apply(C.Imag, self)

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def is_conj(self) -> bool:
        """False: nnstudio conjugates eagerly (there is no lazy conjugate bit)."""
        return False

    def resolve_conj(self) -> Tensor:
        return self

    def conj(self) -> Tensor:
        """The complex conjugate (a real tensor itself)."""
        return apply(C.Conj, self) if self._data.dtype.kind == "c" else self

    def conj_physical(self) -> Tensor:
        return apply(C.ConjPhysical, self) if self._data.dtype.kind == "c" else self.clone()

    def angle(self) -> Tensor:
        """The argument atan2(imag, real) of a complex tensor; for real values 0, or pi for negative ones (nan
        stays nan)."""
        if self._data.dtype.kind == "c":
            return apply(C.Angle, self)
        x = self._true_float()
        return (x < 0).to(x.dtype) * 3.141592653589793 + x * 0

    def stft(self, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
             center: bool = True, pad_mode: str = "reflect", normalized: bool = False, onesided: bool | None = None,
             return_complex: bool | None = None, align_to_window: bool | None = None) -> Tensor:
        """The short-time Fourier transform (nnstudio.stft)."""
        from ..functional import stft

        return stft(self, n_fft, hop_length, win_length, window, center, pad_mode, normalized, onesided,
                    return_complex, align_to_window)

    def istft(self, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
              center: bool = True, normalized: bool = False, onesided: bool | None = None, length: int | None = None,
              return_complex: bool = False) -> Tensor:
        """The inverse short-time Fourier transform (nnstudio.istft)."""
        from ..functional import istft

        return istft(self, n_fft, hop_length, win_length, window, center, normalized, onesided, length,
                     return_complex)

    def isreal(self) -> Tensor:
        """True where the imaginary part is 0 (everywhere for a real tensor)."""
        if self._data.dtype.kind == "c":
            return wrap(self._data.imag == 0, None)
        return wrap(xp_of(self._data).ones(self._data.shape, dtype=bool), None)


def is_complex(input) -> bool:
    """True for a complex64 / complex128 tensor."""
    return as_tensor(input).is_complex()


def real(input) -> Tensor:
    """torch.real: the real part (a real tensor itself)."""
    return as_tensor(input).real


def imag(input) -> Tensor:
    """torch.imag: the imaginary part of a complex tensor."""
    return as_tensor(input).imag


def view_as_real(input) -> Tensor:
    """A complex tensor of shape S as a real tensor of shape S + (2,): [..., 0] the real, [..., 1] the imaginary
    part."""
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(C.ViewAsReal, input)


def view_as_complex(input) -> Tensor:
    """A float32 / float64 tensor of shape S + (2,) as a complex tensor of shape S."""
    kind = input._data.dtype.kind
    if kind != "f" or input._data.dtype.itemsize < 4:
        from .promotion import scalar_name

        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a tensor of "
                           f"scalar type: {scalar_name(input)}")
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return apply(C.ViewAsComplex, input)


def complex(real, imag, *, out=None) -> Tensor:
    """real + i imag (broadcast); both float32, or both float64."""
    if not isinstance(real, TensorBase) or not isinstance(imag, TensorBase):
        raise TypeError("complex(): argument 'real' and 'imag' must be Tensors")
    _check_parts("complex", real, imag, "real", "imag")
    return _out(apply(C.Complex, real, imag), out, "complex")


def polar(abs, angle, *, out=None) -> Tensor:
    """abs * (cos(angle) + i sin(angle)) (broadcast); both float32, or both float64."""
    if not isinstance(abs, TensorBase) or not isinstance(angle, TensorBase):
        raise TypeError("polar(): argument 'abs' and 'angle' must be Tensors")
    _check_parts("polar", abs, angle, "abs", "angle")
    return _out(apply(C.Polar, abs, angle), out, "polar")


def _check_parts(name: str, a, b, first: str, second: str) -> None:
    from .promotion import scalar_name

    for t in (a, b):
        if t._data.dtype.kind != "f" or t._data.dtype.itemsize < 4:
            raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                               f"{scalar_name(a)} and {scalar_name(b)}")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"Expected object of scalar type {scalar_name(a)} but got scalar type {scalar_name(b)} "
                           f"for second argument")


def _out(result, out, name: str):
    if out is None:
        return result
    from .functions import write_out

    return write_out(result, out, name)


__all__ = ["ComplexMixin", "is_complex", "real", "imag", "view_as_real", "view_as_complex", "complex", "polar"]


# ---------------------------------------------------------------------- what torch refuses for complex input
# NumPy orders complex numbers lexicographically, so max / sort / softmax ... would silently answer; torch refuses
# them on the CPU, and so does nnstudio, with torch's error kind and words.

def _kernel(name: str):
    def refuse(t, args, kwargs):
        kind = "ComplexFloat" if t._data.dtype == np.complex64 else "ComplexDouble"
        raise NotImplementedError(f'"{name}" not implemented for \'{kind}\'')
    return refuse


def _runtime(message: str):
    def refuse(t, args, kwargs):
        raise RuntimeError(message)
    return refuse


def _reduction(name: str):
    """max / min: the whole-tensor form names its kernel, the dim form says 'does not support complex input'."""
    def refuse(t, args, kwargs):
        if args or kwargs:
            raise RuntimeError(f"{name}(): does not support complex input")
        _kernel(f"{name}_all")(t, args, kwargs)
    return refuse


COMPLEX_REFUSED = {
    "max": _reduction("max"), "min": _reduction("min"),
    "amax": _kernel("max_values_cpu"), "amin": _kernel("min_values_cpu"),
    "argmax": _runtime("argmax(): does not support complex input"),
    "argmin": _runtime("argmin(): does not support complex input"),
    "sort": _runtime(" Sort does not support complex dtypes on CPU"),
    "argsort": _runtime(" Sort does not support complex dtypes on CPU"),
    "msort": _runtime(" Sort does not support complex dtypes on CPU"),
    "topk": _runtime(" topk does not support complex dtypes on CPU"),
    "softmax": _kernel("softmax_lastdim_kernel_impl"), "log_softmax": _kernel("log_softmax_lastdim_kernel_impl"),
    "cummax": _kernel("cummax_cpu"), "cummin": _kernel("cummin_cpu"),
    "median": _kernel("median_cpu"), "nanmedian": _kernel("nanmedian_cpu"),
    "maximum": _runtime("maximum not implemented for complex tensors."),
    "minimum": _runtime("minimum not implemented for complex tensors."),
}


def refuse_complex(part: type) -> None:
    """Wrap the methods of `part` named in COMPLEX_REFUSED so that a complex tensor raises torch's error."""
    import functools

    for name, refuse in COMPLEX_REFUSED.items():
        owner = next((klass for klass in part.__mro__[:-1] if name in vars(klass)), None)  # a generated base too
        method = None if owner is None else vars(owner)[name]
        if method is None or not callable(method) or getattr(method, "_refuses_complex", False):
            continue

        def guarded(self, *args, _method=method, _refuse=refuse, **kwargs):
            if self._data.dtype.kind == "c":
                _refuse(self, args, kwargs)
            return _method(self, *args, **kwargs)

        guarded._refuses_complex = True
        setattr(owner, name, functools.wraps(method)(guarded))
