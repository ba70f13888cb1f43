"""Normalisation primitive shared by BatchNorm, LayerNorm and GroupNorm, with an analytic backward.

One fused `Normalize` covers the three layers; they differ only in which axes the statistics run over
(`stat_shape` / `stat_axes`, a view of the input) and how the affine weight broadcasts (`param_shape`):

    BatchNorm2d  x (N, C, H, W):  stats over (0, 2, 3) of x itself,        weight viewed as (1, C, 1, 1)
    LayerNorm    x (*, K...):     stats over axis 1 of x viewed (M, K),    weight viewed as (1, ..., K...)
    GroupNorm    x (N, C, *):     stats over axis 2 of x viewed (N, G, -1), weight viewed as (1, C, 1, ...)

Under create_graph the general backward below runs on Tensors: xhat, invstd and the weight are first recomputed
from the input Tensors with differentiable ops (mean, var, rsqrt), so the derivative formula is the same code.
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._util import ones_vector as _ones
from ._util import sum_last_keepdim, sum_rows


def _sum_keep(a, axes: tuple):
    """Sum of `a` over `axes`, keeping them as size-1 axes.

    The two layouts the layers use are reduced with matrix-vector products (several times faster than NumPy's
    strided reductions): the last axis (LayerNorm, GroupNorm) and every axis but 1 (BatchNorm, per channel).
    """
    nd = a.ndim
    if axes == (nd - 1,):
        return sum_last_keepdim(a)
    if nd >= 2 and axes == (0,) + tuple(range(2, nd)):
        return _per_channel_sum(a).reshape((1, a.shape[1]) + (1,) * (nd - 2))
    return a.sum(axis=axes, keepdims=True)


def _sum_keep_any(a, axes: tuple):
    """`_sum_keep` for an array, or the recorded sum of a Tensor (create_graph)."""
    return a.sum(dim=axes, keepdim=True) if hasattr(a, "_ctx") else _sum_keep(a, axes)


def _per_channel_sum(a):
    """Sum of a (N, C, *) over every axis but 1, as a (C,) array."""
    xp = xp_of(a)
    n, c = a.shape[0], a.shape[1]
    s = a.size // (n * c) if n * c else 0
    if s == 1:
        return sum_rows(a.reshape(n, c))
    return sum_rows((a.reshape(n * c, s) @ _ones(xp, s, a.dtype)).reshape(n, c))


def _count(shape: tuple, axes: tuple) -> int:
    n = 1
    for i in axes:
        n *= shape[i]
    return n


def moments(x, axes: tuple):
    """Mean, biased variance (both with size-1 `axes` kept) and the centred x - mean, in two passes."""
    n = _count(x.shape, axes)
    mean = _sum_keep(x, axes) / n
    xc = x - mean
    var = _sum_keep(xc * xc, axes) / n
    return mean, var, xc


def _sum_to_param(a, param_shape: tuple):
    """Sum `a` (shaped like x) over the axes where a parameter of `param_shape` broadcasts."""
    if hasattr(a, "_ctx"):
        return a.sum(dim=tuple(i for i, n in enumerate(param_shape) if n == 1))
    lead = 0
    while lead < len(param_shape) and param_shape[lead] == 1:
        lead += 1
    if all(n != 1 for n in param_shape[lead:]):  # only leading broadcast axes (LayerNorm)
        inner = 1
        for n in a.shape[lead:]:
            inner *= n
        return sum_rows(a.reshape(-1, inner))
    if a.ndim >= 2 and param_shape == (1, a.shape[1]) + (1,) * (a.ndim - 2):  # per channel (Batch/GroupNorm)
        return _per_channel_sum(a)
    return a.sum(axis=tuple(i for i, n in enumerate(param_shape) if n == 1))


class Normalize(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b.

    Inputs: x, then weight (if `has_weight`), then bias (if `has_bias`), each of `param_size` elements.
    `mean` and `var` are arrays shaped like x.reshape(stat_shape) reduced over `stat_axes` (keepdims);
    `centered` (optional, x.reshape(stat_shape) - mean, owned by the caller) saves recomputing it.
    With `batch_stats=True` they are statistics of x itself and the backward differentiates through them:
        dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))     (means over the stat axes)
    with `batch_stats=False` they are constants (BatchNorm in eval mode): dx = dxhat * invstd.
    dw = sum(g * xhat), db = sum(g) over every axis where the weight broadcasts.
    """

    tensor_saves = {"x_t": 0, "w_t": 1}  # w_t: input 1 when there is a weight (see `_lift_statistics`)

    def forward(self, x, *params, stat_shape, stat_axes, param_shape, mean, var, eps, batch_stats=True,
                has_weight=False, has_bias=False, centered=None):
        xp = xp_of(x)
        self.x_shape, self.stat_shape, self.stat_axes = x.shape, stat_shape, stat_axes
        self.param_shape, self.batch_stats, self.mean, self.eps = param_shape, batch_stats, mean, eps
        invstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype, copy=False)
        if centered is None:
            centered = x.reshape(stat_shape) - mean
        centered *= invstd
        xhat = centered.reshape(x.shape)
        self.invstd, self.xhat = invstd, xhat
        w = params[0].reshape(param_shape) if has_weight else None
        b = params[-1].reshape(param_shape) if has_bias else None
        self.w, self.has_weight, self.has_bias = w, has_weight, has_bias
        self.p_shapes = [p.shape for p in params]
        y = xhat * w if w is not None else xhat.copy()
        if b is not None:
            y += b
        return y

    def _lift_statistics(self) -> None:
        """create_graph: xhat, invstd and w as Tensors recomputed from the input Tensors (with history)."""
        xs = self.x_t.reshape(self.stat_shape)
        if self.batch_stats:
            mean = xs.mean(dim=self.stat_axes, keepdim=True)
            centered = xs - mean
            self.invstd = ((centered * centered).mean(dim=self.stat_axes, keepdim=True) + self.eps).rsqrt()
        else:  # running statistics: constants
            centered = xs - self.mean
        self.xhat = (centered * self.invstd).reshape(self.x_shape)
        self.w = self.w_t.reshape(self.param_shape) if self.has_weight else None

    def backward(self, g):
        if hasattr(g, "_ctx"):
            self._lift_statistics()  # then the general formula, on Tensors
        elif self.batch_stats and self.stat_shape == self.x_shape and \
                self.stat_axes == tuple(i for i, n in enumerate(self.param_shape) if n == 1):
            return self._backward_per_channel(g)
        needs = self.needs_input_grad
        xhat = self.xhat
        grads = []
        if needs[0]:
            gxhat = g * self.w if self.w is not None else g
            if self.batch_stats:
                gs = gxhat.reshape(self.stat_shape)
                xs = xhat.reshape(self.stat_shape)
                axes = self.stat_axes
                n = _count(gs.shape, axes)
                gx = gs - _sum_keep_any(gs, axes) / n
                gx -= xs * (_sum_keep_any(gs * xs, axes) / n)
                gx *= self.invstd
                grads.append(gx.reshape(self.x_shape))
            else:
                grads.append((gxhat.reshape(self.stat_shape) * self.invstd).reshape(self.x_shape))
        else:
            grads.append(None)
        k = 1
        if self.has_weight:
            grads.append(_sum_to_param(g * xhat, self.param_shape).reshape(self.p_shapes[0]) if needs[k] else None)
            k += 1
        if self.has_bias:
            grads.append(_sum_to_param(g, self.param_shape).reshape(self.p_shapes[-1]) if needs[k] else None)
        return tuple(grads)

    def _backward_per_channel(self, g):
        """BatchNorm in training: w and invstd are constant over the statistics' axes, so with per-channel
        sums sg = sum(g), sgx = sum(g xhat) and k = w invstd:  dx = k (g - sg / n - xhat sgx / n),
        dw = sgx, db = sg (fewer passes over the data than the general form)."""
        needs, axes, xhat = self.needs_input_grad, self.stat_axes, self.xhat
        n = _count(g.shape, axes)
        sg = _sum_keep(g, axes)
        sgx = _sum_keep(g * xhat, axes)
        grads = [None]
        if needs[0]:
            k = self.invstd * self.w if self.w is not None else self.invstd
            gx = g * k
            gx -= xhat * (k * sgx / n)
            gx -= k * sg / n
            grads[0] = gx
        if self.has_weight:
            grads.append(sgx.reshape(self.p_shapes[0]) if needs[1] else None)
        if self.has_bias:
            grads.append(sg.reshape(self.p_shapes[-1]) if needs[len(grads)] else None)
        return tuple(grads)
