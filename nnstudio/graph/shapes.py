"""Shape arithmetic shared by the shape rules (convolution and pooling sizes, dimension indices, printing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .spec import Ctx, Shape

SPATIAL = {1: "(C, L)", 2: "(C, H, W)", 3: "(C, D, H, W)"}


def fmt(shape: Sequence[int]) -> str:
    """``(64,)``, ``(16, 8, 8)``: a shape as Python prints a tuple."""
    return str(tuple(int(s) for s in shape))


def numel(shape: Sequence[int]) -> int:
    n = 1
    for s in shape:
        n *= int(s)
    return n


def ntuple(value: Any, n: int) -> tuple[int, ...]:
    """An int applies to every one of the n dimensions; a tuple is kept."""
    if isinstance(value, int):
        return (value,) * n
    return tuple(value)


def conv_out(size: int, k: int, s: int, p: int, d: int) -> int:
    """floor((size + 2p - d(k-1) - 1) / s) + 1 (may be < 1 when the kernel does not fit)."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def pool_out(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """torch's pooling size: conv_out, rounded up with ceil_mode (a last window must start inside the input)."""
    span = size + 2 * p - d * (k - 1) - 1
    if ceil_mode:
        out = -(-span // s) + 1
        if (out - 1) * s >= size + p:
            out -= 1
        return out
    return span // s + 1


def need_rank(ctx: Ctx, nd: int, hint: str = "") -> Shape:
    """The first input must be (C, *spatial) with nd spatial dimensions."""
    x = ctx.x
    if len(x) != nd + 1:
        extra = ""
        if len(x) == 1 and nd >= 2:
            extra = "; put an Unflatten before it to turn the vector into an image"
        elif len(x) > nd + 1:
            extra = f"; use the {len(x) - 1}-d version of this layer"
        ctx.fail(f"{ctx.type} needs input shaped {SPATIAL[nd]} ({nd + 1} dimensions), but {ctx.src()} gives "
                 f"{fmt(x)}{hint or extra}")
    return x


def batched_dim(ctx: Ctx, dim: int, ndim: int, field: str, *, allow_batch: bool = False,
                allow_end: bool = False) -> int:
    """Normalise a torch dim of the batched tensor (ndim counts the batch) to 0..ndim-1 (or ndim with allow_end)."""
    top = ndim + (1 if allow_end else 0)
    d = dim + top if dim < 0 else dim
    if not 0 <= d < top:
        ctx.fail(f"{field}={dim} is out of range for the input {fmt(ctx.x)} (with the batch: {ndim} dimensions, "
                 f"so {field} goes from {-top} to {top - 1})")
    if d == 0 and not allow_batch:
        ctx.fail(f"{field}={dim} is the batch dimension; use {field}=1 or more (dimension 0 holds the samples)")
    return d


def same_shapes(ctx: Ctx, what: str, *, broadcast: bool = False) -> Shape:
    """All inputs must have one shape and one dtype (with ``broadcast``: one rank, and each size equal or 1)."""
    first = ctx.inputs[0]
    for i, v in enumerate(ctx.inputs[1:], 1):
        fits = v.shape == first.shape or broadcast and len(v.shape) == len(first.shape) and all(
            a == b or 1 in (a, b) for a, b in zip(first.shape, v.shape))
        if not fits:
            stretch = " (a size of 1 stretches to match)" if broadcast else ""
            ctx.fail(f"{what} needs inputs of one shape{stretch}, but {ctx.src(0)} gives {fmt(first.shape)} and "
                     f"{ctx.src(i)} gives {fmt(v.shape)}")
        if v.dtype != first.dtype:
            ctx.fail(f"{what} needs inputs of one dtype, but {ctx.src(0)} gives {first.dtype} and {ctx.src(i)} "
                     f"gives {v.dtype}")
    return first.shape


def check_auto(ctx: Ctx, field: str, actual: int, where: str) -> int:
    """An auto size: take ``actual`` when unset, else it must equal ``actual``."""
    want = ctx.cfg.get(field)
    if want is None:
        ctx.cfg[field] = actual
        return actual
    if want != actual:
        ctx.fail(f"{field} is {want} but {ctx.src()} gives {actual} {where} (shape {fmt(ctx.x)}); set {field} to "
                 f"{actual} or leave it auto")
    return want
