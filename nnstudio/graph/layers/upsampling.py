"""Layers that resize a feature map without weights: Upsample (resampling) and ZeroPad2d (zero borders), with
torch's arguments and output sizes (ConvTranspose, learned upsampling, is a convolution: conv.py)."""

from __future__ import annotations

import math
from typing import Any

from ..fields import BIG, choice_field, float_field, tuple_field
from ..shapes import fmt, need_rank, ntuple
from ..spec import Ctx, LayerSpec, Shape

RESIZE = "Resize"
_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}
_UPSAMPLE_MODES = ("nearest", "bilinear", "bicubic")


# ---- Upsample -----------------------------------------------------------------------------------------------------
def _upsample_rule(ctx: Ctx) -> Shape:
    x = need_rank(ctx, 2)
    c = ctx.cfg
    size, scale, mode = c["size"], c["scale_factor"], c["mode"]
    if (size is None) == (scale is None):
        ctx.fail("give either size or scale_factor (exactly one of them); clear the other" if size is not None
                 else "give either size or scale_factor: both are empty")
    if c["align_corners"] is not None and mode == "nearest":
        ctx.fail("align_corners only applies to mode 'bilinear' or 'bicubic'; leave it empty for 'nearest'")
    if size is not None:
        return (x[0], *ntuple(size, 2))
    out = tuple(math.floor(n * scale) for n in x[1:])
    if min(out) < 1:
        ctx.fail(f"scale_factor={scale} shrinks the input {fmt(x)} from {ctx.src()} to {fmt(out)}; use a larger "
                 f"scale_factor")
    return (x[0], *out)


def _upsample_from(m: Any) -> dict[str, Any]:
    if getattr(m, "recompute_scale_factor", None):
        raise ValueError("recompute_scale_factor=True is not supported by the builder")
    scale = m.scale_factor
    if isinstance(scale, tuple | list):
        if len(set(scale)) != 1:
            raise ValueError(f"a different scale_factor per axis {tuple(scale)} is not supported by the builder; "
                             f"give size instead")
        scale = scale[0]
    size = m.size
    if isinstance(size, list):
        size = tuple(size)
    return {"size": size, "scale_factor": None if scale is None else float(scale), "mode": m.mode,
            "align_corners": m.align_corners}


UPSAMPLE = LayerSpec(
    "Upsample", RESIZE,
    "Resizes each channel of an image to size, or by scale_factor, by copying (nearest) or blending (bilinear) "
    "neighbouring pixels; no parameters.",
    "(C, H, W) → (C, H′, W′) with H′ = size or ⌊H·scale_factor⌋ (W alike)",
    (tuple_field("size", None, "the output's (H, W) (leave empty when scale_factor is set)", length=2,
                 optional=True, max=BIG),
     float_field("scale_factor", 2.0, "multiply H and W by this (leave empty when size is set)", min=1e-3, max=1024,
                 optional=True, torch_default=None),
     choice_field("mode", "nearest", _UPSAMPLE_MODES, "copy the nearest pixel or blend neighbours"),
     choice_field("align_corners", None, (None, False, True),
                  "bilinear/bicubic: map corner pixels onto corner pixels (auto: torch's False)", optional=True)),
    rule=_upsample_rule, prefix="up", from_module=_upsample_from)


# ---- ZeroPad2d ----------------------------------------------------------------------------------------------------
def _pad_rule(ctx: Ctx) -> Shape:
    x = ctx.x
    if len(x) < 2:
        ctx.fail(f"ZeroPad2d pads the last two dimensions, but {ctx.src()} gives {fmt(x)}; put an Unflatten before "
                 f"it to make an image")
    left, right, top, bottom = ntuple(ctx.cfg["padding"], 4)
    h, w = x[-2] + top + bottom, x[-1] + left + right
    if h < 1 or w < 1:
        ctx.fail(f"padding {fmt((left, right, top, bottom))} (left, right, top, bottom) crops the input {fmt(x)} "
                 f"from {ctx.src()} to nothing; use smaller negative padding")
    return (*x[:-2], h, w)


def _pad_from(m: Any) -> dict[str, Any]:
    return {"padding": tuple(m.padding)}


ZERO_PAD = LayerSpec(
    "ZeroPad2d", RESIZE,
    "Adds rows and columns of zeros around each channel (negative values crop); no parameters.",
    "(*, H, W) → (*, H + top + bottom, W + left + right); padding = one number or (left, right, top, bottom)",
    (tuple_field("padding", 1, "zeros on each side: one number or (left, right, top, bottom)", length=4,
                 min=-1024, positional=True),),
    rule=_pad_rule, prefix="pad", from_module=_pad_from)


SPECS = [UPSAMPLE, ZERO_PAD]
