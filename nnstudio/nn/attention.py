"""`MultiheadAttention` (torch's parameters, names, initialisation and return values)."""

from __future__ import annotations

from ..tensor import Tensor
from . import init
from ._functional_attention import multi_head_attention
from .modules.linear import NonDynamicallyQuantizableLinear
from .modules.module import Module
from .parameter import empty_param


class MultiheadAttention(Module):
    """Attention over `num_heads` heads of size embed_dim // num_heads ("Attention Is All You Need").

    Args: embed_dim, num_heads, dropout (on the attention weights, training only), bias (projections),
    add_bias_kv (a learned key/value row appended to the keys), add_zero_attn (a zero key/value row appended),
    kdim / vdim (key / value feature sizes, default embed_dim: separate q/k/v_proj_weight when they differ),
    batch_first ((N, L, E) instead of (L, N, E)), device, dtype.

    Parameters (torch's names): in_proj_weight (3E, E) or q_proj_weight (E, E), k_proj_weight (E, kdim),
    v_proj_weight (E, vdim); in_proj_bias (3E,); out_proj.weight (E, E), out_proj.bias (E,); bias_k, bias_v
    (1, 1, E). Init: xavier_uniform_ on the input projections, zeros for both biases, xavier_normal_ for bias_k/v.

    forward(query (L, N, E), key (S, N, kdim), value (S, N, vdim), key_padding_mask (N, S), need_weights,
    attn_mask (L, S) or (N * num_heads, L, S), average_attn_weights, is_causal) -> (attn_output (L, N, E),
    attn_weights (N, L, S), (N, num_heads, L, S) without averaging, or None). Unbatched inputs drop N.
    Boolean masks: True = may NOT attend; float masks are added to the scores.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError(f"MultiheadAttention: embed_dim must be divisible by num_heads, got "
                                 f"embed_dim={embed_dim} and num_heads={num_heads}")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = empty_param((embed_dim, embed_dim), device, dtype)
            self.k_proj_weight = empty_param((embed_dim, self.kdim), device, dtype)
            self.v_proj_weight = empty_param((embed_dim, self.vdim), device, dtype)
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = empty_param((3 * embed_dim, embed_dim), device, dtype)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = empty_param((3 * embed_dim,), device, dtype)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k = empty_param((1, 1, embed_dim), device, dtype)
            self.bias_v = empty_param((1, 1, embed_dim), device, dtype)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        who = f"MultiheadAttention(embed_dim={self.embed_dim}, num_heads={self.num_heads})"
        for t, what, size in ((query, "query", self.embed_dim), (key, "key", self.kdim),
                              (value, "value", self.vdim)):
            if isinstance(t, Tensor) and t.ndim in (2, 3) and t.shape[-1] != size:
                raise AssertionError(f"{who}: expected {what} with last dimension {size}, got shape "
                                     f"{tuple(t.shape)}")
        return multi_head_attention(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight, average_attn_weights=average_attn_weights, is_causal=is_causal,
            batch_first=self.batch_first, who=who)


__all__ = ["MultiheadAttention"]
