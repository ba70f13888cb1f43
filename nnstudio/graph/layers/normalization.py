"""Normalization: BatchNorm1d/2d/3d, LayerNorm, GroupNorm."""

from __future__ import annotations

from typing import Any

from ..fields import Field, auto_int, bool_field, float_field, int_field
from ..shapes import check_auto, fmt, numel
from ..spec import Ctx, LayerSpec, Shape

NORM = "Normalization"
_BN_LAYOUT = {1: "(C,) or (C, L)", 2: "(C, H, W)", 3: "(C, D, H, W)"}


def _eps() -> Field:
    return float_field("eps", 1e-5, "added to the variance to avoid dividing by zero (> 0)", min=0.0, max=1.0,
                       min_exclusive=True)


def _bn_rule(nd: int):
    def rule(ctx: Ctx) -> Shape:
        x = ctx.x
        ok = len(x) in (1, 2) if nd == 1 else len(x) == nd + 1
        if not ok:
            ctx.fail(f"BatchNorm{nd}d needs input shaped {_BN_LAYOUT[nd]}, but {ctx.src()} gives {fmt(x)}")
        check_auto(ctx, "num_features", x[0], "channels")
        return x

    return rule


def _bn_params(c: dict[str, Any]) -> int:
    return (c["num_features"] * (2 if c["bias"] else 1)) if c["affine"] else 0


def _bn_from(m: Any) -> dict[str, Any]:
    return {"num_features": m.num_features, "eps": float(m.eps),
            "momentum": None if m.momentum is None else float(m.momentum), "affine": m.affine,
            "track_running_stats": m.track_running_stats, "bias": not m.affine or m.bias is not None}


def _batchnorm(nd: int) -> LayerSpec:
    return LayerSpec(
        f"BatchNorm{nd}d", NORM,
        "Normalizes each channel over the batch to mean 0 and variance 1, then scales and shifts it (learned).",
        f"{_BN_LAYOUT[nd]} → same",
        (auto_int("num_features", "channels C (auto: the input's first dimension)"), _eps(),
         float_field("momentum", 0.1, "how fast the running statistics follow the batches (empty: a plain average)",
                     min=0.0, max=1.0, optional=True),
         bool_field("affine", True, "learn a scale and a shift per channel"),
         bool_field("track_running_stats", True, "keep running statistics for eval mode"),
         bool_field("bias", True, "learn the shift (with affine)", keyword_only=True)),
        rule=_bn_rule(nd), params=_bn_params, prefix="bn", from_module=_bn_from)


def _ln_rule(ctx: Ctx) -> Shape:
    x = ctx.x
    ns = ctx.cfg["normalized_shape"]
    if ns is None:
        ns = ctx.cfg["normalized_shape"] = (x[-1],) if x else ()
        if not x:
            ctx.fail(f"LayerNorm needs at least one feature dimension, but {ctx.src()} gives one number per sample")
    ns = tuple(ns) if isinstance(ns, tuple) else (ns,)
    if len(ns) > len(x) or tuple(x[len(x) - len(ns):]) != ns:
        ctx.fail(f"normalized_shape {fmt(ns)} must match the last dimensions of the input {fmt(x)} from "
                 f"{ctx.src()}; set it to {fmt(x[-len(ns):] if len(ns) <= len(x) else x)} or leave it auto")
    return x


def _ln_params(c: dict[str, Any]) -> int:
    ns = c["normalized_shape"]
    n = numel(ns if isinstance(ns, tuple) else (ns,))
    return n * (2 if c["bias"] else 1) if c["elementwise_affine"] else 0


def _ln_from(m: Any) -> dict[str, Any]:
    return {"normalized_shape": tuple(m.normalized_shape), "eps": float(m.eps),
            "elementwise_affine": m.elementwise_affine,
            "bias": not m.elementwise_affine or m.bias is not None}


def _gn_rule(ctx: Ctx) -> Shape:
    x = ctx.x
    if not x:
        ctx.fail(f"GroupNorm needs input shaped (C, *), but {ctx.src()} gives one number per sample")
    c = check_auto(ctx, "num_channels", x[0], "channels")
    g = ctx.cfg["num_groups"]
    if c % g:
        ctx.fail(f"num_groups={g} must divide the {c} channels")
    return x


def _gn_params(c: dict[str, Any]) -> int:
    return c["num_channels"] * (2 if c["bias"] else 1) if c["affine"] else 0


def _gn_from(m: Any) -> dict[str, Any]:
    return {"num_groups": m.num_groups, "num_channels": m.num_channels, "eps": float(m.eps), "affine": m.affine,
            "bias": not m.affine or m.bias is not None}


SPECS = [
    *(_batchnorm(n) for n in (1, 2, 3)),
    LayerSpec(
        "LayerNorm", NORM, "Normalizes each sample over its last dimensions to mean 0 and variance 1, then scales "
        "and shifts it (learned).", "(*, normalized_shape) → same",
        (Field("normalized_shape", "tuple", None, "the trailing dimensions to normalize (auto: the last one)",
               min=1, max=1 << 20, auto=True, positional=True), _eps(),
         bool_field("elementwise_affine", True, "learn a scale (and shift) per element"),
         bool_field("bias", True, "learn the shift (with elementwise_affine)")),
        rule=_ln_rule, params=_ln_params, prefix="ln", from_module=_ln_from),
    LayerSpec(
        "GroupNorm", NORM, "Splits the channels into num_groups groups and normalizes each group per sample.",
        "(C, *) → same",
        (int_field("num_groups", 1, "how many groups the channels are split into", positional=True),
         auto_int("num_channels", "channels C (auto: the input's first dimension)"), _eps(),
         bool_field("affine", True, "learn a scale and a shift per channel"),
         bool_field("bias", True, "learn the shift (with affine)", keyword_only=True)),
        rule=_gn_rule, params=_gn_params, prefix="gn", from_module=_gn_from),
]
