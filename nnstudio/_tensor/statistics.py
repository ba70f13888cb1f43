"""Order statistics and running reductions: median, mode, kthvalue, quantile, cummax / cummin, logcumsumexp,
nansum / nanmean, aminmax, histc, bucketize / searchsorted, cov / corrcoef, diff, dist, renorm.

Values that pick elements (median, kthvalue, cummax, ...) are gathered from the input at the chosen indices, so
their gradient flows to those positions, as torch's.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .. import return_types
from .._backend import to_device, to_numpy, xp_of
from ..ops._util import wrap_dim
from .base import TensorBase, as_tensor, wrap

if TYPE_CHECKING:
    from . import Tensor


def histogramdd(input: Tensor, bins=10, *, range=None, weight=None, density: bool = False):  # noqa: A002
    """(hist, bin_edges) of the points input (..., D) in D dims: `bins` an int, D ints or D edge tensors;
    `range` [lo_1, hi_1, ..., lo_D, hi_D]; hist is D-dimensional, bin_edges a tuple of D 1-D tensors."""
    arr = to_numpy(input._data)
    if arr.ndim < 1:
        raise RuntimeError("torch.histogramdd: input should have at least 1 dimension (the points' coordinates)")
    d = arr.shape[-1]
    pts = arr.reshape(-1, d)
    if isinstance(bins, TensorBase):
        bins = int(bins.item()) if bins.ndim == 0 else [int(b) for b in bins.tolist()]
    if isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], TensorBase):
        bins = [to_numpy(b._data) for b in bins]
    if range is not None:
        r = [float(v) for v in range]
        if len(r) != 2 * d:
            raise RuntimeError(f"torch.histogramdd: expected {2 * d} range values for {d}-dimensional points, got "
                               f"{len(r)}")
        range = [(r[2 * i], r[2 * i + 1]) for i in builtins.range(d)]
    w = None if weight is None else to_numpy(weight._data).reshape(-1)
    hist, edges = np.histogramdd(pts, bins=bins, range=range, weights=w, density=density)
    dtype = input._data.dtype
    edges = tuple(wrap(to_device(np.asarray(e).astype(dtype), input.device), None) for e in edges)
    return return_types.histogramdd((wrap(to_device(hist.astype(dtype), input.device), None), edges))


def _indices(arr, like: Tensor) -> Tensor:
    return wrap(to_device(np.ascontiguousarray(arr).astype(np.int64), like.device), None)


def _pick(x: Tensor, dim: int, idx: np.ndarray, keepdim: bool, name: str):
    """(values, indices) of the elements at `idx` (shape of x reduced over dim, kept) along `dim`."""
    index = _indices(idx, x)
    values = x.gather(dim, index)
    if not keepdim:
        values, index = values.squeeze(dim), index.squeeze(dim)
    return getattr(return_types, name)((values, index))


def _lower_median_index(arr: np.ndarray, dim: int, ignore_nan: bool) -> np.ndarray:
    order = np.argsort(arr, axis=dim, kind="stable")
    n = arr.shape[dim]
    if ignore_nan:
        valid = (~np.isnan(arr)).sum(axis=dim, keepdims=True)
        k = np.maximum(valid - 1, 0) // 2
    else:
        has_nan = np.isnan(arr).any(axis=dim, keepdims=True)
        k = np.where(has_nan, n - 1, (n - 1) // 2)  # NaN sorts last: torch's median is NaN then
        if has_nan.any():  # torch returns the index of the first NaN
            first_nan = np.argmax(np.isnan(arr), axis=dim)
            pos = np.take_along_axis(order, np.broadcast_to(k, order.shape[:dim] + (1,) + order.shape[dim + 1:]),
                                     axis=dim)
            return np.where(has_nan, np.expand_dims(first_nan, dim), pos)
    k = np.broadcast_to(k, order.shape[:dim] + (1,) + order.shape[dim + 1:])
    return np.take_along_axis(order, k, axis=dim)


class StatisticsMixin:
    """Order statistics, running reductions and counting."""

    __slots__ = ()

    def _median(self, dim, keepdim: bool, ignore_nan: bool, name: str):
        if dim is None:
            flat = self.reshape(-1)
            if flat.numel() == 0:
                return self.new_full((), float("nan"))
            idx = _lower_median_index(to_numpy(flat._data), 0, ignore_nan)
            return flat.gather(0, _indices(idx, self)).reshape(())
        d = wrap_dim(dim, self.ndim)
        x = self if self.dim() else self.reshape(1)
        return _pick(x, d, _lower_median_index(to_numpy(x._data), d, ignore_nan), keepdim or self.dim() == 0,
                     name)

    def median(self, dim=None, keepdim: bool = False):
        """The lower median (the smaller of the two middle values for an even count), of all elements or, with
        `dim`, (values, indices) along it; NaN where a slice holds one."""
        return self._median(dim, keepdim, False, "median")

    def nanmedian(self, dim=None, keepdim: bool = False):
        """median ignoring NaN (NaN only where a slice is all NaN)."""
        return self._median(dim, keepdim, True, "nanmedian")

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False):
        """(values, indices) of the k-th smallest element (1-based) along `dim`."""
        d = wrap_dim(dim, self.ndim)
        x = self if self.dim() else self.reshape(1)
        n = x.shape[d]
        if not 1 <= k <= n:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} (k={k}, size {n})")
        order = np.argsort(to_numpy(x._data), axis=d, kind="stable")
        idx = np.take(order, [k - 1], axis=d)
        return _pick(x, d, idx, keepdim or self.dim() == 0, "kthvalue")

    def mode(self, dim: int = -1, keepdim: bool = False):
        """(values, indices) of the most frequent value along `dim` (the smallest among ties; the index of its
        last occurrence, as torch)."""
        d = wrap_dim(dim, self.ndim)
        x = self if self.dim() else self.reshape(1)
        arr = np.moveaxis(to_numpy(x._data), d, -1)
        rows = arr.reshape(-1, arr.shape[-1])
        out = np.empty(rows.shape[0], dtype=np.int64)
        for i, row in enumerate(rows):
            values, counts = np.unique(row, return_counts=True)
            best = values[np.argmax(counts)]
            out[i] = np.nonzero(row == best)[0][-1]
        idx = np.expand_dims(out.reshape(arr.shape[:-1]), d)
        return _pick(x, d, idx, keepdim or self.dim() == 0, "mode")

    def _running(self, dim: int, is_max: bool, name: str):
        d = wrap_dim(dim, self.ndim)
        x = self if self.dim() else self.reshape(1)
        arr = to_numpy(x._data)
        running = (np.maximum if is_max else np.minimum).accumulate(arr, axis=d)
        positions = np.arange(arr.shape[d]).reshape((-1,) + (1,) * (arr.ndim - d - 1))
        hit = np.where(arr == running, positions, 0)
        idx = np.maximum.accumulate(hit, axis=d)
        index = _indices(idx, x)
        values = x.gather(d, index)
        if self.dim() == 0:
            values, index = values.reshape(()), index.reshape(())
        return getattr(return_types, name)((values, index))

    def cummax(self, dim: int):
        """(values, indices) of the running maximum along `dim` (ties: the latest index, as torch)."""
        return self._running(dim, True, "cummax")

    def cummin(self, dim: int):
        """(values, indices) of the running minimum along `dim`."""
        return self._running(dim, False, "cummin")

    def logcumsumexp(self, dim: int) -> Tensor:
        """log(cumsum(exp(x))) along `dim`, shifted by the slice's maximum for stability."""
        d = wrap_dim(dim, self.ndim)
        x = self._true_float()
        if x.dim() == 0:
            return x.clone()
        shift = x.detach().amax(dim=d, keepdim=True)
        shift = shift.masked_fill(shift.isinf(), 0.0)
        return (x - shift).exp().cumsum(d).log() + shift

    def nansum(self, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
        """sum treating NaN as 0."""
        return self.masked_fill(self.isnan(), 0).sum(dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
        """mean over the non-NaN elements."""
        valid = (~self.isnan()).sum(dim, keepdim)
        return self.nansum(dim, keepdim, dtype=dtype) / valid

    def aminmax(self, *, dim=None, keepdim: bool = False):
        """(min, max) over `dim` (all elements by default)."""
        dims = () if dim is None else dim
        return return_types.aminmax((self.amin(dims, keepdim), self.amax(dims, keepdim)))

    def _quantile(self, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool, name: str) -> Tensor:
        if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                               f"Got {interpolation}")
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        scalar_q = not isinstance(q, TensorBase) and np.ndim(q) == 0
        qs = np.atleast_1d(to_numpy(q._data) if isinstance(q, TensorBase) else np.asarray(q, dtype=np.float64))
        if qs.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if ((qs < 0) | (qs > 1)).any():
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else wrap_dim(dim, self.ndim)
        sorted_x = x.sort(d).values  # NaN last
        n = x.shape[d] if x.dim() else 1
        arr = np.moveaxis(to_numpy(x._data), d, -1)
        count = (~np.isnan(arr)).sum(-1) if ignore_nan else np.full(arr.shape[:-1], n)
        has_nan = np.isnan(arr).any(-1)
        outs = []
        for qv in qs.tolist():
            pos = qv * (np.maximum(count, 1) - 1)
            lo = np.floor(pos).astype(np.int64)
            hi = np.ceil(pos).astype(np.int64)
            if interpolation == "lower":
                hi = lo
            elif interpolation == "higher":
                lo = hi
            elif interpolation == "nearest":
                lo = hi = np.round(pos).astype(np.int64)  # round half to even, as torch
            frac = pos - lo if interpolation == "linear" else np.full(pos.shape, 0.5 if interpolation == "midpoint"
                                                                        else 0.0)
            if interpolation == "midpoint":
                frac = np.where(hi == lo, 0.0, 0.5)
            take = lambda i: sorted_x.gather(d, _indices(np.expand_dims(i, d), x))  # noqa: E731
            lo_v, hi_v = take(lo), take(hi)
            w = wrap(to_device(np.expand_dims(frac, d).astype(x._data.dtype), x.device), None)
            value = lo_v + w * (hi_v - lo_v)
            bad = count == 0 if ignore_nan else has_nan
            if bad.any():
                value = value.masked_fill(wrap(to_device(np.expand_dims(bad, d), x.device), None), float("nan"))
            outs.append(value if keepdim and dim is not None else value.squeeze(d))
        result = outs[0] if scalar_q else _stack(outs)
        if keepdim and dim is None:
            result = result.reshape(result.shape[:1] + (1,) * self.dim()) if not scalar_q else \
                result.reshape((1,) * self.dim())
        return result

    def quantile(self, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
        """The q-th quantiles (q a number or a 1-D tensor in [0, 1]; a tensor q adds a leading dim) over `dim`
        (all elements when None), interpolating between the two nearest sorted values as `interpolation` says."""
        return self._quantile(q, dim, keepdim, interpolation, False, "quantile")

    def nanquantile(self, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
        """quantile ignoring NaN."""
        return self._quantile(q, dim, keepdim, interpolation, True, "nanquantile")

    def histc(self, bins: int = 100, min=0, max=0) -> Tensor:
        """Counts in `bins` equal bins over [min, max] (the data's range when both are 0); values outside are
        ignored; a float tensor of the input's dtype (no gradient)."""
        arr = to_numpy(self._data).reshape(-1)
        lo, hi = float(min), float(max)
        if lo == hi:
            lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 0.0)
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        if lo > hi:
            raise RuntimeError(f"torch.histc: max must be larger than min (got min {lo}, max {hi})")
        counts, _ = np.histogram(arr[(arr >= lo) & (arr <= hi)], bins=bins, range=(lo, hi))
        return wrap(to_device(counts.astype(self._data.dtype), self.device), None)

    def histogram(self, bins=100, *, range=None, weight=None, density: bool = False):
        """(hist, bin_edges): counts (or weights, or a density) in `bins` bins (an int or the edges)."""
        arr = to_numpy(self._data).reshape(-1)
        edges = to_numpy(bins._data) if isinstance(bins, TensorBase) else bins
        w = None if weight is None else to_numpy(weight._data).reshape(-1)
        hist, edges = np.histogram(arr, bins=edges, range=range, weights=w, density=density)
        dtype = self._data.dtype
        return return_types.histogram((wrap(to_device(hist.astype(dtype), self.device), None),
                                       wrap(to_device(np.asarray(edges).astype(dtype), self.device), None)))

    def msort(self) -> Tensor:
        """sorted along the first dim."""
        return self.sort(0).values

    def diff(self, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
        """The n-th forward difference along `dim`, after concatenating `prepend` / `append`."""
        from .functions import cat

        d = wrap_dim(dim, self.ndim)
        x = self
        if prepend is not None or append is not None:
            parts = [p if isinstance(p, TensorBase) else self.new_full(
                tuple(1 if i == d else s for i, s in enumerate(self.shape)), p) for p in (prepend, self, append)
                if p is not None]
            x = cat(parts, d)
        for _ in builtins.range(n):
            length = x.shape[d]
            x = x.narrow(d, 1, length - 1) - x.narrow(d, 0, length - 1) if x._data.dtype != np.bool_ else \
                x.narrow(d, 1, length - 1) ^ x.narrow(d, 0, length - 1)
        return x

    def dist(self, other, p: float = 2) -> Tensor:
        """The p-norm of self - other."""
        from ..linalg import vector_norm

        return vector_norm(self - other, p)

    def cov(self, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
        """The covariance matrix of the variables in the rows of self (observations in the columns)."""
        x = self if self.dim() == 2 else self.reshape(1, -1)
        x = x._true_float()
        n = x.shape[1]
        w = None
        if fweights is not None:
            w = fweights.to(x.dtype)
        if aweights is not None:
            w = aweights.to(x.dtype) if w is None else w * aweights.to(x.dtype)
        if w is None:
            mean = x.mean(1, keepdim=True)
            norm = n - correction
            c = (x - mean) @ (x - mean).t() / builtins.max(norm, 0)
        else:
            wsum = w.sum()
            mean = (x * w).sum(1, keepdim=True) / wsum
            if aweights is None or correction == 0:
                norm = wsum - correction
            else:
                norm = wsum - correction * (w * aweights.to(x.dtype)).sum() / wsum
            c = ((x - mean) * w) @ (x - mean).t() / norm
        return c.reshape(()) if self.dim() < 2 else c

    def corrcoef(self) -> Tensor:
        """Pearson correlation coefficients of the rows (clipped to [-1, 1])."""
        c = self.cov()
        if c.dim() == 0:
            return c / c
        d = c.diagonal().sqrt()
        return (c / d.unsqueeze(1) / d.unsqueeze(0)).clamp(-1, 1)

    def mvlgamma(self, p: int) -> Tensor:
        """The log of the multivariate gamma function of dimension p (torch.special.multigammaln)."""
        from ..special import multigammaln

        return multigammaln(self, p)

    def bernoulli(self, p=None, *, generator=None) -> Tensor:
        from .functions import bernoulli

        return bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
        from .functions import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)

    def renorm(self, p, dim: int, maxnorm) -> Tensor:
        """Each slice along `dim` rescaled to p-norm at most `maxnorm`."""
        from ..linalg import vector_norm

        d = wrap_dim(dim, self.ndim)
        others = tuple(i for i in builtins.range(self.dim()) if i != d)
        norms = vector_norm(self, p, others, keepdim=True)
        from .functions import where

        return self * where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def _stack(tensors):
    from .functions import stack

    return stack(tensors, 0)


def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """For each value, the index i with boundaries[i-1] < x <= boundaries[i] (right=False) or
    boundaries[i-1] <= x < boundaries[i] (right=True), boundaries 1-D and sorted."""
    b = boundaries._data if isinstance(boundaries, TensorBase) else np.asarray(boundaries)
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    x = as_tensor(input)
    idx = xp_of(x._data).searchsorted(b, x._data, side="right" if right else "left")
    return wrap(xp_of(idx).asarray(idx).astype(np.int32 if out_int32 else np.int64), None)


def searchsorted(sorted_sequence, input, *, out_int32: bool = False, right: bool = False, side=None,
                 sorter=None, out=None) -> Tensor:
    """Indices where `input` would be inserted into `sorted_sequence` (its last dim sorted; N-D sequences search
    row by row against the matching rows of input)."""
    from .functions import write_out

    seq = as_tensor(sorted_sequence)
    values = input if isinstance(input, TensorBase) else seq._operand(input)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    s = to_numpy(seq._data)
    if sorter is not None:
        s = np.take_along_axis(s, to_numpy(sorter._data), axis=-1)
    v = to_numpy(values._data)
    how = "right" if right else "left"
    if s.ndim == 1:
        idx = np.searchsorted(s, v, side=how)
    else:
        if s.shape[:-1] != v.shape[:-1]:
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               f"dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(s.shape)} and input value tensor {list(v.shape)}")
        rows_s, rows_v = s.reshape(-1, s.shape[-1]), v.reshape(-1, v.shape[-1])
        idx = np.stack([np.searchsorted(a, b, side=how) for a, b in zip(rows_s, rows_v)]).reshape(v.shape)
    result = wrap(to_device(np.asarray(idx).astype(np.int32 if out_int32 else np.int64), seq.device), None)
    return result if out is None else write_out(result, out, "searchsorted")


__all__ = ["StatisticsMixin", "searchsorted", "bucketize"]
