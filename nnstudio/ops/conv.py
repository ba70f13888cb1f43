"""N-d convolution (any stride, padding, dilation and groups) as one large matrix product over im2col columns.

For input x (N, C, *S), weight w (O, C/g, *K) and zero padding:

    y[n, o, p] = b[o] + sum_{c, k} w[o, c, k] * xpad[n, c, p * stride + k * dilation]

The columns are laid out (C, *K, N, *out), so that forward is the GEMM  W (O, C K) @ cols (C K, N L),
the weight gradient is the GEMM  g (O, N L) @ cols^T  and the input gradient is  W^T @ g  folded back
(col2im) with one strided slice-add per kernel offset: prod(K) vectorised adds, never a loop over pixels.
"""

from __future__ import annotations

import itertools
import math

from .._backend import xp_of
from ..autograd import Function


def pad_spatial(x, pads: tuple, value: float = 0.0):
    """`x` (N, C, *S) with pads ((lo, hi), ...) per spatial dim filled with `value` (x itself when none)."""
    if not any(lo or hi for lo, hi in pads):
        return x
    xp = xp_of(x)
    shape = x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads))
    out = xp.full(shape, value, dtype=x.dtype) if value else xp.zeros(shape, dtype=x.dtype)
    out[interior(x.shape[2:], pads)] = x
    return out


def interior(spatial: tuple, pads: tuple) -> tuple:
    """Index of the unpadded region inside a padded (N, C, *S) array."""
    return (slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(spatial, pads))


def tap_slice(offset: tuple, out: tuple, stride: tuple, dilation: tuple) -> tuple:
    """Spatial index of every window's element at kernel `offset`: a strided slice per dim."""
    return tuple(slice(k * d, k * d + s * (o - 1) + 1, s) for k, o, s, d in zip(offset, out, stride, dilation))


def out_size(size: int, kernel: int, stride: int, dilation: int) -> int:
    """Window count along one (already padded) dim."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


class ConvNd(Function):
    """y = conv(x, w) + b for x (N, C, *S), w (O, C/groups, *K), b (O,) or absent -> y (N, O, *out).

    `padding` is ((lo, hi), ...) per spatial dim (asymmetric pads serve padding='same' with even kernels).
    """

    def forward(self, x, w, b=None, stride=(1,), padding=((0, 0),), dilation=(1,), groups=1):
        xp = xp_of(x)
        n, c = x.shape[:2]
        o, k = w.shape[0], w.shape[2:]
        xpad = pad_spatial(x, padding)
        out = tuple(out_size(s, kk, st, d) for s, kk, st, d in zip(xpad.shape[2:], k, stride, dilation))
        kprod, lprod = math.prod(k), math.prod(out)
        st = xpad.strides
        view = xp.lib.stride_tricks.as_strided(
            xpad, (c,) + k + (n,) + out,
            (st[1],) + tuple(s * d for s, d in zip(st[2:], dilation)) + (st[0],)
            + tuple(s * t for s, t in zip(st[2:], stride)))
        cols = view.reshape(groups, (c // groups) * kprod, n * lprod)  # the im2col copy
        w2 = w.reshape(groups, o // groups, (c // groups) * kprod)
        y = w2[0] @ cols[0] if groups == 1 else w2 @ cols
        y = y.reshape(o, n, lprod)
        if b is not None:
            y += b.reshape(o, 1, 1)
        # which inputs need a gradient is only known after forward; the node is dropped when none does
        self.cols, self.w2, self.wshape = cols, w2, w.shape
        self.geom = (x.shape, xpad.shape, padding, k, out, stride, dilation, groups)
        return xp.ascontiguousarray(y.transpose(1, 0, 2)).reshape((n, o) + out)

    def backward(self, g):
        xshape, pshape, padding, k, out, stride, dilation, groups = self.geom
        xp = xp_of(g)
        n, o = g.shape[:2]
        lprod = math.prod(out)
        g2 = xp.ascontiguousarray(g.reshape(n, o, lprod).transpose(1, 0, 2)).reshape(groups, o // groups,
                                                                                     n * lprod)
        needs = self.needs_input_grad
        gx = gw = gb = None
        if len(needs) > 2 and needs[2]:
            gb = g2.reshape(o, n * lprod).sum(axis=1)
        if needs[1]:
            cols = self.cols
            gw = g2[0] @ cols[0].T if groups == 1 else g2 @ cols.transpose(0, 2, 1)
            gw = gw.reshape(self.wshape)
        if needs[0]:
            w2 = self.w2
            gcols = w2[0].T @ g2[0] if groups == 1 else w2.transpose(0, 2, 1) @ g2
            c = xshape[1]
            gcols = gcols.reshape((c,) + k + (n,) + out)
            # col2im in (C, N, *S) layout, so each slice-add reads and writes in the same memory order
            acc = xp.zeros((c, n) + pshape[2:], dtype=g.dtype)
            for off in itertools.product(*map(range, k)):
                acc[(slice(None), slice(None)) + tap_slice(off, out, stride, dilation)] += gcols[
                    (slice(None),) + off]
            acc = acc[interior(xshape[2:], padding)]
            gx = xp.ascontiguousarray(acc.transpose((1, 0) + tuple(range(2, acc.ndim))))
        return gx, gw, gb
