"""Transformer layers: `TransformerEncoderLayer`, `TransformerDecoderLayer`, `TransformerEncoder`,
`TransformerDecoder` and `Transformer`, with torch's arguments, submodule names and initialisation.

Shapes (E = d_model; batch_first swaps the first two axes; unbatched inputs drop N):
src (S, N, E), tgt (T, N, E), memory (S, N, E); src_mask (S, S) or (N * nhead, S, S); tgt_mask (T, T);
memory_mask (T, S); *_key_padding_mask (N, S) / (N, T). Boolean masks: True = may NOT attend.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from ..._backend import to_device
from ..._dtype import to_numpy_dtype
from ...autograd import is_grad_enabled
from ...tensor import Tensor
from .. import functional as F
from .. import init
from .activation import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm


def _generate_square_subsequent_mask(sz: int, device=None, dtype=None) -> Tensor:
    """(sz, sz) float mask: 0 on and below the diagonal, -inf above (position i may attend to j <= i)."""
    arr = np.triu(np.full((sz, sz), -np.inf, dtype=to_numpy_dtype(dtype)), 1)
    return Tensor._wrap(to_device(arr, device) if device is not None else arr, None)


def _get_activation_fn(activation: str) -> Callable[[Tensor], Tensor]:
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


def _get_clones(module: Module, n: int) -> ModuleList:
    """`n` independent deep copies of `module` (torch's TransformerEncoder/Decoder start from equal layers)."""
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _feed_forward(layer: Module, x: Tensor, dropout_out: Module) -> Tensor:
    """linear2(dropout(activation(linear1(x)))) then dropout, on the tokens as rows of one matrix (one matrix
    product per linear instead of one per sequence position)."""
    h = x.reshape(-1, x._data.shape[-1])
    h = layer.linear2(layer.dropout(layer.activation(layer.linear1(h))))
    return dropout_out(h).reshape(x.shape)


def _who(layer: Module) -> str:
    attn = layer.self_attn
    return f"{type(layer).__name__}(d_model={attn.embed_dim}, nhead={attn.num_heads})"


def _check_input(layer: Module, name: str, x, d_model: int, batch_first: bool) -> None:
    """Rank and feature checks on a layer's input; the message names the layer (built only on error)."""
    if isinstance(x, Tensor) and x.ndim in (2, 3) and x._data.shape[-1] == d_model:
        return
    who = _who(layer)
    if not isinstance(x, Tensor):
        raise TypeError(f"{who}: {name} must be a Tensor, got {type(x).__name__}")
    if x.ndim not in (2, 3):
        layout = "(N, S, E)" if batch_first else "(S, N, E)"
        raise AssertionError(f"{who}: expected {name} of shape {layout} with E = d_model = {d_model}, or unbatched"
                             f" (S, E); got a {x.ndim}-D tensor of shape {tuple(x.shape)}")
    if x._data.shape[-1] != d_model:
        raise AssertionError(f"{who}: expected {name} with last dimension d_model={d_model}, got shape "
                             f"{tuple(x.shape)}")


def _add_sublayers(layer: Module, n: int, d_model: int, dim_feedforward: int, dropout: float, activation,
                   layer_norm_eps: float, norm_first: bool, bias: bool, kw: dict) -> None:
    """Give an encoder (n = 2) or decoder (n = 3) layer what follows its attention modules, in torch's order
    (which is the state_dict's): linear1, dropout, linear2, norm_first, norm1..n, dropout1..n, activation (a
    string name resolved to the function)."""
    layer.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
    layer.dropout = Dropout(dropout)
    layer.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
    layer.norm_first = norm_first
    for i in range(1, n + 1):
        setattr(layer, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
    for i in range(1, n + 1):
        setattr(layer, f"dropout{i}", Dropout(dropout))
    layer.activation = _get_activation_fn(activation) if isinstance(activation, str) else activation


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual connection and LayerNorm.

    Args: d_model, nhead, dim_feedforward (2048), dropout (0.1), activation ("relu", "gelu" or a callable),
    layer_norm_eps (1e-5), batch_first (False), norm_first (False: post-norm), bias (True), device, dtype.
    Submodules (torch's names): self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2.
    forward(src (S, N, E), src_mask, src_key_padding_mask, is_causal) -> (S, N, E).
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device=None,
                 dtype=None):
        super().__init__()
        _check_heads(type(self).__name__, d_model, nhead)
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            **kw)
        _add_sublayers(self, 2, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, kw)
        if self.activation is F.relu or type(self.activation).__name__ == "ReLU":
            self.activation_relu_or_gelu = 1
        elif self.activation is F.gelu or type(self.activation).__name__ == "GELU":
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        _check_input(self, "src", src, self.self_attn.embed_dim, self.self_attn.batch_first)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask, key_padding_mask, is_causal: bool) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        return _feed_forward(self, x, self.dropout2)


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's memory, then feed-forward; residuals and LayerNorms.

    Args as TransformerEncoderLayer. Submodules: self_attn, multihead_attn, linear1, dropout, linear2,
    norm1..3, dropout1..3. forward(tgt (T, N, E), memory (S, N, E), tgt_mask (T, T), memory_mask (T, S),
    tgt_key_padding_mask (N, T), memory_key_padding_mask (N, S), tgt_is_causal, memory_is_causal) -> (T, N, E).
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device=None,
                 dtype=None):
        super().__init__()
        _check_heads(type(self).__name__, d_model, nhead)
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias,
                                            **kw)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first,
                                                 bias=bias, **kw)
        _add_sublayers(self, 3, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, kw)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> Tensor:
        bf = self.self_attn.batch_first
        _check_input(self, "tgt", tgt, self.self_attn.embed_dim, bf)
        _check_input(self, "memory", memory, self.self_attn.embed_dim, bf)
        if tgt.ndim != memory.ndim:
            raise AssertionError(f"{_who(self)}: tgt and memory must both be batched (3-D) or both unbatched (2-D), "
                                 f"got tgt {tuple(tgt.shape)} and memory {tuple(memory.shape)}")
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask, key_padding_mask, is_causal: bool = False) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
                           need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x: Tensor, mem: Tensor, attn_mask, key_padding_mask, is_causal: bool = False) -> Tensor:
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                is_causal=is_causal, need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        return _feed_forward(self, x, self.dropout3)


class TransformerEncoder(Module):
    """`num_layers` copies of `encoder_layer` (deep copies: equal initial weights, as torch), then `norm`.

    Parameter names: layers.0.self_attn.in_proj_weight, ..., norm.weight. forward(src, mask,
    src_key_padding_mask, is_causal) -> same shape as src.
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True):
        super().__init__()
        if not isinstance(encoder_layer, Module):
            raise TypeError(f"TransformerEncoder: encoder_layer must be an nn.Module, got "
                            f"{type(encoder_layer).__name__}")
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor and _sparsity_fast_path_ok(encoder_layer)
        self.mask_check = mask_check

    def forward(self, src: Tensor, mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        output = src
        for i, mod in enumerate(self.layers):
            output = _located(f"layers.{i}", mod, output, src_mask=mask, is_causal=bool(is_causal),
                              src_key_padding_mask=src_key_padding_mask)
        if self._pads_with_zeros(src, mask, src_key_padding_mask):
            # torch's inference path runs padded sequences as nested tensors and returns zeros at the padding
            pad = _as_bool_padding(src_key_padding_mask)
            keep = (~pad).astype(output._data.dtype)[..., None]  # (N, S, 1): this path is batch-first only
            output = output * Tensor._wrap(to_device(keep, output.device), None)
        if self.norm is not None:
            output = self.norm(output)
        return output

    def _pads_with_zeros(self, src: Tensor, mask, src_key_padding_mask) -> bool:
        """Whether torch would take its nested-tensor fast path (inference with a left-aligned padding mask)."""
        if not self.use_nested_tensor or src_key_padding_mask is None or mask is not None or src.ndim != 3:
            return False
        first = self.layers[0]
        if first.training:
            return False
        if is_grad_enabled() and (src.requires_grad or any(p.requires_grad for p in first.parameters())):
            return False
        pad = _as_bool_padding(src_key_padding_mask)
        if self.mask_check:
            # left aligned: every row is some real tokens followed only by padding
            real = ~pad
            if bool(np.any(real[:, 1:] & ~real[:, :-1])):
                return False
        return True


def _as_bool_padding(mask) -> np.ndarray:
    """A key padding mask (bool, or float with -inf / nonzero = padded) as a NumPy bool array."""
    arr = mask._data if isinstance(mask, Tensor) else mask
    arr = arr.get() if hasattr(arr, "get") else np.asarray(arr)
    return arr if arr.dtype == np.bool_ else arr != 0


def _sparsity_fast_path_ok(layer: Module) -> bool:
    if not isinstance(layer, TransformerEncoderLayer) or layer.norm_first:
        return False
    attn = layer.self_attn
    return (attn.batch_first and attn._qkv_same_embed_dim and attn.in_proj_bias is not None
            and bool(layer.activation_relu_or_gelu) and layer.norm1.eps == layer.norm2.eps
            and attn.num_heads % 2 == 0)


def _located(name: str, mod: Module, *args, **kwargs):
    """Call a child layer; an error from it is prefixed with the child's name, once."""
    try:
        return mod(*args, **kwargs)
    except (RuntimeError, ValueError, AssertionError) as exc:
        if exc.args and isinstance(exc.args[0], str) and not getattr(exc, "_nnstudio_located", False):
            exc.args = (f"in layer ({name}): {exc.args[0]}",) + exc.args[1:]
            exc._nnstudio_located = True
        raise


class TransformerDecoder(Module):
    """`num_layers` deep copies of `decoder_layer`, then `norm`.

    forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal,
    memory_is_causal) -> same shape as tgt.
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None):
        super().__init__()
        if not isinstance(decoder_layer, Module):
            raise TypeError(f"TransformerDecoder: decoder_layer must be an nn.Module, got "
                            f"{type(decoder_layer).__name__}")
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        output = tgt
        for i, mod in enumerate(self.layers):
            output = _located(f"layers.{i}", mod, output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                              tgt_key_padding_mask=tgt_key_padding_mask,
                              memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=bool(tgt_is_causal),
                              memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """Encoder-decoder Transformer ("Attention Is All You Need"), torch's defaults and parameter names.

    Args: d_model (512), nhead (8), num_encoder_layers (6), num_decoder_layers (6), dim_feedforward (2048),
    dropout (0.1), activation, custom_encoder, custom_decoder, layer_norm_eps, batch_first, norm_first, bias,
    device, dtype. Every parameter with more than one dimension is re-initialised with xavier_uniform_.
    forward(src (S, N, E), tgt (T, N, E), src_mask, tgt_mask, memory_mask, src_key_padding_mask,
    tgt_key_padding_mask, memory_key_padding_mask, src_is_causal, tgt_is_causal, memory_is_causal) -> (T, N, E).
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, custom_encoder: Module | None = None,
                 custom_decoder: Module | None = None, layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None):
        super().__init__()
        _check_heads("Transformer", d_model, nhead)
        kw = {"device": device, "dtype": dtype}
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, bias, **kw)
            self.encoder = TransformerEncoder(layer, num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, bias, **kw)
            self.decoder = TransformerDecoder(layer, num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        is_batched = src.dim() == 3
        batch_axis = 0 if self.batch_first else 1
        if is_batched and (tgt.dim() != 3 or src.size(batch_axis) != tgt.size(batch_axis)):
            raise RuntimeError(f"Transformer: the batch number of src and tgt must be equal, got src "
                               f"{tuple(src.shape)} and tgt {tuple(tgt.shape)} (batch_first={self.batch_first})")
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError(f"Transformer: the feature number of src and tgt must be equal to d_model="
                               f"{self.d_model}, got src {tuple(src.shape)} and tgt {tuple(tgt.shape)}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device=None, dtype=None) -> Tensor:
        """(sz, sz) float mask, -inf above the diagonal: a causal mask for tgt_mask."""
        return _generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self) -> None:
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)


def _check_heads(layer: str, d_model: int, nhead: int) -> None:
    if not isinstance(d_model, int) or not isinstance(nhead, int) or d_model <= 0 or nhead <= 0:
        raise ValueError(f"{layer}: d_model and nhead must be positive integers, got d_model={d_model!r} and "
                         f"nhead={nhead!r}")
    if d_model % nhead:
        raise AssertionError(f"{layer}: embed_dim must be divisible by num_heads: d_model={d_model} is not "
                             f"divisible by nhead={nhead} (head size would be {d_model / nhead:g})")


__all__ = [
    "TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder", "TransformerDecoder", "Transformer",
]
