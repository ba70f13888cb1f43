"""Convolutions: Conv1d/2d/3d (padding as a number, a tuple, "same" or "valid") and ConvTranspose1d/2d/3d (learned
upsampling, torch's output-size arithmetic), with torch's arguments."""

from __future__ import annotations

from typing import Any

from ..fields import BIG, auto_int, bool_field, int_field, tuple_field
from ..shapes import check_auto, conv_out, fmt, need_rank, ntuple, numel
from ..spec import Ctx, LayerSpec, Shape

CONV = "Convolution"
_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}


def _rule(nd: int):
    def rule(ctx: Ctx) -> Shape:
        x = need_rank(ctx, nd)
        c = ctx.cfg
        cin = check_auto(ctx, "in_channels", x[0], "channels")
        groups = c["groups"]
        if cin % groups or c["out_channels"] % groups:
            ctx.fail(f"groups={groups} must divide both in_channels ({cin}) and out_channels ({c['out_channels']})")
        k, s, d = ntuple(c["kernel_size"], nd), ntuple(c["stride"], nd), ntuple(c["dilation"], nd)
        pad = c["padding"]
        if pad == "same" and any(v != 1 for v in s):
            ctx.fail("padding='same' keeps the size only with stride 1; set stride to 1 or give padding as numbers")
        spatial = x[1:]
        if pad == "same":
            return (c["out_channels"], *spatial)
        p = (0,) * nd if pad == "valid" else ntuple(pad, nd)
        out = tuple(conv_out(n, *a) for n, a in zip(spatial, zip(k, s, p, d)))
        if min(out) < 1:
            eff = tuple(di * (ki - 1) + 1 for ki, di in zip(k, d))
            ctx.fail(f"kernel {fmt(eff)} (with dilation) is larger than the padded input "
                     f"{fmt(tuple(n + 2 * pi for n, pi in zip(spatial, p)))} from {ctx.src()} {fmt(x)}; use a "
                     f"smaller kernel_size or more padding")
        return (c["out_channels"], *out)

    return rule


def _params(nd: int):
    def count(c: dict[str, Any]) -> int:
        k = numel(ntuple(c["kernel_size"], nd))
        return c["out_channels"] * (c["in_channels"] // c["groups"]) * k + (c["out_channels"] if c["bias"] else 0)

    return count


def _from_module(m: Any) -> dict[str, Any]:
    if m.padding_mode != "zeros":
        raise ValueError(f"padding_mode={m.padding_mode!r} is not supported by the builder (only zero padding)")
    return {"in_channels": m.in_channels, "out_channels": m.out_channels, "kernel_size": tuple(m.kernel_size),
            "stride": tuple(m.stride), "padding": m.padding if isinstance(m.padding, str) else tuple(m.padding),
            "dilation": tuple(m.dilation), "groups": m.groups, "bias": m.bias is not None}


def _primed(axes: str) -> str:
    return ", ".join(f"{a}′" for a in axes.split(", "))


def _conv(nd: int) -> LayerSpec:
    axes = _AXES[nd]
    return LayerSpec(
        f"Conv{nd}d", CONV,
        f"Slides out_channels learned {nd}-d filters over the input; each output value looks at a small window of "
        f"all input channels.",
        f"(C_in, {axes}) → (out_channels, {_primed(axes)}) with {axes.split(', ')[0]}′ = "
        f"⌊({axes.split(', ')[0]} + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1 (each axis alike)",
        (auto_int("in_channels", "input channels (auto: the input's first dimension)"),
         int_field("out_channels", 16, "number of filters = output channels", positional=True),
         tuple_field("kernel_size", 3, "window size of each filter", length=nd, positional=True),
         tuple_field("stride", 1, "step between windows", length=nd),
         tuple_field("padding", 0, "zeros added on each side (or 'same' / 'valid')", length=nd, min=0,
                     choices=("same", "valid")),
         tuple_field("dilation", 1, "spacing between kernel elements", length=nd),
         int_field("groups", 1, "split channels into groups convolved separately", max=BIG),
         bool_field("bias", True, "learn one bias per output channel")),
        rule=_rule(nd), params=_params(nd), prefix="conv", from_module=_from_module)


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


SPECS = [_conv(1), _conv(2), _conv(3), _conv_transpose(1), _conv_transpose(2), _conv_transpose(3)]
