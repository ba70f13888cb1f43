"""Activations: element-wise non-linearities (shape unchanged) and the softmax family (along one dim)."""

from __future__ import annotations

from typing import Any

from ..fields import choice_field, dim_field, float_field, int_field
from ..shapes import batched_dim, fmt
from ..spec import Ctx, LayerSpec, Shape

ACT = "Activation"
_BOUND = 1e6


def _same(ctx: Ctx) -> Shape:
    return ctx.x


def _hardtanh(ctx: Ctx) -> Shape:
    if ctx.cfg["max_val"] <= ctx.cfg["min_val"]:
        ctx.fail(f"max_val ({ctx.cfg['max_val']}) must be greater than min_val ({ctx.cfg['min_val']})")
    return ctx.x


def _along_dim(ctx: Ctx) -> Shape:
    batched_dim(ctx, ctx.cfg["dim"], len(ctx.x) + 1, "dim", allow_batch=True)
    return ctx.x


def _prelu(ctx: Ctx) -> Shape:
    n = ctx.cfg["num_parameters"]
    if n != 1 and (not ctx.x or ctx.x[0] != n):
        channels = f"{ctx.x[0]} channels" if ctx.x else "no channel dimension"
        ctx.fail(f"num_parameters={n} must be 1 (one shared slope) or the number of channels, but {ctx.src()} gives "
                 f"{fmt(ctx.x)} ({channels})")
    return ctx.x


def _attrs(*names: str):
    def read(m: Any) -> dict[str, Any]:
        return {n: getattr(m, n) for n in names}

    return read


def _act(type_: str, help: str, formula: str = "(*) → (*)", fields: tuple = (), rule=_same) -> LayerSpec:
    return LayerSpec(type_, ACT, help, formula, fields, rule=rule, prefix="act",
                     from_module=_attrs(*(f.name for f in fields)))


def _dim() -> Any:
    return dim_field("dim", -1, "the dimension that sums to 1 (-1: the last; 0 is the batch)", torch_default=None)


SPECS = [
    _act("ReLU", "max(0, x): keeps positives, zeroes negatives; the default choice."),
    _act("LeakyReLU", "x if x > 0 else negative_slope·x: like ReLU but lets a little gradient through.",
         fields=(float_field("negative_slope", 0.01, "slope for negative inputs", min=-_BOUND, max=_BOUND),)),
    _act("ELU", "x if x > 0 else alpha·(eˣ − 1): smooth below zero.",
         fields=(float_field("alpha", 1.0, "the value approached for very negative inputs", min=-_BOUND,
                             max=_BOUND),)),
    _act("GELU", "x·Φ(x): a smooth ReLU used in Transformers.",
         fields=(choice_field("approximate", "none", ("none", "tanh"), "exact ('none') or the tanh approximation"),)),
    _act("SiLU", "x·sigmoid(x) (swish): smooth and non-monotonic."),
    _act("Mish", "x·tanh(softplus(x)): smooth, like SiLU."),
    LayerSpec("PReLU", ACT, "x if x > 0 else a·x with a learned slope a: one shared or one per channel.",
              "(C, *) → (C, *); num_parameters = 1 or C",
              (int_field("num_parameters", 1, "1 (one shared slope) or the number of channels (dimension 1)"),
               float_field("init", 0.25, "the starting slope", min=-_BOUND, max=_BOUND)),
              rule=_prelu, params=lambda c: c["num_parameters"], prefix="act",
              from_module=lambda m: {"num_parameters": m.num_parameters, "init": float(m.init)}),
    _act("Sigmoid", "1 / (1 + e⁻ˣ): squashes to (0, 1); for probabilities of a yes/no output."),
    _act("Tanh", "tanh(x): squashes to (−1, 1), centred on zero."),
    _act("Softplus", "log(1 + e^(beta·x)) / beta: a smooth ReLU that is always positive.",
         fields=(float_field("beta", 1.0, "sharpness (> 0: it divides)", min=0.0, max=_BOUND, min_exclusive=True),
                 float_field("threshold", 20.0, "above this, behave linearly", min=-_BOUND, max=_BOUND))),
    _act("Hardtanh", "clamps x to [min_val, max_val].",
         fields=(float_field("min_val", -1.0, "lower bound", min=-_BOUND, max=_BOUND),
                 float_field("max_val", 1.0, "upper bound", min=-_BOUND, max=_BOUND)), rule=_hardtanh),
    _act("ReLU6", "min(max(0, x), 6): ReLU capped at 6."),
    _act("Softmax", "Turns scores into probabilities that sum to 1 along dim: eˣⁱ / Σ eˣʲ.", fields=(_dim(),),
         rule=_along_dim),
    _act("LogSoftmax", "log(softmax(x)) along dim, computed stably (pair it with NLLLoss).", fields=(_dim(),),
         rule=_along_dim),
    _act("Softmin", "softmax(−x) along dim: small values get large probabilities.", fields=(_dim(),),
         rule=_along_dim),
]
