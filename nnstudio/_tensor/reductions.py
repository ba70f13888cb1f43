"""Reductions and scans: sum, mean, var, std, prod, max/min (with indices), amax, argmax, all/any, cumsum, logsumexp."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .. import _dtype as dt
from .. import return_types
from .._backend import xp_of
from ..autograd import apply
from ..autograd.names import as_torch_node
from ..ops import reduction as R
from ..ops._util import normalize_dims, wrap_dim
from .base import TensorBase, wrap

if TYPE_CHECKING:
    from . import Tensor

from ..ops import scan as C
from .functions import maximum, minimum

_pyfloat, _pyint, _pybool = builtins.float, builtins.int, builtins.bool

def _arg_extreme(x: Tensor, dim, keepdim, is_max):
    fn = x._data.argmax if is_max else x._data.argmin
    R.check_reducible("argmax" if is_max else "argmin", x.shape, None if dim is None else wrap_dim(dim, x.ndim))
    if dim is None:
        return wrap(xp_of(x._data).asarray(fn()).astype(np.int64), None)
    axis = wrap_dim(dim, x.ndim)
    idx = fn(axis=axis)
    if keepdim:
        idx = xp_of(idx).expand_dims(idx, axis)
    return wrap(idx.astype(np.int64), None)


class ReductionMixin:
    """Reductions over dims (`dim` None means all) and scans along one dim."""

    __slots__ = ()

    def sum(self, dim=None, keepdim=False, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        if x._data.dtype.kind == "b":
            x = x._cast(np.int64)
        return apply(R.Sum, x, axes=normalize_dims(dim, self.ndim), keepdim=keepdim)

    def mean(self, dim=None, keepdim=False, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        if x._data.dtype.kind not in "fc":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {x.dtype} (call .float() first)")
        return apply(R.Mean, x, axes=normalize_dims(dim, self.ndim), keepdim=keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        axes = normalize_dims(dim, self.ndim)
        n = self._data.size if axes is None else int(np.prod([self._data.shape[a] for a in axes]))
        centered = self - self.mean(dim=axes, keepdim=True)
        squared = centered * centered if self._data.dtype.kind != "c" else (centered * centered.conj()).real
        return squared.sum(dim=axes, keepdim=keepdim) / builtins.max(n - correction, 0)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return self.var(dim, unbiased, keepdim, correction=correction).sqrt()

    def prod(self, dim=None, keepdim=False, dtype=None):
        """Product of the elements (bool and integer inputs give int64, as torch; `dtype` casts first)."""
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        if x._data.dtype.kind in "biu":
            x = x._cast(np.int64)
        axis = None if dim is None else wrap_dim(dim, self.ndim)
        return apply(R.Prod, x, axis=axis, keepdim=keepdim)

    def _extreme(self, dim, keepdim, is_max):
        if isinstance(dim, TensorBase):  # max(other) is the elementwise maximum
            return (maximum if is_max else minimum)(self, dim)
        if dim is None:
            R.check_reducible("max" if is_max else "min", self.shape, None)
            return as_torch_node(apply(R.AMaxMin, self, axes=None, is_max=is_max),
                                 "MaxBackward1" if is_max else "MinBackward1", self)
        axis = wrap_dim(dim, self.ndim)
        values = apply(R.MaxMin, self, axis=axis, keepdim=keepdim, is_max=is_max)
        if not is_max:  # (max(dim) is MaxMin's own name)
            as_torch_node(values, "MinBackward0", self)
        fn = self._data.argmax if is_max else self._data.argmin
        idx = fn(axis=axis)
        if keepdim:
            idx = xp_of(idx).expand_dims(idx, axis)
        return (return_types.max if is_max else return_types.min)((values, wrap(idx.astype(np.int64), None)))

    def max(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, True)

    def min(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, False)

    def amax(self, dim=(), keepdim=False):
        """Maximum over `dim` (an int or a tuple; all dims by default); ties share the gradient evenly."""
        axes = None if dim is None or dim == () else normalize_dims(dim, self.ndim)
        return apply(R.AMaxMin, self, axes=axes, keepdim=keepdim, is_max=True)

    def amin(self, dim=(), keepdim=False):
        """Minimum over `dim` (an int or a tuple; all dims by default); ties share the gradient evenly."""
        axes = None if dim is None or dim == () else normalize_dims(dim, self.ndim)
        return as_torch_node(apply(R.AMaxMin, self, axes=axes, keepdim=keepdim, is_max=False), "AminBackward0", self)

    def argmax(self, dim=None, keepdim=False):
        return _arg_extreme(self, dim, keepdim, True)

    def argmin(self, dim=None, keepdim=False):
        return _arg_extreme(self, dim, keepdim, False)

    def all(self, dim=None, keepdim=False):
        return wrap(xp_of(self._data).asarray(self._data.all(axis=dim, keepdims=keepdim)), None)

    def any(self, dim=None, keepdim=False):
        return wrap(xp_of(self._data).asarray(self._data.any(axis=dim, keepdims=keepdim)), None)

    def cumsum(self, dim: int, *, dtype=None) -> Tensor:
        """z_i = x_0 + ... + x_i along `dim`; integers and booleans sum as int64 (as torch)."""
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind in "bui":
            x = x._cast(np.int64)
        return apply(C.Cumsum, x, axis=wrap_dim(dim, self.ndim)) if x.ndim else x.clone()

    def cumprod(self, dim: int, *, dtype=None) -> Tensor:
        """z_i = x_0 * ... * x_i along `dim` (gradient exact when some x are zero)."""
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind in "bui":
            x = x._cast(np.int64)
        return apply(C.Cumprod, x, axis=wrap_dim(dim, self.ndim)) if x.ndim else x.clone()

    def logsumexp(self, dim=None, keepdim: bool = False) -> Tensor:
        """log(sum(exp(x))) over `dim` (an int or a tuple), stable for large values and for -inf."""
        x = self if self._data.dtype.kind == "f" else self.float()
        axes = normalize_dims(dim, self.dim()) if dim is not None and dim != () else None
        return apply(R.LogSumExp, x, axes=axes, keepdim=keepdim)

    def trace(self) -> Tensor:
        """Sum of the main diagonal of a matrix (integers give int64)."""
        if self.dim() != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.dim()} (shape "
                               f"{list(self.shape)})")
        return self.diagonal().sum()

    def count_nonzero(self, dim=None) -> Tensor:
        return wrap(xp_of(self._data).asarray(xp_of(self._data).count_nonzero(self._data, axis=dim),
                                                dtype=np.int64), None)

    def bincount(self, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
        if self.dim() != 1 or self.is_floating_point():
            raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs (got {self.dtype}, shape "
                               f"{list(self.shape)})")
        w = None if weights is None else weights._data
        out = xp_of(self._data).bincount(self._data, weights=w, minlength=minlength)
        return wrap(out if w is not None else out.astype(np.int64), None)


# ---------------------------------------------------------------------- torch.var_mean / std_mean


def _options(dim, unbiased, correction, name: str):
    """torch's overloads: (input, unbiased), (input, dim, unbiased, keepdim), (input, dim, *, correction)."""
    if isinstance(dim, bool):  # var_mean(x, True): the bool is `unbiased`
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{name}(): pass either unbiased or correction, not both")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def var_mean(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:
    """(variance, mean) over `dim` (all dims when None): var = sum((x - mean)^2) / (N - correction), with
    correction 1 (Bessel's, the default) or 0 (unbiased=False). Both keep the reduced dims with keepdim."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"var_mean(): input must be a Tensor, got {type(input).__name__}")
    dim, correction = _options(dim, unbiased, correction, "var_mean")
    return input.var(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim)


def std_mean(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:
    """(standard deviation, mean) over `dim`; arguments as `var_mean`."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"std_mean(): input must be a Tensor, got {type(input).__name__}")
    dim, correction = _options(dim, unbiased, correction, "std_mean")
    return input.std(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim)


