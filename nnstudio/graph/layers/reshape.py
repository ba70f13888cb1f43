"""Reshaping nodes: Flatten, Unflatten (layers) and Select, Slice, Mean, Permute (tensor operations in forward)."""

from __future__ import annotations

from typing import Any

from ..fields import MAX_RANK, Field, bool_field, dim_field
from ..shapes import batched_dim, fmt, numel
from ..spec import OP, Ctx, LayerSpec, Shape

RESHAPE = "Reshape"


def _flatten(ctx: Ctx) -> Shape:
    x, n = ctx.x, len(ctx.x) + 1
    s = batched_dim(ctx, ctx.cfg["start_dim"], n, "start_dim")
    e = batched_dim(ctx, ctx.cfg["end_dim"], n, "end_dim")
    if e < s:
        ctx.fail(f"end_dim ({ctx.cfg['end_dim']}) comes before start_dim ({ctx.cfg['start_dim']}) for the input "
                 f"{fmt(x)}")
    return (*x[: s - 1], numel(x[s - 1: e]), *x[e:])


def _unflatten(ctx: Ctx) -> Shape:
    x = ctx.x
    d = batched_dim(ctx, ctx.cfg["dim"], len(x) + 1, "dim") - 1
    sizes = tuple(ctx.cfg["unflattened_size"])
    if sizes.count(-1) > 1:
        ctx.fail(f"unflattened_size {fmt(sizes)} may contain -1 only once")
    if any(s == 0 or s < -1 for s in sizes):
        ctx.fail(f"unflattened_size {fmt(sizes)} must hold sizes of at least 1 (or one -1)")
    known = numel(s for s in sizes if s != -1)
    if -1 in sizes:
        if x[d] % known:
            ctx.fail(f"cannot split the {x[d]} values of dimension {d + 1} into {fmt(sizes)}")
        sizes = tuple(x[d] // known if s == -1 else s for s in sizes)
    elif known != x[d]:
        ctx.fail(f"unflattened_size {fmt(sizes)} holds {known} values but dimension {d + 1} of {fmt(x)} from "
                 f"{ctx.src()} holds {x[d]}")
    if len(x) - 1 + len(sizes) > MAX_RANK:
        ctx.fail(f"the result would have more than {MAX_RANK} dimensions")
    return (*x[:d], *sizes, *x[d + 1:])


def _select(ctx: Ctx) -> Shape:
    x = ctx.x
    d = batched_dim(ctx, ctx.cfg["dim"], len(x) + 1, "dim") - 1
    i = ctx.cfg["index"]
    if not -x[d] <= i < x[d]:
        ctx.fail(f"index={i} is out of range for dimension {d + 1} of size {x[d]} (from {-x[d]} to {x[d] - 1})")
    return (*x[:d], *x[d + 1:])


def _slice(ctx: Ctx) -> Shape:
    x = ctx.x
    d = batched_dim(ctx, ctx.cfg["dim"], len(x) + 1, "dim") - 1
    start, end = ctx.cfg["start"], ctx.cfg["end"]
    n = len(range(x[d])[start:end])
    if n < 1:
        ctx.fail(f"start={start}, end={end} keep nothing of dimension {d + 1}, which has size {x[d]}")
    return (*x[:d], n, *x[d + 1:])


def _mean(ctx: Ctx) -> Shape:
    x = ctx.x
    d = batched_dim(ctx, ctx.cfg["dim"], len(x) + 1, "dim") - 1
    return (*x[:d], 1, *x[d + 1:]) if ctx.cfg["keepdim"] else (*x[:d], *x[d + 1:])


def _permute(ctx: Ctx) -> Shape:
    x, dims = ctx.x, tuple(ctx.cfg["dims"])
    n = len(x) + 1
    if len(dims) != n:
        ctx.fail(f"dims {fmt(dims)} must name all {n} dimensions of the input {fmt(x)} with the batch (0 first)")
    norm = tuple(d + n if d < 0 else d for d in dims)
    if sorted(norm) != list(range(n)):
        ctx.fail(f"dims {fmt(dims)} must hold each dimension 0 to {n - 1} once")
    if norm[0] != 0:
        ctx.fail(f"dims {fmt(dims)} must start with 0: the batch stays the first dimension")
    return tuple(x[d - 1] for d in norm[1:])


def _attrs(*names: str):
    def read(m: Any) -> dict[str, Any]:
        return {n: (tuple(getattr(m, n)) if isinstance(getattr(m, n), list) else getattr(m, n)) for n in names}

    return read


SPECS = [
    LayerSpec(
        "Flatten", RESHAPE, "Joins dimensions start_dim..end_dim into one: an image becomes a vector for Linear.",
        "(C, H, W) → (C·H·W,)",
        (dim_field("start_dim", 1, "first dimension to join (1: the first after the batch)"),
         dim_field("end_dim", -1, "last dimension to join (-1: the last)")),
        rule=_flatten, prefix="flatten", dtype="any", from_module=_attrs("start_dim", "end_dim")),
    LayerSpec(
        "Unflatten", RESHAPE, "Splits one dimension into several: a vector of 64 becomes a 1×8×8 image.",
        "(.., n, ..) → (.., *unflattened_size, ..)",
        (dim_field("dim", 1, "the dimension to split (1: the first after the batch)", positional=True),
         Field("unflattened_size", "tuple", (1, -1), "the new sizes (one may be -1: whatever is left)", min=-1,
               max=1 << 20, positional=True)),
        rule=_unflatten, prefix="unflatten", dtype="any", from_module=_attrs("dim", "unflattened_size")),
    LayerSpec(
        "Select", RESHAPE, "Picks one position along dim and drops that dimension: the last time step of a "
        "sequence is dim=1, index=-1.", "(L, F) → (F,) with dim=1",
        (dim_field("dim", 1, "the dimension to pick from (1: the first after the batch)"),
         Field("index", "int", -1, "the position (-1: the last)", min=-(1 << 20), max=(1 << 20) - 1)),
        rule=_select, role=OP, prefix="select", dtype="any"),
    LayerSpec(
        "Slice", RESHAPE, "Keeps positions start to end (end not included) along dim: x[:, 2:5] is dim=1, start=2, "
        "end=5.", "(L, F) → (end − start, F) with dim=1",
        (dim_field("dim", 1, "the dimension to cut (1: the first after the batch)"),
         Field("start", "int", 0, "the first position kept (negative: from the end)", min=-(1 << 20),
               max=(1 << 20) - 1),
         Field("end", "int", None, "the position after the last kept (empty: to the end)", min=-(1 << 20),
               max=1 << 20, optional=True)),
        rule=_slice, role=OP, prefix="slice", dtype="any"),
    LayerSpec(
        "Mean", RESHAPE, "Averages along dim: pools a sequence (L, F) into one vector (F,).",
        "(L, F) → (F,) with dim=1",
        (dim_field("dim", 1, "the dimension to average over (1: the first after the batch)"),
         bool_field("keepdim", False, "keep the averaged dimension with size 1")),
        rule=_mean, role=OP, prefix="mean"),
    LayerSpec(
        "Permute", RESHAPE, "Reorders the dimensions: (N, L, F) with dims (0, 2, 1) becomes (N, F, L), so that a "
        "Conv1d reads features as channels.", "(L, F) → (F, L) with dims=(0, 2, 1)",
        (Field("dims", "tuple", (0, 2, 1), "the new order of all dimensions, the batch (0) first", min=-(MAX_RANK + 1),
               max=MAX_RANK, positional=True),),
        rule=_permute, role=OP, prefix="permute", dtype="any"),
]
