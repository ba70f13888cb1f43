"""N-d convolution (any stride, padding, dilation and groups) as one large matrix product over im2col columns.

For input x (N, C, *S), weight w (O, C/g, *K) and zero padding:

    y[n, o, p] = b[o] + sum_{c, k} w[o, c, k] * xpad[n, c, p * stride + k * dilation]

The columns are laid out (C K, N L) (L = output positions), so that forward is ONE GEMM
W (O, C K) @ cols (C K, N L), the weight gradient is ONE GEMM  g (O, N L) @ cols^T, and the input gradient is
folded back (col2im): with stride 1, on flat padded planes a few samples at a time, where each kernel offset is
one flat shift (one GEMM per block and one long add per offset, see `_input_grad_unit_stride`); otherwise one
kernel offset k at a time: W_k^T (C, O) @ g (O, N L) added into the strided slice of that offset. Never a loop
over pixels or single samples. Few, large GEMMs matter: a
multi-threaded BLAS synchronises its threads once per call, which is cheap for one big product and ruinous for
thousands of small ones on a busy machine. Scratch buffers come from `workspace` (no fresh pages per step).

Second derivatives (create_graph): y = B(x, w) is bilinear, so its backward is made of its two adjoints,
gx = B_x^T(g, w) (a transposed convolution, `conv_input_grad`) and gw = B_w^T(x, g) (`ConvWeightGrad`), each a
differentiable primitive whose own backward is again B or an adjoint: every order of derivative is a convolution.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .._backend import xp_of
from ..autograd import Function
from . import workspace
from .intraop import BatchParts
from .mkl_blas import matmul


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


class ConvNd(BatchParts, Function):
    """y = conv(x, w) + b for x (N, C, *S), w (O, C/groups, *K), b (O,) or absent -> y (N, O, *out).

    `padding` is ((lo, hi), ...) per spatial dim (asymmetric pads serve padding='same' with even kernels).
    """

    tensor_saves = {"x_t": 0, "w_t": 1}  # used only by the create_graph path (`_graph_backward`)

    def forward(self, x, w, b=None, stride=(1,), padding=((0, 0),), dilation=(1,), groups=1):
        self.opts = (tuple(stride), tuple(padding), tuple(dilation), groups)
        xp = xp_of(x)
        n = x.shape[0]
        out = tuple(out_size(sz + lo + hi, kk, st, d)
                    for sz, (lo, hi), kk, st, d in zip(x.shape[2:], padding, w.shape[2:], stride, dilation))
        y = self.split_forward(
            xp, x, n * math.prod(out) * w.size, (n, w.shape[0]) + out, x.dtype,
            lambda child, lo, hi, rows: child._forward_part(x[lo:hi], w, b, stride, padding, dilation, groups, rows))
        return self._forward_part(x, w, b, stride, padding, dilation, groups) if y is None else y

    def _forward_part(self, x, w, b, stride, padding, dilation, groups, y_out=None):
        """The forward of one part of the batch (or of all of it): im2col, then (N, O, *out) (written into
        `y_out`, that part's rows of the whole output, when given). On the CPU without groups, one GEMM per
        sample (O, C K) @ (C K, L) in one stacked matmul straight into the NCHW output: no (O, N L) temporary
        and no transposing pass (conv2 of the benchmark CNN 0.95 of the one-GEMM time, conv1 0.74)."""
        xp = xp_of(x)
        n, c = x.shape[:2]
        o, k = w.shape[0], w.shape[2:]
        xpad = pad_spatial(x, padding)
        out = tuple(out_size(s, kk, st, d) for s, kk, st, d in zip(xpad.shape[2:], k, stride, dilation))
        kprod, lprod = math.prod(k), math.prod(out)
        st = xpad.strides
        view = xp.lib.stride_tricks.as_strided(  # (C, *K, N, *out)
            xpad, (c,) + k + (n,) + out,
            (st[1],) + tuple(s * d for s, d in zip(st[2:], dilation)) + (st[0],)
            + tuple(s * t for s, t in zip(st[2:], stride)))
        ckg = (c // groups) * kprod
        fold_bias = groups == 1 and b is not None
        # the im2col copy into a pooled buffer; with a bias, a row of ones is appended so the GEMM adds b
        # (and backward's weight GEMM yields the bias gradient in its last row)
        rows = c * kprod + fold_bias
        cols = workspace.take(xp, (rows, n * lprod), x.dtype)
        it = cols.itemsize
        # cols[:C K] seen as (C, *K, N, *out), built explicitly so it is a view on CuPy as on NumPy
        target = xp.lib.stride_tricks.as_strided(
            cols, view.shape, (kprod * n * lprod * it,)
            + tuple(math.prod(k[i + 1:]) * n * lprod * it for i in range(len(k))) + (lprod * it,)
            + tuple(math.prod(out[i + 1:]) * it for i in range(len(out))))
        target[...] = view
        w2 = w.reshape(groups, o // groups, ckg)
        if fold_bias:
            cols[ckg] = 1
            wmat = xp.concatenate([w2[0], b.reshape(o, 1)], axis=1)
        else:
            wmat = w2[0] if groups == 1 else w2
        y = xp.empty((n, o) + out, dtype=x.dtype) if y_out is None else y_out
        y3 = y.reshape(n, o, lprod)
        if groups == 1 and xp is np:
            matmul(wmat[None], cols.reshape(rows, n, lprod).transpose(1, 0, 2), out=y3)
        else:  # GPU (one GEMM, then one transposing copy) and groups
            r = wmat @ cols if groups == 1 else (wmat @ cols.reshape(groups, ckg, n * lprod)).reshape(o, n * lprod)
            if b is not None and not fold_bias:
                r += b.reshape(o, 1)
            y3[...] = r.reshape(o, n, lprod).transpose(1, 0, 2)  # (O, N, L) -> (N, O, L)
        # which inputs need a gradient is only known after forward; the node is dropped when none does
        self.cols, self.w2, self.fold_bias = cols, w2, fold_bias
        self.geom = (x.shape, xpad.shape, w.shape, padding, out, stride, dilation, groups)
        return y

    def release(self) -> None:
        """After backward (or when dropped): the column buffer goes back to the pool for the next step."""
        cols = self.__dict__.get("cols")
        if cols is not None:
            self.__dict__.clear()
            workspace.give(xp_of(cols), cols)
        super().release()

    def __del__(self):
        cols = self.__dict__.get("cols")
        if cols is not None:
            self.__dict__.clear()
            try:
                workspace.give(xp_of(cols), cols)
            except Exception:  # noqa: BLE001 - interpreter shutdown: nothing to recycle into
                pass

    def _graph_backward(self, g) -> tuple:
        """create_graph: gx = B_x^T(g, w), gw = B_w^T(x, g), gb = sum of g, all recorded (see module doc)."""
        stride, padding, dilation, groups = self.opts
        x, w = self.x_t, self.w_t
        needs = self.needs_input_grad
        gx = conv_input_grad(g, w, tuple(x.shape), stride, padding, dilation, groups) if needs[0] else None
        gw = run(ConvWeightGrad, x, g, wshape=tuple(w.shape), stride=stride, padding=padding, dilation=dilation,
                 groups=groups) if needs[1] else None
        gb = g.sum(dim=(0,) + tuple(range(2, g.ndim))) if len(needs) > 2 and needs[2] else None
        return gx, gw, gb

    def backward(self, g):
        if hasattr(g, "_ctx"):
            return self._graph_backward(g)
        if self.is_split:
            return self.split_backward(xp_of(g), g)
        xshape, pshape, wshape, padding, out, stride, dilation, groups = self.geom
        xp = xp_of(g)
        n, o = g.shape[:2]
        lprod = math.prod(out)
        needs = self.needs_input_grad
        gx = gw = gb = None
        want_b = len(needs) > 2 and needs[2]
        if needs[1] or want_b:
            # g as (O, N L), the layout of the GEMMs (a scratch buffer: it never leaves this method)
            g2 = workspace.take(xp, (o, n * lprod), g.dtype)
            g2.reshape(o, n, lprod)[...] = g.reshape(n, o, lprod).transpose(1, 0, 2)
            if needs[1] or self.fold_bias:
                cols = self.cols
                gg = g2.reshape(groups, o // groups, n * lprod)
                gw = matmul(g2, cols.T) if groups == 1 else gg @ xp.swapaxes(cols.reshape(groups, -1, n * lprod), 1, 2)
                gw = gw.reshape(o, -1)
                if self.fold_bias:
                    gw, gb = gw[:, :-1], gw[:, -1].copy()
                gw = gw.reshape(wshape) if needs[1] else None
            if want_b and gb is None:
                gb = g2.sum(axis=1)
            workspace.give(xp, g2)
        if needs[0]:
            if all(s == 1 for s in stride):
                gx = self._input_grad_unit_stride(g, xshape, pshape, wshape, padding, out, dilation, groups)
            else:
                g2 = workspace.take(xp, (o, n * lprod), g.dtype)
                g2.reshape(o, n, lprod)[...] = g.reshape(n, o, lprod).transpose(1, 0, 2)
                gx = self._input_grad(g2.reshape(groups, o // groups, n * lprod), xshape, pshape, wshape, padding,
                                      out, stride, dilation, groups)
                workspace.give(xp, g2)
        return gx, gw, gb

    def _input_grad_unit_stride(self, g, xshape, pshape, wshape, padding, out, dilation, groups):
        """col2im for stride 1 on flat padded planes, a few samples at a time (so the blocks stay in cache).

        g is copied into planes of the padded input's size (zeros outside the output's corner), so kernel
        offset k is the flat shift s_k = sum k_i d_i pitch_i: one GEMM W^T (C K, O) @ g (O, n P) per block
        and, per offset, ONE long add  acc[:, s_k:] += cols_k[:, :-s_k]  over all channels and samples of the
        block. Positions a shift carries across a row, plane or sample boundary hold zeros (0 of the padding
        times W), so they add nothing.
        """
        xp = xp_of(g)
        n, c = xshape[:2]
        o, kshape = wshape[0], tuple(wshape[2:])
        planes = tuple(pshape[2:])
        pp, kprod = math.prod(planes), math.prod(kshape)
        pitch = tuple(math.prod(planes[i + 1:]) for i in range(len(planes)))
        shifts = [sum(k * d * p for k, d, p in zip(off, dilation, pitch))
                  for off in itertools.product(*map(range, kshape))]
        og = o // groups
        # W^T per group: (groups, C/g K, O/g), rows ordered (c, k) like the GEMM's output
        wt = xp.ascontiguousarray(xp.swapaxes(self.w2, 1, 2))
        # CPU: blocks of a few samples stay in cache; GPU: one block (each block costs ~K+2 kernel launches)
        block = n if xp is not np else max(1, min(n, (6 << 20) // max(1, c * kprod * pp * g.itemsize)))
        gp = xp.zeros((o, block) + planes, dtype=g.dtype)
        valid = (slice(None), slice(None)) + tuple(slice(0, m) for m in out)
        acc = xp.empty((c, n * pp), dtype=g.dtype)  # (C, N, *P) flat: transposed to (N, C, *P) at the end
        for n0 in range(0, n, block):
            m = min(block, n - n0)
            gp[:, :m][valid] = xp.swapaxes(g[n0:n0 + m], 0, 1)
            # NumPy's product (OpenBLAS): through MKL this short inner dimension (O) made the CNN step 5 ms slower
            cols = xp.matmul(wt, gp.reshape(groups, og, block * pp)[:, :, :m * pp])  # (groups, C/g K, m P)
            cols = cols.reshape(c, kprod, m * pp)
            base, end = n0 * pp, (n0 + m) * pp
            acc[:, base:end] = cols[:, 0]  # shift 0 covers the whole block
            for j in range(1, kprod):
                s = shifts[j]
                acc[:, base + s:end] += cols[:, j, :m * pp - s]
        gx = xp.swapaxes(acc.reshape((c, n) + planes), 0, 1)
        return gx[interior(xshape[2:], padding)]

    def _input_grad(self, gg, xshape, pshape, wshape, padding, out, stride, dilation, groups):
        """col2im fused with the GEMM, one kernel offset k at a time: W_k^T (C, O) @ g (O, N L) is added into
        the strided slice of offset k of the padded input gradient."""
        xp = xp_of(gg)
        n, c = xshape[:2]
        o, kshape = wshape[0], tuple(wshape[2:])
        nl = gg.shape[-1]
        wk_all = self.w2.reshape((groups, o // groups, c // groups) + kshape)
        acc = xp.zeros(pshape, dtype=gg.dtype)
        acc_cn = xp.swapaxes(acc, 0, 1)  # written as (C, N, *S) to match the GEMM's rows
        part = workspace.take(xp, (groups, c // groups, nl), gg.dtype)
        for off in itertools.product(*map(range, kshape)):
            wk = xp.ascontiguousarray(xp.swapaxes(wk_all[(slice(None),) * 3 + off], 1, 2))  # (g, C/g, O/g)
            xp.matmul(wk, gg, out=part)  # NumPy's, as in _input_grad_unit_stride
            acc_cn[(slice(None), slice(None)) + tap_slice(off, out, stride, dilation)] += part.reshape(
                (c, n) + out)
        workspace.give(xp, part)
        return acc[interior(xshape[2:], padding)]


def run(fn_class, *operands, **options):
    """`fn_class`'s forward on arrays (no graph: the node is released at once) or, on Tensors, recorded."""
    if hasattr(operands[0], "_ctx"):
        from ..autograd import apply

        return apply(fn_class, *operands, **options)
    fn = fn_class()
    fn.needs_input_grad = (False,) * len(operands)
    y = fn.forward(*operands, **options)
    fn.release()
    return y


def conv_input_grad(g, w, xshape: tuple, stride, padding, dilation, groups):
    """B_x^T(g, w): the input gradient of a convolution as a transposed convolution of g over the padded plane
    (output_padding reaching the last padded positions no window read), cropped to x. Arrays or Tensors."""
    from .conv_transpose import ConvTransposeNd, transposed_out_size

    kshape, spatial, out = tuple(w.shape[2:]), tuple(xshape[2:]), tuple(g.shape[2:])
    full = tuple(s + lo + hi for s, (lo, hi) in zip(spatial, padding))
    extra = tuple(f - transposed_out_size(o, k, st, 0, 0, d)
                  for f, o, k, st, d in zip(full, out, kshape, stride, dilation))
    y = run(ConvTransposeNd, g, w, stride=stride, padding=(0,) * len(out), output_padding=extra, dilation=dilation,
            groups=groups)
    crop = (slice(None), slice(None)) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(spatial, padding))
    return y[crop] if full != spatial else y


class ConvWeightGrad(Function):
    """gw = B_w^T(x, g): the weight gradient of conv(x, w) for the output gradient g (ConvNd's im2col and one GEMM),
    as a primitive so that it can be differentiated: d/dx = B_x^T(g, h), d/dg = B(x, h) = conv(x, h)."""

    tensor_saves = {"x": 0, "g": 1}

    def forward(self, x, g, wshape=(), stride=(1,), padding=((0, 0),), dilation=(1,), groups=1):
        self.x, self.g, self.opts = x, g, (stride, padding, dilation, groups)
        conv = ConvNd()
        conv.needs_input_grad = (False, True)
        conv.forward(x, xp_of(x).zeros(wshape, dtype=x.dtype), stride=stride, padding=padding, dilation=dilation,
                     groups=groups)
        gw = conv.backward(g)[1]
        conv.release()
        return gw

    def backward(self, h):
        stride, padding, dilation, groups = self.opts
        needs = self.needs_input_grad
        dx = conv_input_grad(self.g, h, tuple(self.x.shape), stride, padding, dilation, groups) if needs[0] \
            else None
        dg = run(ConvNd, self.x, h, stride=stride, padding=padding, dilation=dilation, groups=groups) \
            if needs[1] else None
        return dx, dg
