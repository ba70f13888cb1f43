"""Attention primitives: scaled dot-product attention over batched heads, with an analytic backward.

Notation (the last two axes are the matrices; leading axes are batch and head axes):

    S  = scale * q k^T + mask            (..., L, S)   additive float masks, -inf = "may not attend"
    P  = softmax(S) along the last axis
    Pd = P * keep                        dropout: keep holds 0 or 1 / (1 - p)
    O  = Pd v                            (..., L, Ev)

Backward, with dO the incoming gradient:

    dv  = Pd^T dO
    dP  = (dO v^T) * keep
    dS  = P * (dP - rowsum(dO * O))      since rowsum(P * dP) = rowsum(dO * O): an (L, Ev) reduction, not (L, S)
    dq  = scale dS k ;   dk = scale dS^T q

Three primitives share that math:
- `ScaledDotProductAttention`: q, k, v already split into heads, shape (..., L, E) (F.scaled_dot_product_attention).
- `MultiHeadAttention`: q, k, v (or one packed q|k|v array) in token layout (L, N, E) or (N, L, E); the head
  split and merge happen inside, so the whole attention core is one graph node (MultiheadAttention's fast path).
- `AttentionWeights`: P alone (torch's need_weights=True path, whose weights are an output of their own).

Each also has `composite(*tensors)`, the same forward in differentiable Tensor ops (`attend_composite`), replayed
under create_graph for second derivatives (autograd/graph_backward.py); the fused backward stays the fast path.
"""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ..autograd import Function
from ._util import sum_last_keepdim, unbroadcast
from .dropout import dropout_keep


def causal_mask(xp, length: int, source: int, dtype) -> object:
    """Additive (L, S) mask with -inf above the diagonal (top-left aligned, as torch's is_causal)."""
    m = xp.zeros((length, source), dtype=dtype)
    m[xp.triu(xp.ones((length, source), dtype=bool), 1)] = -np.inf
    return m


def softmax_(s, safe: bool):
    """Softmax of `s` along the last axis, in place. `safe`: a row that is all -inf gives zeros (torch's
    scaled_dot_product_attention); otherwise such a row gives NaN (torch's softmax)."""
    xp = xp_of(s)
    m = s.max(axis=-1, keepdims=True)
    if safe:
        m = xp.where(xp.isneginf(m), xp.asarray(0, s.dtype), m)
    with np.errstate(invalid="ignore"):
        s -= m
        xp.exp(s, out=s)
        z = sum_last_keepdim(s)
        if safe:
            z = xp.where(z == 0, xp.asarray(1, s.dtype), z)
        s *= 1 / z
    return s


def _scores(qs, k, masks):
    """scale * q k^T + every additive mask (each broadcastable against the scores)."""
    xp = xp_of(qs)
    s = qs @ xp.swapaxes(k, -1, -2)
    for m in masks:
        if m is None:
            continue
        if np.broadcast_shapes(s.shape, m.shape) == s.shape:
            s += m
        else:
            s = s + m
    return s


def attend(q, k, v, masks=(), scale=None, dropout_p=0.0):
    """Forward of the fused core. Returns (O, saved) where `saved` holds what `attend_backward` needs."""
    scale = 1.0 / float(q.shape[-1]) ** 0.5 if scale is None else float(scale)
    qs = q * q.dtype.type(scale)
    p = softmax_(_scores(qs, k, masks), safe=True)
    keep = pd = None
    if dropout_p > 0.0:
        keep = dropout_keep(p.shape, dropout_p, p)
        pd = p * keep
    o = (p if pd is None else pd) @ v
    return o, (qs, k, v, p, pd, keep, o, scale)


def attend_backward(g, saved, needs=(True, True, True), out=(None, None, None)):
    """Gradients (dq, dk, dv, dS) of `attend` for the output gradient `g`; `out` may give arrays to write into.
    dS (the gradient of the scores, hence of an additive mask) is computed only when needs[3] is true."""
    qs, k, v, p, pd, keep, o, scale = saved
    xp = xp_of(g)
    dq = dk = dv = ds = None
    if needs[2]:
        dv = _matmul(xp.swapaxes(p if pd is None else pd, -1, -2), g, out[2])
    want_scores = len(needs) > 3 and needs[3]
    if needs[0] or needs[1] or want_scores:
        ds = g @ xp.swapaxes(v, -1, -2)
        if keep is not None:
            ds *= keep
        ds -= sum_last_keepdim(g * o)
        ds *= p
        if needs[0]:
            dq = _matmul(ds, k, out[0])
            dq *= dq.dtype.type(scale)
        if needs[1]:
            dk = _matmul(xp.swapaxes(ds, -1, -2), qs, out[1])
    return dq, dk, dv, (ds if want_scores else None)


def attend_composite(q, k, v, masks=(), scale=1.0, keep=None, safe=True):
    """`attend`'s output (or P alone with v None) from Tensors with differentiable ops (create_graph)."""
    from ..tensor import where

    s = (q * scale) @ k.transpose(-2, -1)
    for m in masks:
        if m is not None:
            s = s + m
    if safe:
        dead = np.isneginf(s._data.max(axis=-1, keepdims=True)) if s._data.size else None
        if dead is not None and dead.any():  # rows with no allowed key give 0 (a constant of the derivative)
            mask = np.broadcast_to(dead, s.shape)
            p = where(mask, 0.0, where(mask, 0.0, s).softmax(-1))
        else:
            p = s.softmax(-1)
    else:
        p = s.softmax(-1)
    if keep is not None:
        p = p * keep
    return p if v is None else p @ v


def _heads_composite(x, num_heads: int, batch_first: bool, packed: bool):
    """`_to_heads` on a Tensor."""
    a, b, e = x.shape
    d = e // (3 * num_heads if packed else num_heads)
    shape = (a, b, 3, num_heads, d) if packed else (a, b, num_heads, d)
    return x.reshape(shape).permute(*_split_perm(packed, batch_first))


def _matmul(a, b, out):
    if out is None or out.shape != np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], b.shape[-1]):
        return a @ b
    return xp_of(a).matmul(a, b, out=out)


class ScaledDotProductAttention(Function):
    """O = dropout(softmax(scale q k^T + mask + masks)) v.  q (..., L, E), k (..., S, E), v (..., S, Ev) ->
    (..., L, Ev). Leading axes of q, k and v broadcast against each other.

    `mask` (optional fourth input): an additive float mask that receives a gradient (dmask = dS, summed over
    broadcast axes), e.g. a learned position bias. `masks`: constant additive float arrays. All broadcastable
    to (..., L, S); rows with no allowed key give 0.
    """

    def forward(self, q, k, v, mask=None, masks=(), scale=None, dropout_p=0.0):
        self.shapes = (q.shape, k.shape, v.shape) + (() if mask is None else (mask.shape,))
        self.masks = tuple(masks)
        o, self.saved = attend(q, k, v, masks if mask is None else (mask,) + tuple(masks), scale, dropout_p)
        return o

    def composite(self, q, k, v, mask=None):
        return attend_composite(q, k, v, ((mask,) if mask is not None else ()) + self.masks, self.saved[7],
                                self.saved[5])

    def backward(self, g):
        grads = attend_backward(g, self.saved, self.needs_input_grad)
        return tuple(None if d is None else unbroadcast(d, s) for d, s in zip(grads, self.shapes))


class AttentionWeights(Function):
    """P = softmax(scale q k^T + masks) (NaN rows where every key is masked, as torch's softmax).

    q (..., L, E), k (..., S, E) -> (..., L, S).  Backward: dS = P (g - rowsum(g P)); dq = scale dS k;
    dk = scale dS^T q.
    """

    def forward(self, q, k, masks=(), scale=None):
        self.scale = 1.0 / float(q.shape[-1]) ** 0.5 if scale is None else float(scale)
        self.qs, self.k, self.masks = q * q.dtype.type(self.scale), k, tuple(masks)
        self.shapes = (q.shape, k.shape)
        self.p = softmax_(_scores(self.qs, k, masks), safe=False)
        return self.p

    def composite(self, q, k):
        return attend_composite(q, k, None, self.masks, self.scale, safe=False)

    def backward(self, g):
        xp = xp_of(g)
        p = self.p
        ds = p * (g - (g * p).sum(axis=-1, keepdims=True))
        dq = dk = None
        if self.needs_input_grad[0]:
            dq = unbroadcast((ds @ self.k) * g.dtype.type(self.scale), self.shapes[0])
        if self.needs_input_grad[1]:
            dk = unbroadcast(xp.swapaxes(ds, -1, -2) @ self.qs, self.shapes[1])
        return dq, dk


# ---------------------------------------------------------------------------- token layout <-> heads
def _split_perm(packed: bool, batch_first: bool) -> tuple:
    """Axes that take (L, N, [3,] H, D) or (N, L, [3,] H, D) to ([3,] N, H, L, D)."""
    if packed:
        return (2, 0, 3, 1, 4) if batch_first else (2, 1, 3, 0, 4)
    return (0, 2, 1, 3) if batch_first else (1, 2, 0, 3)


def _to_heads(x, num_heads: int, batch_first: bool, packed: bool):
    """(L, N, E) / (N, L, E) -> (N, H, L, D), or a packed (.., 3E) -> (3, N, H, L, D); contiguous."""
    a, b, e = x.shape
    d = e // (3 * num_heads if packed else num_heads)
    shape = (a, b, 3, num_heads, d) if packed else (a, b, num_heads, d)
    return xp_of(x).ascontiguousarray(x.reshape(shape).transpose(_split_perm(packed, batch_first)))


def _from_heads(h, batch_first: bool, packed: bool):
    """Inverse of `_to_heads`: heads back to a contiguous token-layout array."""
    inverse = tuple(int(i) for i in np.argsort(_split_perm(packed, batch_first)))
    t = h.transpose(inverse)
    return xp_of(h).ascontiguousarray(t).reshape(t.shape[0], t.shape[1], -1)


class MultiHeadAttention(Function):
    """The attention core of nn.MultiheadAttention between its input and output projections, as one node.

    Token arrays are 2-D, (tokens, features), with tokens ordered as (L, N) (or (N, L) with `batch_first`):
    forward(qkv) with a packed projection (L * N, 3E) and `shape=(L, N)`, or forward(q, k, v) with q (L * N, E),
    k and v (S * N, E) / (S * N, Ev) and `shape=(L, N, S)`. Heads: E = num_heads * head_dim.
    Returns the heads merged back, (L * N, Ev), ready for the output projection.
    `masks`: additive float arrays broadcastable to (N, num_heads, L, S).
    """

    def forward(self, *arrays, shape=(), num_heads=1, batch_first=False, masks=(), scale=None, dropout_p=0.0):
        self.packed, self.batch_first, self.shapes = len(arrays) == 1, batch_first, [a.shape for a in arrays]
        a, b = shape[0], shape[1]
        if self.packed:
            q, k, v = _to_heads(arrays[0].reshape(a, b, -1), num_heads, batch_first, packed=True)
        else:
            src = (a, shape[2]) if batch_first else (shape[2], b)
            q = _to_heads(arrays[0].reshape(a, b, -1), num_heads, batch_first, packed=False)
            k, v = (_to_heads(x.reshape(src[0], src[1], -1), num_heads, batch_first, packed=False)
                    for x in arrays[1:])
        o, self.saved = attend(q, k, v, masks, scale, dropout_p)
        self.tokens, self.masks, self.num_heads = (a, b), tuple(masks), num_heads
        self.source = None if self.packed else ((a, shape[2]) if batch_first else (shape[2], b))
        return _from_heads(o, batch_first, packed=False).reshape(a * b, -1)

    def composite(self, *tensors):
        a, b = self.tokens
        h, bf = self.num_heads, self.batch_first
        if self.packed:
            q, k, v = _heads_composite(tensors[0].reshape(a, b, -1), h, bf, True).unbind(0)
        else:
            q = _heads_composite(tensors[0].reshape(a, b, -1), h, bf, False)
            k, v = (_heads_composite(x.reshape(self.source[0], self.source[1], -1), h, bf, False)
                    for x in tensors[1:])
        o = attend_composite(q, k, v, self.masks, self.saved[7], self.saved[5])
        inverse = tuple(int(i) for i in np.argsort(_split_perm(False, bf)))
        return o.permute(*inverse).reshape(a * b, -1)

    def backward(self, g):
        xp = xp_of(g)
        g4 = _to_heads(g.reshape(self.tokens[0], self.tokens[1], -1), self.saved[0].shape[1], self.batch_first,
                       packed=False)
        if self.packed:
            qs = self.saved[0]
            buf = xp.empty((3,) + qs.shape, dtype=g.dtype)
            slots = (buf[0], buf[1], buf[2])
            for slot, d in zip(slots, attend_backward(g4, self.saved, out=slots)):
                if d is not slot:  # written elsewhere (shapes broadcast): copy it in
                    slot[...] = d
            return (_from_heads(buf, self.batch_first, packed=True).reshape(self.shapes[0]),)
        grads = attend_backward(g4, self.saved, self.needs_input_grad)
        return tuple(None if d is None else _from_heads(d, self.batch_first, packed=False).reshape(s)
                     for d, s in zip(grads, self.shapes))
