"""N-d transposed convolution, the adjoint of `ConvNd`: its forward is convolution's input gradient.

For x (N, C_in, *S), weight w (C_in, C_out/g, *K) (torch's transposed layout), stride s, dilation d, padding p
and output_padding q, the full plane of size P = (S - 1) s + d (K - 1) + 1 + q is

    ypad[n, c, i s + k d] += sum_o w[o, c, k] x[n, o, i]        y = ypad[p : P - p] (+ b[c])

so y has size out = (S - 1) s - 2 p + d (K - 1) + q + 1. Read backwards, this is conv(y; w) with x as the
convolution's output: forward is convolution's col2im (ONE GEMM W^T (C_out K, C_in) @ x (C_in, N L) and one
strided add per kernel offset; at stride 1 `ConvNd`'s flat-plane path), and backward is a plain convolution:
the input gradient is conv(g_y, w) (im2col and one GEMM, `ConvNd`'s forward) and the weight gradient is that
convolution's weight gradient with x in the place of its output gradient (one GEMM). No loop over pixels or
samples.

Under create_graph the same two relations run on Tensors: gx = conv(g, w) (`ConvNd`) and gw = B_w^T(g, x)
(`ConvWeightGrad`), both differentiable primitives (see conv.py).
"""

from __future__ import annotations

import itertools
import math

from .._backend import xp_of
from ..autograd import Function
from .conv import ConvNd, ConvWeightGrad, interior, pad_spatial, run, tap_slice


def transposed_out_size(size: int, kernel: int, stride: int, padding: int, output_padding: int,
                        dilation: int) -> int:
    """Output length along one dim: (size - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


class ConvTransposeNd(Function):
    """y = conv_transpose(x, w) + b for x (N, C_in, *S), w (C_in, C_out/groups, *K), b (C_out,) or absent
    -> y (N, C_out, *out). `padding` and `output_padding` are tuples of ints, one per spatial dim."""

    tensor_saves = {"x_t": 0, "w": 1}

    def forward(self, x, w, b=None, stride=(1,), padding=(0,), output_padding=(0,), dilation=(1,), groups=1):
        xp = xp_of(x)
        n, cin = x.shape[:2]
        kshape = tuple(w.shape[2:])
        cout = w.shape[1] * groups
        spatial = tuple(x.shape[2:])
        out = tuple(transposed_out_size(*a) for a in zip(spatial, kshape, stride, padding, output_padding,
                                                           dilation))
        planes = tuple(o + 2 * p for o, p in zip(out, padding))  # the full plane before cropping the padding
        pads = tuple((p, p) for p in padding)
        yshape, pshape = (n, cout) + out, (n, cout) + planes
        # W as (groups, C_in/g, C_out/g K): the layout `ConvNd`'s input-gradient paths read from `self.w2`
        self.w2 = w.reshape(groups, cin // groups, -1)
        if all(s == 1 for s in stride):
            y = ConvNd._input_grad_unit_stride(self, x, yshape, pshape, w.shape, pads, spatial, dilation, groups)
        else:
            y = self._col2im(x, pshape, w.shape, spatial, stride, dilation, groups)[interior(out, pads)]
        y = xp.ascontiguousarray(y)
        if b is not None:
            y += b.reshape((cout,) + (1,) * len(out))
        self.geom = (stride, pads, dilation, groups, spatial)
        self.w = w
        if self.needs_input_grad and self.needs_input_grad[1]:
            self.x = x
        del self.w2
        return y

    def _col2im(self, x, pshape, wshape, spatial, stride, dilation, groups):
        """ONE GEMM W^T (g, C_out/g K, C_in/g) @ x (g, C_in/g, N L), then one strided add per kernel offset into
        the full (uncropped) plane."""
        xp = xp_of(x)
        n, cin = x.shape[:2]
        cout, kshape = pshape[1], tuple(wshape[2:])
        kprod, lprod = math.prod(kshape), math.prod(spatial)
        wt = xp.swapaxes(self.w2, 1, 2)  # (g, C_out/g K, C_in/g)
        xx = xp.ascontiguousarray(x.reshape(n, groups, cin // groups, lprod).transpose(1, 2, 0, 3))
        xx = xx.reshape(groups, cin // groups, n * lprod)  # (g, C_in/g, N L)
        cols = xp.matmul(wt, xx).reshape((cout, kprod, n) + spatial)
        acc = xp.zeros(pshape, dtype=x.dtype)
        acc_cn = xp.swapaxes(acc, 0, 1)  # (C_out, N, *P): the GEMM's row order
        for j, off in enumerate(itertools.product(*map(range, kshape))):
            acc_cn[(slice(None), slice(None)) + tap_slice(off, spatial, stride, dilation)] += cols[:, j]
        return acc

    def _graph_backward(self, g) -> tuple:
        """create_graph: gx = conv(g, w) cropped to x's grid, gw = B_w^T(g, x), gb = sum of g, all recorded."""
        from .shape import Pad

        stride, pads, dilation, groups, spatial = self.geom
        x, w = self.x_t, self.w
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[0] or needs[1]:
            gxc = run(ConvNd, g, w, stride=stride, padding=pads, dilation=dilation, groups=groups)
            over = tuple(c - s for c, s in zip(gxc.shape[2:], spatial))
            if needs[0]:
                gx = gxc[(slice(None), slice(None)) + tuple(slice(0, s) for s in spatial)] if any(over) else gxc
            if needs[1]:
                if any(over):
                    x = run(Pad, x, pads=((0, 0), (0, 0)) + tuple((0, o) for o in over))
                gw = run(ConvWeightGrad, g, x, wshape=tuple(w.shape), stride=stride, padding=pads,
                         dilation=dilation, groups=groups)
        if len(needs) > 2 and needs[2]:
            gb = g.sum(dim=(0,) + tuple(range(2, g.ndim)))
        return gx, gw, gb

    def backward(self, g):
        if hasattr(g, "_ctx"):
            return self._graph_backward(g)
        stride, pads, dilation, groups, spatial = self.geom
        xp = xp_of(g)
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[0] or needs[1]:
            # conv(g; w) over the full plane: g padded by `padding` on both sides; its output covers x's grid
            # (and, when output_padding >= stride, a few positions past it, which no x reached: cropped)
            conv = ConvNd()
            conv.needs_input_grad = (False, bool(needs[1]))
            gxc = conv.forward(g, self.w, stride=stride, padding=pads, dilation=dilation, groups=groups)
            crop = (slice(None), slice(None)) + tuple(slice(0, s) for s in spatial)
            if needs[0]:
                gx = xp.ascontiguousarray(gxc[crop]) if gxc.shape[2:] != spatial else gxc
            if needs[1]:
                x = self.x
                if gxc.shape[2:] != spatial:  # zeros where x has no position: they add nothing to gw
                    x = pad_spatial(x, tuple((0, c - s) for c, s in zip(gxc.shape[2:], spatial)))
                gw = conv.backward(x)[1]
            conv.release()
        if len(needs) > 2 and needs[2]:
            gb = g.sum(axis=(0,) + tuple(range(2, g.ndim)))
        return gx, gw, gb
