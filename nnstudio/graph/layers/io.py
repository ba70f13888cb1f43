"""The graph's ends: Input (a shape without the batch dimension, and a dtype) and Output."""

from __future__ import annotations

from ..fields import BIG, Field, choice_field
from ..spec import INPUT, OUTPUT, Ctx, LayerSpec, Shape

IO = "Input/Output"
DTYPES = ("float32", "int64")


def _input(ctx: Ctx) -> Shape:
    return tuple(ctx.cfg["shape"])


def _output(ctx: Ctx) -> Shape:
    return ctx.x


SPECS = [
    LayerSpec("Input", IO, "The data fed to the model: one sample's shape, without the batch dimension.",
              "() → shape",
              (Field("shape", "tuple", (2,), "one sample's shape, without the batch dimension", min=1, max=BIG,
                     positional=True),
               choice_field("dtype", "float32", DTYPES, "float32 for measurements, int64 for token ids")),
              rule=_input, inputs=(0, 0), role=INPUT, prefix="x", dtype="any", summary=()),
    LayerSpec("Output", IO, "What the model returns.", "(*) → (*)", (), rule=_output, role=OUTPUT, prefix="out",
              dtype="any"),
]
