"""Merge nodes: Add, Multiply and Concat join two or more wires (skip connections, branches)."""

from __future__ import annotations

from ..fields import dim_field
from ..shapes import batched_dim, fmt, same_shapes
from ..spec import OP, Ctx, LayerSpec, Shape

MERGE = "Merge"


def _add(ctx: Ctx) -> Shape:
    """Equal shapes, where a size of 1 stretches to the other input's size (torch's broadcasting at equal rank:
    a gate shaped (C, 1, 1) scales each channel of a (C, H, W) map)."""
    same_shapes(ctx, ctx.type, broadcast=True)
    return tuple(max(sizes) for sizes in zip(*(v.shape for v in ctx.inputs)))


def _concat(ctx: Ctx) -> Shape:
    first = ctx.inputs[0]
    n = len(first.shape)
    for i, v in enumerate(ctx.inputs[1:], 1):
        if len(v.shape) != n:
            ctx.fail(f"Concat needs inputs with one number of dimensions, but {ctx.src(0)} gives {fmt(first.shape)} "
                     f"and {ctx.src(i)} gives {fmt(v.shape)}")
        if v.dtype != first.dtype:
            ctx.fail(f"Concat needs inputs of one dtype, but {ctx.src(0)} gives {first.dtype} and {ctx.src(i)} "
                     f"gives {v.dtype}")
    d = batched_dim(ctx, ctx.cfg["dim"], n + 1, "dim") - 1
    for i, v in enumerate(ctx.inputs[1:], 1):
        for j, (a, b) in enumerate(zip(first.shape, v.shape)):
            if j != d and a != b:
                ctx.fail(f"Concat along dim {d + 1} needs the other dimensions equal, but {ctx.src(0)} gives "
                         f"{fmt(first.shape)} and {ctx.src(i)} gives {fmt(v.shape)}")
    total = sum(v.shape[d] for v in ctx.inputs)
    return (*first.shape[:d], total, *first.shape[d + 1:])


SPECS = [
    LayerSpec("Add", MERGE, "Adds its inputs element by element: a residual (skip) connection.",
              "(*), (*) → (*) (equal shapes; a size of 1 stretches)", (), rule=_add, inputs=(2, None), role=OP,
              prefix="add", dtype="any"),
    LayerSpec("Multiply", MERGE, "Multiplies its inputs element by element (gating; a (C, 1, 1) gate scales each "
              "channel).", "(*), (*) → (*) (equal shapes; a size of 1 stretches)", (), rule=_add, inputs=(2, None),
              role=OP, prefix="mul", dtype="any"),
    LayerSpec("Concat", MERGE, "Joins its inputs along dim: the sizes along dim add up.",
              "(a, *), (b, *) → (a + b, *) with dim=1",
              (dim_field("dim", 1, "the dimension to join along (1: the first after the batch)"),),
              rule=_concat, inputs=(2, None), role=OP, prefix="cat", dtype="any", summary=("dim",)),
]
