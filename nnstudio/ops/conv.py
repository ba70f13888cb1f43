"""N-d convolution (any stride, padding, dilation and groups) as one large matrix product over im2col columns.

For input x (N, C, *S), weight w (O, C/g, *K) and zero padding:

    y[n, o, p] = b[o] + sum_{c, k} w[o, c, k] * xpad[n, c, p * stride + k * dilation]

The columns are laid out (N, C K, L) (L = output positions), so that forward is one batched GEMM
W (O, C K) @ cols[n] (C K, L) that lands directly in (N, O, L), the weight gradient is  sum_n g[n] @ cols[n]^T
and the input gradient is folded back (col2im) one kernel offset k at a time: W_k^T @ g[n] added into the
strided slice of that offset. prod(K) vectorised GEMMs and adds, never a loop over pixels or samples.
"""

from __future__ import annotations

import itertools
import math

from .._backend import xp_of
from ..autograd import Function
from . import workspace


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
            xpad, (n, c) + k + out,
            st[:2] + tuple(s * d for s, d in zip(st[2:], dilation)) + tuple(s * t for s, t in zip(st[2:], stride)))
        ckg = (c // groups) * kprod
        w2 = w.reshape(groups, o // groups, ckg)
        fold_bias = groups == 1 and b is not None
        # the im2col copy into a pooled buffer; with a bias, a row of ones is appended so the GEMM adds b
        # (and backward's weight GEMM yields the bias gradient in its last column)
        buf = workspace.take(xp, (n, c * kprod + fold_bias, lprod), x.dtype)
        it = buf.itemsize
        # buf[:, :C K] seen as (N, C, *K, *out), built explicitly so it is a view on CuPy as on NumPy
        target = xp.lib.stride_tricks.as_strided(
            buf, view.shape, (buf.strides[0], kprod * lprod * it)
            + tuple(math.prod(k[i + 1:]) * lprod * it for i in range(len(k)))
            + tuple(math.prod(out[i + 1:]) * it for i in range(len(out))))
        target[...] = view
        if groups == 1:
            cols = buf
            if fold_bias:
                cols[:, ckg] = 1
                y = xp.concatenate([w2[0], b.reshape(o, 1)], axis=1) @ cols
            else:
                y = w2[0] @ cols
        else:
            cols = buf.reshape(n, groups, ckg, lprod)
            y = (w2 @ cols).reshape(n, o, lprod)
            if b is not None:
                y += b.reshape(o, 1)
        self.buf = buf
        # which inputs need a gradient is only known after forward; the node is dropped when none does
        self.cols, self.w2, self.fold_bias = cols, w2, fold_bias
        self.geom = (x.shape, xpad.shape, w.shape, padding, out, stride, dilation, groups)
        return y.reshape((n, o) + out)

    def release(self) -> None:
        """After backward (or when dropped): the column buffer goes back to the pool for the next step."""
        buf = self.__dict__.get("buf")
        if buf is not None:
            self.__dict__.clear()
            workspace.give(xp_of(buf), buf)
        super().release()

    def __del__(self):
        buf = self.__dict__.get("buf")
        if buf is not None:
            self.__dict__.clear()
            try:
                workspace.give(xp_of(buf), buf)
            except Exception:  # noqa: BLE001 - interpreter shutdown: nothing to recycle into
                pass

    def backward(self, g):
        xshape, pshape, wshape, padding, out, stride, dilation, groups = self.geom
        xp = xp_of(g)
        n, o = g.shape[:2]
        g3 = g.reshape(n, o, math.prod(out))
        if groups > 1:
            g3 = g3.reshape(n, groups, o // groups, -1)
        needs = self.needs_input_grad
        gx = gw = gb = None
        want_b = len(needs) > 2 and needs[2]
        if needs[1] or (want_b and self.fold_bias):
            gw = (g3 @ xp.swapaxes(self.cols, -1, -2)).sum(axis=0)
            if self.fold_bias:
                gw, gb = gw[:, :-1], gw[:, -1].copy()
            gw = gw.reshape(wshape) if needs[1] else None
        if want_b and gb is None:
            gb = g.reshape(n, o, -1).sum(axis=(0, 2))
        if needs[0]:
            # col2im fused with the GEMM, one kernel offset at a time: dcols_k = W_k^T @ g lands in (N, C, *out)
            # and is added into the offset's strided slice (9 GEMMs + 9 adds for 3x3, no (N, C K, L) buffer)
            c, kshape = xshape[1], tuple(wshape[2:])
            wk_all = self.w2.reshape((groups, o // groups, c // groups) + kshape)
            acc = xp.zeros(pshape, dtype=g.dtype)
            for off in itertools.product(*map(range, kshape)):
                wk = xp.swapaxes(wk_all[(slice(None),) * 3 + off], -1, -2)  # (groups, C/g, O/g)
                part = wk[0] @ g3 if groups == 1 else wk @ g3
                acc[(slice(None), slice(None)) + tap_slice(off, out, stride, dilation)] += part.reshape(
                    (n, c) + out)
            gx = acc[interior(xshape[2:], padding)]
        return gx, gw, gb
