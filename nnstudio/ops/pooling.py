"""Pooling primitives on (N, C, *S) arrays: max and average pooling (N-d), adaptive max pooling.

Windows are visited one kernel offset at a time: each offset is one strided slice of the padded input
covering every window at once, so forward and backward cost prod(kernel) vectorised passes and never loop
over pixels or batch elements. The backward passes scatter with the same slices (no `np.add.at`).

Every backward is linear in g with constant windows (and, for max pooling, constant winners), so under
create_graph it is the same scatter recorded as `IndexAddZeros` nodes (whose backward gathers the slices back).
"""

from __future__ import annotations

import itertools
import math

from .._backend import xp_of
from ..autograd import Function
from ._ns import TENSOR
from .conv import interior, pad_spatial, tap_slice
from .intraop import BatchParts


def pool_out_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """torch's pooling output length: floor (or ceil) division, and in ceil mode no window starting in the
    right padding."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _geometry(shape: tuple, kernel, stride, padding, dilation, ceil_mode) -> tuple:
    """(out sizes, ((lo, hi) pads)): hi grows in ceil mode so the last partial window fits."""
    out = tuple(pool_out_size(s, k, st, p, d, ceil_mode)
                for s, k, st, p, d in zip(shape, kernel, stride, padding, dilation))
    pads = tuple((p, max(p, (o - 1) * st + d * (k - 1) + 1 - s - p))
                 for s, k, st, p, d, o in zip(shape, kernel, stride, padding, dilation, out))
    return out, pads


def _offsets(kernel: tuple):
    return itertools.product(*map(range, kernel))


def _all(ndim: int) -> tuple:
    return (slice(None),) * ndim


def _graph_scatter(g, pshape: tuple, taps, crop: tuple):
    """sum over (slice, weight) taps of zeros(pshape) with g * weight written at the slice, cropped: a pooling
    backward on a Tensor g, recorded (create_graph)."""
    gpad = None
    for sl, weight in taps:
        term = TENSOR.index_add_zeros(pshape, sl, g if weight is None else g * weight, False)
        gpad = term if gpad is None else gpad + term
    return gpad[crop]


def _graph_backward_parts(fn, g) -> tuple:
    """create_graph through a batch-split node: each part's recorded backward on its rows of g, joined."""
    from ..tensor import cat

    return (cat([child._graph_backward(g[lo:hi])[0] for lo, hi, child in fn.parts], 0),)


class MaxPoolNd(BatchParts, Function):
    """y[n, c, p] = max over the window at p of xpad (padding is -inf); the gradient goes to the first
    maximum of each window (in row-major kernel order), as torch's.

    Forward keeps, per window, the kernel offset of its first maximum (int8 for kernels up to 127 taps);
    backward writes g into each offset's strided slice where that offset won.
    """

    tensor_saves: dict = {}

    def forward(self, x, kernel=(2,), stride=(2,), padding=(0,), dilation=(1,), ceil_mode=False):
        out, _ = _geometry(x.shape[2:], kernel, stride, padding, dilation, ceil_mode)
        y = self.split_forward(xp_of(x), x, x.size * math.prod(kernel), x.shape[:2] + out, x.dtype,
                               lambda child, lo, hi, rows: child._forward_part(x[lo:hi], kernel, stride, padding,
                                                                               dilation, ceil_mode, rows))
        return self._forward_part(x, kernel, stride, padding, dilation, ceil_mode) if y is None else y

    def _forward_part(self, x, kernel, stride, padding, dilation, ceil_mode, out_rows=None):
        """The forward of one part of the batch (or all of it), into `out_rows` when given."""
        xp = xp_of(x)
        out, pads = _geometry(x.shape[2:], kernel, stride, padding, dilation, ceil_mode)
        low = -math.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min
        xpad = pad_spatial(x, pads, low)
        kprod = math.prod(kernel)
        itype = xp.int8 if kprod <= 127 else xp.int32
        best = idx = None
        for j, off in enumerate(_offsets(kernel)):
            v = xpad[_all(2) + tap_slice(off, out, stride, dilation)]
            if best is None:
                best = v.copy() if out_rows is None else out_rows
                if out_rows is not None:
                    best[...] = v
                idx = xp.zeros(v.shape, dtype=itype)
                continue
            won = v > best  # strict: the first maximum keeps the window
            xp.maximum(best, v, out=best)
            # offsets grow with j, so "set idx to j where won" is a maximum (cheaper than where/putmask)
            xp.maximum(idx, xp.multiply(won, itype(j), dtype=itype), out=idx)
        self.idx = idx
        self.geom = (x.shape, xpad.shape, pads, kernel, out, stride, dilation)
        return best

    def _graph_backward(self, g) -> tuple:
        xshape, pshape, pads, kernel, out, stride, dilation = self.geom
        taps = ((_all(2) + tap_slice(off, out, stride, dilation), self.idx == j)
                for j, off in enumerate(_offsets(kernel)))
        return (_graph_scatter(g, pshape, taps, interior(xshape[2:], pads)),)

    def backward(self, g):
        if hasattr(g, "_ctx"):
            return _graph_backward_parts(self, g) if self.is_split else self._graph_backward(g)
        if self.is_split:
            return self.split_backward(xp_of(g), g)
        xshape, pshape, pads, kernel, out, stride, dilation = self.geom
        xp = xp_of(g)
        idx = self.idx
        disjoint = all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))
        # windows that tile the padded input exactly write every element: no zero fill needed
        tiled = disjoint and all(d == 1 and s == k and o * s == p
                                 for k, s, d, o, p in zip(kernel, stride, dilation, out, pshape[2:]))
        gpad = xp.empty(pshape, dtype=g.dtype) if tiled else xp.zeros(pshape, dtype=g.dtype)
        for j, off in enumerate(_offsets(kernel)):
            sl = _all(2) + tap_slice(off, out, stride, dilation)
            if disjoint:  # straight into the strided slice, no temporary
                xp.multiply(g, idx == j, out=gpad[sl])
            else:
                gpad[sl] += g * (idx == j)
        return (gpad[interior(xshape[2:], pads)],)


def max_pool_indices(x, kernel, stride, padding, dilation, ceil_mode):
    """Flat index (into each unpadded input plane) of every window's maximum, int64, as torch's return_indices."""
    xp = xp_of(x)
    fn = MaxPoolNd()
    fn._forward_part(x, kernel, stride, padding, dilation, ceil_mode)  # serial: the indices live on fn
    idx, out = fn.idx.astype(xp.int64), fn.geom[4]
    spatial = x.shape[2:]
    flat = xp.zeros(idx.shape, dtype=xp.int64)
    nd = len(kernel)
    for i in range(nd):
        tap = (idx // math.prod(kernel[i + 1:])) % kernel[i]
        pos = xp.arange(out[i]).reshape((out[i],) + (1,) * (nd - 1 - i)) * stride[i] - padding[i]
        flat += (pos + tap * dilation[i]) * math.prod(spatial[i + 1:])
    return flat


def avg_divisor(shape: tuple, kernel, stride, padding, out, count_include_pad: bool, xp, dtype):
    """torch's divisor per output position: the window clipped to the padded input (count_include_pad) or to
    the input itself; separable, so an outer product of one vector per dim, shaped (*out)."""
    div = None
    for i, (s, k, st, p, o) in enumerate(zip(shape, kernel, stride, padding, out)):
        start = xp.arange(o) * st - p
        end = xp.minimum(start + k, s + p)
        size = end - start if count_include_pad else xp.minimum(end, s) - xp.maximum(start, 0)
        size = size.reshape((o,) + (1,) * (len(out) - 1 - i)).astype(dtype)
        div = size if div is None else div * size
    return div


class AvgPoolNd(BatchParts, Function):
    """y[n, c, p] = sum of the window at p of the zero-padded input / divisor (torch's count_include_pad
    and divisor_override rules)."""

    tensor_saves: dict = {}

    def forward(self, x, kernel=(2,), stride=(2,), padding=(0,), ceil_mode=False, count_include_pad=True,
                divisor_override=None):
        out, _ = _geometry(x.shape[2:], kernel, stride, padding, (1,) * len(kernel), ceil_mode)
        y = self.split_forward(xp_of(x), x, x.size * math.prod(kernel), x.shape[:2] + out, x.dtype,
                               lambda child, lo, hi, rows: child._forward_part(
                                   x[lo:hi], kernel, stride, padding, ceil_mode, count_include_pad,
                                   divisor_override, rows))
        if y is None:
            y = self._forward_part(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        return y

    def _forward_part(self, x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override,
                      out_rows=None):
        """The forward of one part of the batch (or all of it), into `out_rows` when given."""
        xp = xp_of(x)
        nd = len(kernel)
        ones = (1,) * nd
        out, pads = _geometry(x.shape[2:], kernel, stride, padding, ones, ceil_mode)
        xpad = pad_spatial(x, pads)
        acc = None
        for off in _offsets(kernel):
            v = xpad[_all(2) + tap_slice(off, out, stride, ones)]
            if acc is None:
                acc = v.copy() if out_rows is None else out_rows
                if out_rows is not None:
                    acc[...] = v
            else:
                xp.add(acc, v, out=acc)
        if divisor_override:
            scale = 1.0 / divisor_override
        elif not ceil_mode and (count_include_pad or not any(padding)):
            scale = 1.0 / math.prod(kernel)
        else:
            scale = 1.0 / avg_divisor(x.shape[2:], kernel, stride, padding, out, count_include_pad, xp, x.dtype)
        acc *= scale
        self.scale, self.geom = scale, (x.shape, xpad.shape, pads, kernel, out, stride)
        return acc

    def _graph_backward(self, g) -> tuple:
        xshape, pshape, pads, kernel, out, stride = self.geom
        ones = (1,) * len(kernel)
        taps = ((_all(2) + tap_slice(off, out, stride, ones), None) for off in _offsets(kernel))
        return (_graph_scatter(g * self.scale, pshape, taps, interior(xshape[2:], pads)),)

    def backward(self, g):
        if hasattr(g, "_ctx"):
            return _graph_backward_parts(self, g) if self.is_split else self._graph_backward(g)
        if self.is_split:
            return self.split_backward(xp_of(g), g)
        xshape, pshape, pads, kernel, out, stride = self.geom
        xp = xp_of(g)
        gs = g * self.scale
        gpad = xp.zeros(pshape, dtype=g.dtype)
        ones = (1,) * len(kernel)
        for off in _offsets(kernel):
            gpad[_all(2) + tap_slice(off, out, stride, ones)] += gs
        return (gpad[interior(xshape[2:], pads)],)


def adaptive_bounds(size: int, out: int, xp):
    """torch's adaptive windows along one dim: start = floor(i L / out), end = ceil((i + 1) L / out)."""
    i = xp.arange(out)
    return (i * size) // out, ((i + 1) * size + out - 1) // out


def adaptive_avg_matrix(size: int, out: int, xp, dtype):
    """(out, size) averaging matrix of adaptive average pooling along one dim."""
    start, end = adaptive_bounds(size, out, xp)
    j = xp.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


class AdaptiveMaxPoolNd(Function):
    """y[n, c, p] = max over torch's adaptive window p; gathers windows padded to the largest window (by
    repeating the last element) and scatters the gradient with one bincount."""

    tensor_saves: dict = {}

    def forward(self, x, output_size=(1,)):
        xp = xp_of(x)
        flat, spatial = self.windows(x.shape[2:], output_size, xp)
        n, c = x.shape[:2]
        sprod = math.prod(spatial)
        planes = x.reshape(n, c, sprod)
        vals = planes[:, :, flat]  # (N, C, *out, Kmax)
        arg = vals.argmax(axis=-1)
        self.where = xp.take_along_axis(xp.broadcast_to(flat, (n, c) + flat.shape), arg[..., None], -1)[..., 0]
        self.xshape = x.shape
        return xp.take_along_axis(vals, arg[..., None], -1)[..., 0]

    @staticmethod
    def windows(spatial: tuple, output_size: tuple, xp):
        """Flat input index of every (output position, window element): shape (*out, prod of max windows)."""
        nd = len(spatial)
        flat = None
        for i, (s, o) in enumerate(zip(spatial, output_size)):
            start, end = adaptive_bounds(s, o, xp)
            kmax = int((end - start).max())
            pos = xp.minimum(start[:, None] + xp.arange(kmax), end[:, None] - 1)  # (o, kmax)
            shape = [1] * (2 * nd)
            shape[i], shape[nd + i] = o, kmax
            term = pos.reshape(shape) * math.prod(spatial[i + 1:])
            flat = term if flat is None else flat + term
        out = flat.shape[:nd]
        return flat.reshape(out + (-1,)), spatial

    def backward(self, g):
        xp = xp_of(self.where)
        n, c = self.xshape[:2]
        sprod = math.prod(self.xshape[2:])
        base = (xp.arange(n * c) * sprod).reshape((n, c) + (1,) * (g.ndim - 2))
        if hasattr(g, "_ctx"):
            flat = TENSOR.index_add_zeros((n * c * sprod,), (self.where + base).ravel(), g.reshape(-1), True)
            return (flat.reshape(self.xshape),)
        gx = xp.bincount((self.where + base).ravel(), weights=g.ravel(), minlength=n * c * sprod)
        return (gx.astype(g.dtype, copy=False).reshape(self.xshape),)
