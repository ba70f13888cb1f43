"""Core layers: Linear, Identity, Embedding, the dropouts; Parameter (a learned tensor used in forward) and Scale
(x times a fixed number)."""

from __future__ import annotations

from typing import Any

from ..fields import BIG, Field, auto_int, bool_field, float_field, int_field
from ..shapes import check_auto, fmt, numel
from ..spec import OP, Ctx, LayerSpec, Shape

CORE = "Core"


def _linear(ctx: Ctx) -> Shape:
    x = ctx.x
    if not x:
        ctx.fail(f"Linear needs at least one feature dimension, but {ctx.src()} gives one number per sample")
    check_auto(ctx, "in_features", x[-1], "features")
    return (*x[:-1], ctx.cfg["out_features"])


def _linear_params(c: dict[str, Any]) -> int:
    return c["in_features"] * c["out_features"] + (c["out_features"] if c["bias"] else 0)


def _linear_from(m: Any) -> dict[str, Any]:
    return {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None}


def _embedding(ctx: Ctx) -> Shape:
    n, pad = ctx.cfg["num_embeddings"], ctx.cfg["padding_idx"]
    if pad is not None and not -n <= pad < n:
        ctx.fail(f"padding_idx={pad} must be within num_embeddings ({-n} to {n - 1})")
    return (*ctx.x, ctx.cfg["embedding_dim"])


def _embedding_from(m: Any) -> dict[str, Any]:
    return {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim, "padding_idx": m.padding_idx,
            "max_norm": m.max_norm, "norm_type": float(m.norm_type), "scale_grad_by_freq": m.scale_grad_by_freq}


def _same(ctx: Ctx) -> Shape:
    return ctx.x


def _dropout_nd(nd: int):
    layout = {1: "(C, L)", 2: "(C, H, W)", 3: "(C, D, H, W)"}[nd]

    def rule(ctx: Ctx) -> Shape:
        if len(ctx.x) != nd + 1:
            ctx.fail(f"Dropout{nd}d drops whole channels of input shaped {layout}, but {ctx.src()} gives "
                     f"{fmt(ctx.x)}; use Dropout for other shapes")
        return ctx.x

    return rule


def _p() -> Any:
    return float_field("p", 0.5, "probability of zeroing each element while training (0 to 1)", min=0.0, max=1.0)


def _dropout_from(m: Any) -> dict[str, Any]:
    return {"p": float(m.p)}


def _parameter(ctx: Ctx) -> Shape:
    shape = tuple(ctx.cfg["shape"])
    if len(shape) < 2 or shape[0] != 1:
        ctx.fail(f"shape {fmt(shape)} must start with 1 and hold one sample's shape after it, (1, L, F) for a "
                 f"position embedding: the same tensor is used for every sample of the batch")
    return shape[1:]


_DROPOUT: dict[str, Any] = {"prefix": "drop", "from_module": _dropout_from, "summary": ("p",)}

SPECS = [
    LayerSpec(
        "Linear", CORE, "Fully connected: every output is a weighted sum of all input features plus a bias, "
        "y = x·Wᵀ + b.", "(*, in_features) → (*, out_features)",
        (auto_int("in_features", "input features (auto: the input's last dimension)"),
         int_field("out_features", 64, "output features: the number of neurons", positional=True),
         bool_field("bias", True, "learn an additive bias b")),
        rule=_linear, params=_linear_params, prefix="fc", from_module=_linear_from),
    LayerSpec("Identity", CORE, "Passes its input through unchanged (a placeholder).", "(*) → (*)", (),
              rule=_same, prefix="identity", dtype="any", from_module=lambda m: {}),
    LayerSpec(
        "Embedding", CORE, "A lookup table: each integer token id picks a learned vector of embedding_dim numbers.",
        "(*) integer ids → (*, embedding_dim)",
        (int_field("num_embeddings", 100, "how many different ids (the vocabulary size)", max=1 << 24,
                   positional=True),
         int_field("embedding_dim", 32, "length of each learned vector", positional=True),
         int_field("padding_idx", None, "an id whose vector stays zero and gets no gradient (optional)",
                   min=-(1 << 24), max=(1 << 24) - 1, optional=True),
         float_field("max_norm", None, "rescale looked-up vectors longer than this (optional)", min=0.0, max=1e6,
                     optional=True),
         float_field("norm_type", 2.0, "the p of the p-norm used by max_norm", min=0.0, max=1e3),
         bool_field("scale_grad_by_freq", False, "scale gradients by the inverse frequency of ids in the batch")),
        rule=_embedding, params=lambda c: c["num_embeddings"] * c["embedding_dim"], prefix="embed", dtype="long",
        from_module=_embedding_from),
    LayerSpec("Dropout", CORE, "While training, zeroes random elements with probability p and scales the rest by "
              "1/(1-p); does nothing in eval mode.", "(*) → (*)", (_p(),), rule=_same, **_DROPOUT),
    LayerSpec("Dropout1d", CORE, "While training, zeroes whole channels of a sequence with probability p.",
              "(C, L) → (C, L)", (_p(),), rule=_dropout_nd(1), **_DROPOUT),
    LayerSpec("Dropout2d", CORE, "While training, zeroes whole feature maps with probability p.",
              "(C, H, W) → (C, H, W)", (_p(),), rule=_dropout_nd(2), **_DROPOUT),
    LayerSpec("Dropout3d", CORE, "While training, zeroes whole 3-d feature maps with probability p.",
              "(C, D, H, W) → (C, D, H, W)", (_p(),), rule=_dropout_nd(3), **_DROPOUT),
    LayerSpec("Parameter", CORE, "A learned tensor with no input, shaped (1, *sample): added to every sample (a "
              "learned position embedding: x + self.position).", "() → sample shape; shape = (1, *sample)",
              (Field("shape", "tuple", (1, 8), "the tensor's shape: 1, then one sample's shape", min=1, max=BIG,
                     positional=True),),
              rule=_parameter, params=lambda c: numel(c["shape"]), inputs=(0, 0), role=OP, prefix="param"),
    LayerSpec("Scale", CORE, "Multiplies every value by a fixed number: the √d_model scaling of a Transformer's "
              "token embeddings (x * 5.66).", "(*) → (*)",
              (float_field("factor", 1.0, "the number every value is multiplied by", min=-1e6, max=1e6,
                           positional=True),),
              rule=_same, role=OP, prefix="scale"),
]
