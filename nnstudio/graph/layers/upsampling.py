"""Layers that grow a feature map: ConvTranspose1d/2d/3d (learned upsampling), Upsample (resampling) and
ZeroPad2d (zero borders), with torch's arguments and torch's output-size arithmetic."""

from __future__ import annotations

import math
from typing import Any

from ..fields import BIG, auto_int, bool_field, choice_field, float_field, int_field, tuple_field
from ..shapes import check_auto, fmt, need_rank, ntuple, numel
from ..spec import Ctx, LayerSpec, Shape

CONV = "Convolution"
RESIZE = "Resize"
_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}
_UPSAMPLE_MODES = ("nearest", "bilinear", "bicubic")


def conv_transpose_out(size: int, k: int, s: int, p: int, op: int, d: int) -> int:
    """torch's transposed-convolution size: (size − 1)·s − 2p + d·(k − 1) + op + 1."""
    return (size - 1) * s - 2 * p + d * (k - 1) + op + 1


# ---- ConvTranspose ------------------------------------------------------------------------------------------------
def _convt_rule(nd: int):
    def rule(ctx: Ctx) -> Shape:
        x = need_rank(ctx, nd)
        c = ctx.cfg
        cin = check_auto(ctx, "in_channels", x[0], "channels")
        groups = c["groups"]
        if cin % groups or c["out_channels"] % groups:
            ctx.fail(f"groups={groups} must divide both in_channels ({cin}) and out_channels ({c['out_channels']})")
        k, s = ntuple(c["kernel_size"], nd), ntuple(c["stride"], nd)
        p, op, d = ntuple(c["padding"], nd), ntuple(c["output_padding"], nd), ntuple(c["dilation"], nd)
        for i, (opi, si, di) in enumerate(zip(op, s, d)):
            if opi >= si and opi >= di:
                axis = f" on axis {i}" if nd > 1 else ""
                ctx.fail(f"output_padding={opi}{axis} must be smaller than stride ({si}) or dilation ({di}); "
                         f"lower output_padding or raise stride")
        spatial = x[1:]
        out = tuple(conv_transpose_out(n, *a) for n, a in zip(spatial, zip(k, s, p, op, d)))
        if min(out) < 1:
            ctx.fail(f"padding {fmt(p)} is too large for the input {fmt(x)} from {ctx.src()}: the output size "
                     f"{fmt(out)} = (size − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1 "
                     f"must be at least 1; lower padding or use a larger kernel_size or stride")
        return (c["out_channels"], *out)

    return rule


def _convt_params(nd: int):
    def count(c: dict[str, Any]) -> int:
        k = numel(ntuple(c["kernel_size"], nd))
        return c["in_channels"] * (c["out_channels"] // c["groups"]) * k + (c["out_channels"] if c["bias"] else 0)

    return count


def _convt_from(m: Any) -> dict[str, Any]:
    if m.padding_mode != "zeros":
        raise ValueError(f"padding_mode={m.padding_mode!r} is not supported by the builder (only zero padding)")
    return {"in_channels": m.in_channels, "out_channels": m.out_channels, "kernel_size": tuple(m.kernel_size),
            "stride": tuple(m.stride), "padding": tuple(m.padding), "output_padding": tuple(m.output_padding),
            "groups": m.groups, "bias": m.bias is not None, "dilation": tuple(m.dilation)}


def _conv_transpose(nd: int) -> LayerSpec:
    axes = _AXES[nd]
    first = axes.split(", ")[0]
    primed = ", ".join(f"{a}′" for a in axes.split(", "))
    return LayerSpec(
        f"ConvTranspose{nd}d", CONV,
        "The reverse of a strided convolution: spreads each input value over a learned window, so the map grows "
        "(learned upsampling in decoders and GAN generators).",
        f"(C_in, {axes}) → (out_channels, {primed}) with {first}′ = ({first} − 1)·stride − 2·padding + "
        f"dilation·(kernel_size − 1) + output_padding + 1 (each axis alike)",
        (auto_int("in_channels", "input channels (auto: the input's first dimension)"),
         int_field("out_channels", 16, "number of filters = output channels", positional=True),
         tuple_field("kernel_size", 3, "window size of each filter", length=nd, positional=True),
         tuple_field("stride", 1, "how far apart input values land in the output (2 doubles the size)", length=nd),
         tuple_field("padding", 0, "trims dilation·(kernel_size − 1) − padding from each side of the output",
                     length=nd, min=0),
         tuple_field("output_padding", 0, "extra rows/columns on one side (smaller than stride or dilation)",
                     length=nd, min=0),
         int_field("groups", 1, "split channels into groups convolved separately", max=BIG),
         bool_field("bias", True, "learn one bias per output channel"),
         tuple_field("dilation", 1, "spacing between kernel elements", length=nd)),
        rule=_convt_rule(nd), params=_convt_params(nd), prefix="deconv", from_module=_convt_from)


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


SPECS = [_conv_transpose(1), _conv_transpose(2), _conv_transpose(3), UPSAMPLE, ZERO_PAD]
