"""Normalisation primitive shared by BatchNorm, LayerNorm and GroupNorm, with an analytic backward.

One fused `Normalize` covers the three layers; they differ only in which axes the statistics run over
(`stat_shape` / `stat_axes`, a view of the input) and how the affine weight broadcasts (`param_shape`):

    BatchNorm2d  x (N, C, H, W):  stats over (0, 2, 3) of x itself,        weight viewed as (1, C, 1, 1)
    LayerNorm    x (*, K...):     stats over axis 1 of x viewed (M, K),    weight viewed as (1, ..., K...)
    GroupNorm    x (N, C, *):     stats over axis 2 of x viewed (N, G, -1), weight viewed as (1, C, 1, ...)
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function


def moments(x, axes: tuple):
    """Mean and biased variance of `x` over `axes` (kept as size-1 axes), computed in two passes."""
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = (xc * xc).mean(axis=axes, keepdims=True)
    return mean, var


class Normalize(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b.

    Inputs: x, then weight (if `has_weight`), then bias (if `has_bias`), each of `param_size` elements.
    `mean` and `var` are arrays shaped like x.reshape(stat_shape) reduced over `stat_axes` (keepdims).
    With `batch_stats=True` they are statistics of x itself and the backward differentiates through them:
        dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))     (means over the stat axes)
    with `batch_stats=False` they are constants (BatchNorm in eval mode): dx = dxhat * invstd.
    dw = sum(g * xhat), db = sum(g) over every axis where the weight broadcasts.
    """

    def forward(self, x, *params, stat_shape, stat_axes, param_shape, mean, var, eps, batch_stats=True,
                has_weight=False, has_bias=False):
        xp = xp_of(x)
        self.x_shape, self.stat_shape, self.stat_axes = x.shape, stat_shape, stat_axes
        self.param_shape, self.batch_stats = param_shape, batch_stats
        invstd = 1.0 / xp.sqrt(var + eps)
        xhat = ((x.reshape(stat_shape) - mean) * invstd).reshape(x.shape)
        self.invstd, self.xhat = invstd.astype(x.dtype, copy=False), xhat.astype(x.dtype, copy=False)
        w = params[0].reshape(param_shape) if has_weight else None
        b = params[-1].reshape(param_shape) if has_bias else None
        self.w, self.has_weight, self.has_bias = w, has_weight, has_bias
        self.p_shapes = [p.shape for p in params]
        y = xhat * w if w is not None else xhat.copy()
        if b is not None:
            y += b
        return y.astype(x.dtype, copy=False)

    def backward(self, g):
        needs = self.needs_input_grad
        xhat = self.xhat
        param_axes = tuple(i for i, n in enumerate(self.param_shape) if n == 1)
        grads = []
        if needs[0]:
            gxhat = g * self.w if self.w is not None else g
            if self.batch_stats:
                gs = gxhat.reshape(self.stat_shape)
                xs = xhat.reshape(self.stat_shape)
                axes = self.stat_axes
                gx = gs - gs.mean(axis=axes, keepdims=True)
                gx -= xs * (gs * xs).mean(axis=axes, keepdims=True)
                gx *= self.invstd
                grads.append(gx.reshape(self.x_shape))
            else:
                grads.append((gxhat.reshape(self.stat_shape) * self.invstd).reshape(self.x_shape))
        else:
            grads.append(None)
        k = 1
        if self.has_weight:
            grads.append((g * xhat).sum(axis=param_axes).reshape(self.p_shapes[0]) if needs[k] else None)
            k += 1
        if self.has_bias:
            grads.append(g.sum(axis=param_axes).reshape(self.p_shapes[-1]) if needs[k] else None)
        return tuple(grads)
