"""Convolutions: Conv1d, Conv2d, Conv3d (torch's arguments, padding as a number, a tuple, "same" or "valid")."""

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


SPECS = [_conv(1), _conv(2), _conv(3)]
