"""Attention: MultiheadAttention and the Transformer encoder/decoder layers (always batch_first)."""

from __future__ import annotations

from typing import Any

from ..fields import auto_int, bool_field, choice_field, float_field, int_field
from ..shapes import check_auto, fmt
from ..spec import CALL_ATTENTION, Ctx, LayerSpec, Shape

ATTENTION = "Attention"
ROLES = ("query", "key", "value")


def _seq(ctx: Ctx, i: int, role: str) -> Shape:
    s = ctx.inputs[i].shape
    if len(s) != 2:
        ctx.fail(f"{ctx.type} needs a {role} sequence shaped (L, features), but {ctx.src(i)} gives {fmt(s)}")
    return s


def _heads(ctx: Ctx, embed: int, heads_field: str) -> None:
    h = ctx.cfg[heads_field]
    if embed % h:
        ctx.fail(f"{heads_field}={h} must divide the embedding size {embed}: the {embed} features are split evenly "
                 f"among the heads")


def _mha_rule(ctx: Ctx) -> Shape:
    q = _seq(ctx, 0, "query")
    k = _seq(ctx, 1, "key") if len(ctx.inputs) > 1 else q
    v = _seq(ctx, 2, "value") if len(ctx.inputs) > 2 else k
    e = check_auto(ctx, "embed_dim", q[1], "features")
    _heads(ctx, e, "num_heads")
    for i, (role, s) in enumerate(zip(ROLES[1:], (k, v)), 1):
        want = ctx.cfg["kdim" if role == "key" else "vdim"] or e
        if s[1] != want:
            src = ctx.src(min(i, len(ctx.inputs) - 1))
            ctx.fail(f"the {role} from {src} has {s[1]} features but {'kdim' if role == 'key' else 'vdim'} is "
                     f"{want}; set it to {s[1]}")
    if k[0] != v[0]:
        ctx.fail(f"key and value must have one length, got {k[0]} ({ctx.src(1)}) and {v[0]} ({ctx.src(2)})")
    return q


def _mha_params(c: dict[str, Any]) -> int:
    e = c["embed_dim"]
    kd, vd = c["kdim"] or e, c["vdim"] or e
    n = e * e + e * kd + e * vd + e * e
    if c["bias"]:
        n += 3 * e + e
    if c["add_bias_kv"]:
        n += 2 * e
    return n


def _mha_from(m: Any) -> dict[str, Any]:
    if not m.batch_first:
        raise ValueError("MultiheadAttention(batch_first=False) reads (L, N, E); the builder keeps the batch first: "
                         "make it with batch_first=True")
    e = m.embed_dim
    return {"embed_dim": e, "num_heads": m.num_heads, "dropout": float(m.dropout),
            "bias": m.in_proj_bias is not None, "add_bias_kv": m.bias_k is not None, "add_zero_attn": m.add_zero_attn,
            "kdim": None if m.kdim == e else m.kdim, "vdim": None if m.vdim == e else m.vdim}


def _encoder_rule(ctx: Ctx) -> Shape:
    x = _seq(ctx, 0, "source")
    d = check_auto(ctx, "d_model", x[1], "features")
    _heads(ctx, d, "nhead")
    return x


def _decoder_rule(ctx: Ctx) -> Shape:
    t = _seq(ctx, 0, "target")
    m = _seq(ctx, 1, "memory")
    d = check_auto(ctx, "d_model", t[1], "features")
    if m[1] != d:
        ctx.fail(f"the memory from {ctx.src(1)} has {m[1]} features but d_model is {d}; both inputs need d_model "
                 f"features")
    _heads(ctx, d, "nhead")
    return t


def _ln(d: int, bias: bool) -> int:
    return d * (2 if bias else 1)


def _encoder_params(c: dict[str, Any]) -> int:
    d, f, b = c["d_model"], c["dim_feedforward"], c["bias"]
    attn = 4 * d * d + (4 * d if b else 0)
    ff = 2 * d * f + ((f + d) if b else 0)
    return attn + ff + 2 * _ln(d, b)


def _decoder_params(c: dict[str, Any]) -> int:
    d, b = c["d_model"], c["bias"]
    return _encoder_params(c) + 4 * d * d + (4 * d if b else 0) + _ln(d, b)


def _activation_name(act: Any) -> str:
    if isinstance(act, str):
        return act
    name = getattr(act, "__name__", None) or type(act).__name__
    name = name.lower()
    if name in ("relu", "gelu"):
        return name
    raise ValueError(f"activation {act!r} is not supported by the builder (only 'relu' and 'gelu')")


def _layer_from(m: Any) -> dict[str, Any]:
    a = m.self_attn
    if not a.batch_first:
        raise ValueError(f"{type(m).__name__}(batch_first=False) reads (L, N, E); the builder keeps the batch first: "
                         f"make it with batch_first=True")
    return {"d_model": a.embed_dim, "nhead": a.num_heads, "dim_feedforward": m.linear1.out_features,
            "dropout": float(m.dropout.p), "activation": _activation_name(m.activation),
            "layer_norm_eps": float(m.norm1.eps), "norm_first": bool(m.norm_first),
            "bias": m.linear1.bias is not None}


def _transformer_fields() -> tuple:
    return (auto_int("d_model", "features per token (auto: the input's last dimension)"),
            int_field("nhead", 1, "attention heads (must divide d_model)", max=1024, positional=True),
            int_field("dim_feedforward", 2048, "width of the feed-forward block"),
            float_field("dropout", 0.1, "dropout probability (0 to 1)", min=0.0, max=1.0),
            choice_field("activation", "relu", ("relu", "gelu"), "activation of the feed-forward block"),
            float_field("layer_norm_eps", 1e-5, "eps of the LayerNorms (> 0)", min=0.0, max=1.0, min_exclusive=True),
            bool_field("norm_first", False, "LayerNorm before each block (pre-norm) instead of after"),
            bool_field("bias", True, "learn biases in the linear and norm layers"))


SPECS = [
    LayerSpec(
        "MultiheadAttention", ATTENTION,
        "Each position of the query looks at every position of the key and takes a weighted mix of the values "
        "(self-attention with one input).",
        "query (L, embed_dim), key (S, kdim), value (S, vdim) → (L, embed_dim)",
        (auto_int("embed_dim", "features per token (auto: the query's last dimension)"),
         int_field("num_heads", 1, "attention heads (must divide embed_dim)", max=1024, positional=True),
         float_field("dropout", 0.0, "dropout on the attention weights (0 to 1)", min=0.0, max=1.0),
         bool_field("bias", True, "learn biases in the projections"),
         bool_field("add_bias_kv", False, "add a learned key and value row"),
         bool_field("add_zero_attn", False, "add a zero key and value row"),
         int_field("kdim", None, "key features (empty: embed_dim)", optional=True),
         int_field("vdim", None, "value features (empty: embed_dim)", optional=True)),
        rule=_mha_rule, params=_mha_params, inputs=(1, 3), call=CALL_ATTENTION, fixed={"batch_first": True},
        prefix="attn", from_module=_mha_from),
    LayerSpec(
        "TransformerEncoderLayer", ATTENTION,
        "Self-attention then a two-layer feed-forward block, each with a residual connection and a LayerNorm.",
        "(L, d_model) → (L, d_model)", _transformer_fields(), rule=_encoder_rule, params=_encoder_params,
        fixed={"batch_first": True}, prefix="encoder", from_module=_layer_from),
    LayerSpec(
        "TransformerDecoderLayer", ATTENTION,
        "Self-attention over the target, attention over the encoder's memory, then feed-forward; residuals and "
        "LayerNorms.", "target (T, d_model), memory (S, d_model) → (T, d_model)", _transformer_fields(),
        rule=_decoder_rule, params=_decoder_params, inputs=(2, 2), fixed={"batch_first": True}, prefix="decoder",
        from_module=_layer_from),
]
