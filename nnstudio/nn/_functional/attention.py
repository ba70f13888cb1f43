"""The math of attention for `nn.functional`: `scaled_dot_product_attention` and `multi_head_attention_forward`.

Re-exported by `nn.functional`; `MultiheadAttention` calls `multi_head_attention`, which also takes
`batch_first` so that batch-first inputs are never transposed. Masks are constants: additive float masks
(-inf = masked) or boolean masks, converted here into additive arrays of the query's dtype.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..._backend import to_device, xp_of
from ...autograd import apply
from ...ops import attention as AT
from ...ops import linalg as LA
from ...tensor import Tensor, _as_tensor, cat


def _mask_array(mask, name: str, dtype, device, true_means_masked: bool = True):
    """A bool or float mask as an additive float array (bool: -inf where masked), or None."""
    if mask is None:
        return None
    mask = _as_tensor(mask)
    arr = to_device(mask._data, device)
    if arr.dtype.kind == "b":
        xp = xp_of(arr)
        masked = arr if true_means_masked else ~arr
        return xp.where(masked, xp.asarray(-np.inf, dtype), xp.asarray(0, dtype))
    if arr.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported, got {mask.dtype}")
    return arr.astype(dtype, copy=False)


def _dtype_of(mask):
    return None if mask is None else _as_tensor(mask)._data.dtype


# ---------------------------------------------------------------------------- scaled dot-product attention
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query key^T * scale + mask) value, with dropout on the weights (always applied when p > 0).

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev); leading axes broadcast.
    attn_mask: broadcastable to (..., L, S); bool (True = may attend) or float (added to the scores; a float
    mask that requires grad, such as a learned position bias, receives its gradient).
    is_causal: a top-left causal mask (no attn_mask allowed then). scale: default 1 / sqrt(E).
    enable_gqa: key/value may have fewer heads (axis -3) than query, each serving a group of query heads.
    A query row that may attend to no key gives zeros (and zero gradients), as torch.
    """
    name = "scaled_dot_product_attention"
    for t, what in ((query, "query"), (key, "key"), (value, "value")):
        if not isinstance(t, Tensor) or t.ndim < 2:
            got = f"a {t.ndim}-D tensor" if isinstance(t, Tensor) else type(t).__name__
            raise RuntimeError(f"{name}: {what} must be a tensor of at least 2 dimensions (..., length, "
                               f"features), got {got}")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"{name}: query and key must have the same last dimension (embedding), got query "
                           f"{tuple(query.shape)} and key {tuple(key.shape)}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{name}: key and value must have the same sequence length (dimension -2), got key "
                           f"{tuple(key.shape)} and value {tuple(value.shape)}")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"{name}: expected query, key and value to have the same dtype, got "
                           f"{query.dtype}, {key.dtype} and {value.dtype}")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{name}: dropout_p must be in [0, 1], got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise RuntimeError(f"{name}: an explicit attn_mask should not be set when is_causal=True")
    if enable_gqa and key.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        key, value = _repeat_heads(query, key, name), _repeat_heads(query, value, name)
    dtype, xp = query._data.dtype, xp_of(query._data)
    length, source = query.shape[-2], key.shape[-2]
    if is_causal:
        mask = AT.causal_mask(xp, length, source, dtype)
    else:
        mask = _mask_array(attn_mask, "attn_mask", dtype, query.device, true_means_masked=False)
        if mask is not None:
            try:
                np.broadcast_shapes(tuple(mask.shape), tuple(query.shape[:-1]) + (source,))
            except ValueError:
                raise RuntimeError(f"{name}: attn_mask of shape {tuple(mask.shape)} does not broadcast to the "
                                   f"attention scores' shape {tuple(query.shape[:-1]) + (source,)}") from None
    if dropout_p == 1.0:
        return query.new_zeros(tuple(query.shape[:-1]) + (value.shape[-1],)) + 0.0 * query.sum()
    if (isinstance(attn_mask, Tensor) and attn_mask.requires_grad and attn_mask._data.dtype == dtype
            and attn_mask.device == query.device):  # a learned additive bias: it gets a gradient
        return apply(AT.ScaledDotProductAttention, query, key, value, attn_mask, scale=scale,
                     dropout_p=float(dropout_p))
    return apply(AT.ScaledDotProductAttention, query, key, value, masks=(mask,), scale=scale,
                 dropout_p=float(dropout_p))


def _repeat_heads(query: Tensor, kv: Tensor, name: str) -> Tensor:
    hq, hk = query.shape[-3], kv.shape[-3]
    if hq % hk:
        raise RuntimeError(f"{name}: with enable_gqa the number of query heads ({hq}) must be a multiple of the "
                           f"number of key/value heads ({hk})")
    lead = tuple(kv.shape[:-3])
    s, e = kv.shape[-2], kv.shape[-1]
    return kv.unsqueeze(-3).expand(*lead, hk, hq // hk, s, e).reshape(*lead, hq, s, e)


# ---------------------------------------------------------------------------- multi-head attention
def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int,
                                 num_heads: int, in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
                                 bias_k: Tensor | None, bias_v: Tensor | None, add_zero_attn: bool,
                                 dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
                                 training: bool = True, key_padding_mask: Tensor | None = None,
                                 need_weights: bool = True, attn_mask: Tensor | None = None,
                                 use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
                                 k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
                                 static_k: Tensor | None = None, static_v: Tensor | None = None,
                                 average_attn_weights: bool = True, is_causal: bool = False):
    """torch's functional multi-head attention, sequence first: query (L, N, E), key (S, N, Ek), value (S, N, Ev)
    (or unbatched (L, E), (S, Ek), (S, Ev)). Returns (attn_output (L, N, E), attn_weights or None) with weights
    (N, L, S) averaged over heads or (N, num_heads, L, S)."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k / static_v are not supported")
    if not use_separate_proj_weight:
        q_proj_weight = k_proj_weight = v_proj_weight = None
    return multi_head_attention(
        query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
        add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=training,
        key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
        q_proj_weight=q_proj_weight, k_proj_weight=k_proj_weight, v_proj_weight=v_proj_weight,
        average_attn_weights=average_attn_weights, is_causal=is_causal, batch_first=False,
        who="multi_head_attention_forward")


def _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads: int, who: str) -> bool:
    """torch's _mha_shape_check (AssertionError, as torch), naming the layer: True when the input is batched."""
    def rank(t):
        return None if t is None else _as_tensor(t).ndim

    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError(f"{who}: for batched (3-D) `query`, expected `key` and `value` to be 3-D but "
                                 f"found {key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and rank(key_padding_mask) != 2:
            raise AssertionError(f"{who}: for batched (3-D) `query`, expected `key_padding_mask` to be `None` or "
                                 f"2-D but found {rank(key_padding_mask)}-D tensor instead")
        if attn_mask is not None and rank(attn_mask) not in (2, 3):
            raise AssertionError(f"{who}: for batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or "
                                 f"3-D but found {rank(attn_mask)}-D tensor instead")
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError(f"{who}: for unbatched (2-D) `query`, expected `key` and `value` to be 2-D but "
                                 f"found {key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and rank(key_padding_mask) != 1:
            raise AssertionError(f"{who}: for unbatched (2-D) `query`, expected `key_padding_mask` to be `None` "
                                 f"or 1-D but found {rank(key_padding_mask)}-D tensor instead")
        if attn_mask is not None:
            if rank(attn_mask) not in (2, 3):
                raise AssertionError(f"{who}: for unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D "
                                     f"or 3-D but found {rank(attn_mask)}-D tensor instead")
            expected = (num_heads, query.shape[0], key.shape[0])
            if rank(attn_mask) == 3 and tuple(_as_tensor(attn_mask).shape) != expected:
                raise AssertionError(f"{who}: expected `attn_mask` shape to be {expected} but got "
                                     f"{tuple(_as_tensor(attn_mask).shape)}")
        return False
    raise AssertionError(f"{who}: query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D "
                         f"query tensor of shape {tuple(query.shape)}")


def _linear(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    return apply(LA.Linear, x, w) if b is None else apply(LA.Linear, x, w, b)


def _pad_last(mask, xp):
    """Append one zero (= attend) column to an additive mask."""
    if mask is None:
        return None
    return xp.concatenate([mask, xp.zeros(mask.shape[:-1] + (1,), mask.dtype)], axis=-1)


def multi_head_attention(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                         in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
                         bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
                         out_proj_bias: Tensor | None, *, training: bool = True,
                         key_padding_mask: Tensor | None = None, need_weights: bool = True,
                         attn_mask: Tensor | None = None, q_proj_weight: Tensor | None = None,
                         k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
                         average_attn_weights: bool = True, is_causal: bool = False, batch_first: bool = False,
                         who: str = "MultiheadAttention"):
    """Multi-head attention with the layout chosen by `batch_first` ((N, L, E) instead of (L, N, E)).

    Projections: packed `in_proj_weight` (3E, E), or separate q/k/v_proj_weight (when kdim/vdim differ).
    Without need_weights the whole attention core is one fused primitive; with it, the weights P are
    computed by their own primitive so they can be returned (and differentiated) as torch does.
    """
    is_batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads, who)
    if not is_batched:  # torch ignores batch_first for unbatched input
        batch_first = False
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = _as_tensor(key_padding_mask).unsqueeze(0)
    seq_axis = 1 if batch_first else 0
    length, bsz, embed_dim = query._data.shape[seq_axis], query._data.shape[1 - seq_axis], query._data.shape[2]
    source = key._data.shape[seq_axis]
    dtype, device, xp = query._data.dtype, query.device, xp_of(query._data)

    if key_padding_mask is not None and attn_mask is not None and _dtype_of(key_padding_mask) != _dtype_of(
            attn_mask):
        warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type for "
                      "both instead.", stacklevel=3)
    kpm = _mask_array(key_padding_mask, "key_padding_mask", dtype, device)
    if is_causal and attn_mask is None:
        raise RuntimeError(f"{who}: Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    causal = False
    if is_causal and kpm is None and not need_weights:
        am = None  # torch trusts the hint and uses a causal mask instead of attn_mask
        causal = True
    else:
        am = _mask_array(attn_mask, "attn_mask", dtype, device)

    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"{who}: was expecting embedding dimension of {embed_dim_to_check}, but got "
                             f"{embed_dim} (query of shape {tuple(query.shape)})")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"{who}: embed_dim must be divisible by num_heads, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads}")
    separate = q_proj_weight is not None
    if separate and (k_proj_weight is None or v_proj_weight is None):
        raise AssertionError(f"{who}: q_proj_weight, k_proj_weight and v_proj_weight must be given together")
    if not separate and in_proj_weight is None:
        raise AssertionError(f"{who}: in_proj_weight is None and no separate q/k/v_proj_weight were given")
    if separate and tuple(key._data.shape[:2]) != tuple(value._data.shape[:2]):
        raise AssertionError(f"{who}: key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                             f"{tuple(value.shape[:2])}")
    if not separate and tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"{who}: key shape {tuple(key.shape)} does not match value shape "
                             f"{tuple(value.shape)}")
    if key._data.shape[1 - seq_axis] != bsz:
        raise AssertionError(f"{who}: key has batch size {key.shape[1 - seq_axis]} but query has {bsz} (query "
                             f"{tuple(query.shape)}, key {tuple(key.shape)}, batch_first={batch_first})")

    if am is not None:
        if am.ndim == 2:
            if tuple(am.shape) != (length, source):
                raise RuntimeError(f"{who}: the shape of the 2D attn_mask is {tuple(am.shape)}, but should be "
                                   f"{(length, source)} (target length, source length)")
            am = am[None, None]
        else:
            if tuple(am.shape) != (bsz * num_heads, length, source):
                raise RuntimeError(f"{who}: the shape of the 3D attn_mask is {tuple(am.shape)}, but should be "
                                   f"{(bsz * num_heads, length, source)} (batch * num_heads, target length, "
                                   "source length)")
            am = am.reshape(bsz, num_heads, length, source)
    if kpm is not None:
        if tuple(kpm.shape) != (bsz, source):
            raise AssertionError(f"{who}: expected key_padding_mask of shape {(bsz, source)} (batch, source "
                                 f"length), got {tuple(kpm.shape)}")
        kpm = kpm[:, None, None, :]

    if length == 0 or bsz == 0 or source == 0:  # nothing to attend from or to: torch's outputs, no NumPy error
        # attending over no keys gives zeros, so the output is the output projection's bias (empty if no queries)
        flat_query = query.reshape(-1, query._data.shape[-1]) * 0
        out = _linear(flat_query, out_proj_weight, out_proj_bias).reshape(*query._data.shape[:2],
                                                                          out_proj_weight._data.shape[0])
        weights = None
        if need_weights:
            heads_shape = (bsz, length, source) if average_attn_weights else (bsz, num_heads, length, source)
            weights = Tensor._wrap(xp.zeros(heads_shape, dtype), None)
        if not is_batched:
            return out.squeeze(1), (None if weights is None else weights.squeeze(0))
        return out, weights

    # input projections on 2-D token arrays ((L * N, E): one matrix product each), token order as the input's
    a, b = query._data.shape[0], query._data.shape[1]
    e = embed_dim

    def flat(t: Tensor) -> Tensor:
        return t.reshape(-1, t._data.shape[-1])

    packed = q = k = v = None
    if query is key and key is value and not separate:
        packed = _linear(flat(query), in_proj_weight, in_proj_bias)
    else:
        bq = bk = bv = None
        if in_proj_bias is not None:
            bq, bk, bv = in_proj_bias[:e], in_proj_bias[e:2 * e], in_proj_bias[2 * e:]
        wq, wk, wv = ((q_proj_weight, k_proj_weight, v_proj_weight) if separate else
                      (in_proj_weight[:e], in_proj_weight[e:2 * e], in_proj_weight[2 * e:]))
        q, k, v = _linear(flat(query), wq, bq), _linear(flat(key), wk, bk), _linear(flat(value), wv, bv)

    extra_keys = []
    if bias_k is not None or bias_v is not None:
        if bias_k is None or bias_v is None:
            raise AssertionError(f"{who}: bias_k and bias_v must be given together")
        extra_keys.append((bias_k, bias_v))
    if add_zero_attn:
        zero = Tensor._wrap(xp.zeros((1, 1, e), dtype), None)
        extra_keys.append((zero, zero))
    if extra_keys:
        if packed is not None:
            q, k, v = packed[:, :e], packed[:, e:2 * e], packed[:, 2 * e:]
            packed = None
        row = (bsz, 1, e) if batch_first else (1, bsz, e)
        k3, v3 = k.reshape(key.shape[0], key.shape[1], e), v.reshape(key.shape[0], key.shape[1], -1)
        for bk_, bv_ in extra_keys:
            k3 = cat([k3, bk_.reshape(1, 1, e).expand(*row)], dim=seq_axis)
            v3 = cat([v3, bv_.reshape(1, 1, -1).expand(*row[:2], v3.shape[-1])], dim=seq_axis)
            am, kpm = _pad_last(am, xp), _pad_last(kpm, xp)
            source += 1
        k, v = flat(k3), flat(v3)

    if not training:
        dropout_p = 0.0
    masks = tuple(m for m in (am, kpm) if m is not None)
    if causal:
        masks = (AT.causal_mask(xp, length, source, dtype),)

    if not need_weights:
        if packed is not None:
            out = apply(AT.MultiHeadAttention, packed, shape=(a, b), num_heads=num_heads, batch_first=batch_first,
                        masks=masks, dropout_p=float(dropout_p))
        else:
            out = apply(AT.MultiHeadAttention, q, k, v, shape=(a, b, source), num_heads=num_heads,
                        batch_first=batch_first, masks=masks, dropout_p=float(dropout_p))
        out = _linear(out, out_proj_weight, out_proj_bias).reshape(a, b, -1)
        return (out if is_batched else out.squeeze(1)), None

    if packed is not None:
        q, k, v = packed[:, :e], packed[:, e:2 * e], packed[:, 2 * e:]
    perm = (0, 2, 1, 3) if batch_first else (1, 2, 0, 3)
    src_tokens = (bsz, source) if batch_first else (source, bsz)

    def heads(t: Tensor, tokens: tuple) -> Tensor:  # 2-D tokens -> (N, H, len, D)
        return t.reshape(tokens[0], tokens[1], num_heads, -1).permute(*perm)

    weights = apply(AT.AttentionWeights, heads(q, (a, b)), heads(k, src_tokens), masks=masks)  # (N, H, L, S)
    if dropout_p > 0.0:
        weights = weights * Tensor._wrap(AT.dropout_keep(tuple(weights.shape), dropout_p, weights._data), None)
    out = weights @ heads(v, src_tokens)  # (N, H, L, Dv)
    out = out.permute(*((0, 2, 1, 3) if batch_first else (2, 0, 1, 3))).reshape(a * b, -1)
    out = _linear(out, out_proj_weight, out_proj_bias).reshape(a, b, -1)
    if average_attn_weights:
        weights = weights.mean(1)
    if not is_batched:
        return out.squeeze(1), weights.squeeze(0)
    return out, weights


__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward", "multi_head_attention"]
