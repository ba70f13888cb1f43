"""Pooling: MaxPool / AvgPool / AdaptiveAvgPool / AdaptiveMaxPool in 1, 2 and 3 dimensions."""

from __future__ import annotations

from typing import Any

from ..fields import bool_field, int_field, tuple_field
from ..shapes import fmt, need_rank, ntuple, pool_out
from ..spec import Ctx, LayerSpec, Shape

POOL = "Pooling"
_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}


def _window_rule(nd: int, unpadded_at_least_kernel: bool = False):
    """The output shape of a max / avg pool; `unpadded_at_least_kernel`: torch's AvgPool3d also needs every input
    size, before padding, to be at least the kernel."""
    def rule(ctx: Ctx) -> Shape:
        x = need_rank(ctx, nd)
        c = ctx.cfg
        k = ntuple(c["kernel_size"], nd)
        if unpadded_at_least_kernel and any(n < ki for n, ki in zip(x[1:], k)):
            ctx.fail(f"the input {fmt(x)} from {ctx.src()} is smaller than the kernel {fmt(k)} (AvgPool3d needs "
                     f"each size, before padding, to be at least the kernel's); use a smaller kernel_size")
        s = ntuple(c["stride"] if c["stride"] is not None else c["kernel_size"], nd)
        p = ntuple(c["padding"], nd)
        d = ntuple(c.get("dilation", 1), nd)
        for ki, pi in zip(k, p):
            if pi > ki // 2:
                ctx.fail(f"padding={pi} must be at most half the kernel size {ki} (here {ki // 2})")
        out = tuple(pool_out(n, ki, si, pi, di, c["ceil_mode"]) for n, ki, si, pi, di in zip(x[1:], k, s, p, d))
        if min(out) < 1:
            ctx.fail(f"the pooling window {fmt(k)} is larger than the input {fmt(x)} from {ctx.src()}; use a smaller "
                     f"kernel_size or pool earlier")
        return (x[0], *out)

    return rule


def _adaptive_rule(nd: int):
    def rule(ctx: Ctx) -> Shape:
        x = need_rank(ctx, nd)
        return (x[0], *ntuple(ctx.cfg["output_size"], nd))

    return rule


def _t(v: Any) -> Any:
    return tuple(v) if isinstance(v, list | tuple) else v


def _max_from(m: Any) -> dict[str, Any]:
    if m.return_indices:
        raise ValueError(f"{type(m).__name__}(return_indices=True) returns two tensors; the builder needs one")
    return {"kernel_size": _t(m.kernel_size), "stride": _t(m.stride), "padding": _t(m.padding),
            "dilation": _t(m.dilation), "ceil_mode": m.ceil_mode}


def _avg_from(nd: int):
    def read(m: Any) -> dict[str, Any]:
        out = {"kernel_size": _t(m.kernel_size), "stride": _t(m.stride), "padding": _t(m.padding),
               "ceil_mode": m.ceil_mode, "count_include_pad": m.count_include_pad}
        if nd > 1:
            out["divisor_override"] = m.divisor_override
        return out

    return read


def _adaptive_from(m: Any) -> dict[str, Any]:
    if getattr(m, "return_indices", False):
        raise ValueError(f"{type(m).__name__}(return_indices=True) returns two tensors; the builder needs one")
    size = _t(m.output_size)
    if size is None or (isinstance(size, tuple) and None in size):
        raise ValueError(f"{type(m).__name__}: an output_size of None (keep the input size) is not supported")
    return {"output_size": size}


def _common(nd: int) -> tuple:
    return (tuple_field("kernel_size", 2, "window size", length=nd, positional=True),
            tuple_field("stride", None, "step between windows (default: kernel_size)", length=nd, optional=True),
            tuple_field("padding", 0, "padding added on each side (at most half the kernel)", length=nd, min=0))


def _out_formula(nd: int) -> str:
    axes = _AXES[nd]
    first = axes.split(", ")[0]
    primed = ", ".join(f"{a}′" for a in axes.split(", "))
    return (f"(C, {axes}) → (C, {primed}) with {first}′ = ⌊({first} + 2·padding − kernel_size) / stride⌋ + 1 "
            f"(stride defaults to kernel_size)")


def _maxpool(nd: int) -> LayerSpec:
    return LayerSpec(
        f"MaxPool{nd}d", POOL, "Keeps the largest value of each window: shrinks the map and keeps strong features.",
        _out_formula(nd),
        (*_common(nd), tuple_field("dilation", 1, "spacing between window elements", length=nd),
         bool_field("ceil_mode", False, "round the output size up instead of down")),
        rule=_window_rule(nd), prefix="pool", from_module=_max_from)


def _avgpool(nd: int) -> LayerSpec:
    fields = [*_common(nd), bool_field("ceil_mode", False, "round the output size up instead of down"),
              bool_field("count_include_pad", True, "count padded zeros in the average")]
    if nd > 1:
        fields.append(int_field("divisor_override", None, "divide by this instead of the window size (optional)",
                                optional=True))
    return LayerSpec(f"AvgPool{nd}d", POOL, "Averages each window: shrinks the map smoothly.", _out_formula(nd),
                     tuple(fields), rule=_window_rule(nd, unpadded_at_least_kernel=nd == 3), prefix="pool",
                     from_module=_avg_from(nd))


def _adaptive(nd: int, kind: str) -> LayerSpec:
    axes = _AXES[nd]
    what = "average" if kind == "Avg" else "maximum"
    return LayerSpec(
        f"Adaptive{kind}Pool{nd}d", POOL,
        f"Takes the {what} over windows sized so that the output is exactly output_size, whatever the input size.",
        f"(C, {axes}) → (C, *output_size)",
        (tuple_field("output_size", 1, "the output's size", length=nd, positional=True),),
        rule=_adaptive_rule(nd), prefix="pool", from_module=_adaptive_from)


SPECS = [*(_maxpool(n) for n in (1, 2, 3)), *(_avgpool(n) for n in (1, 2, 3)),
         *(_adaptive(n, "Avg") for n in (1, 2, 3)), *(_adaptive(n, "Max") for n in (1, 2, 3))]
