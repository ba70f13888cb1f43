"""`LayerSpec`: everything the builder knows about one layer type, and the small types shape rules use.

A shape rule is a function ``rule(ctx) -> shape`` that reads the input shapes (without the batch dimension) from
``ctx.inputs`` and the node's settings from ``ctx.cfg``; it fills the settings left as auto with
``ctx.resolve(field, value)`` and reports a problem with ``ctx.fail("one sentence")``. It never builds a module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, NoReturn

from .fields import Field

Shape = tuple[int, ...]

# node roles: what the graph module does with a node
LAYER = "layer"  # an nn.Module (a submodule named after the node)
OP = "op"  # a tensor expression in forward (Add, Concat, Select ...)
INPUT = "input"
OUTPUT = "output"

# how a layer is called in forward
CALL_PLAIN = "plain"  # y = layer(*inputs)
CALL_FIRST = "first"  # y, _ = layer(x)           (RNN / LSTM / GRU return (output, state))
CALL_ATTENTION = "attention"  # y, _ = layer(q, k, v, need_weights=False)


class ShapeError(Exception):
    """Raised by a shape rule through ``ctx.fail``: becomes the node's error sentence."""


class Value(NamedTuple):
    """What flows along a wire, per sample: the shape without the batch dimension and the dtype kind."""

    shape: Shape
    dtype: str  # "float" or "long"


@dataclass
class Ctx:
    """What a shape rule sees: the node's inputs, their source names, and its (copied) settings."""

    node: str
    type: str
    inputs: list[Value]
    sources: list[str]
    cfg: dict[str, Any]

    @property
    def x(self) -> Shape:
        """The first input's shape."""
        return self.inputs[0].shape

    def fail(self, message: str) -> NoReturn:
        raise ShapeError(message)

    def resolve(self, name: str, value: Any) -> Any:
        """Fill an auto field from the input (keep the set value); returns the value in effect."""
        if self.cfg.get(name) is None:
            self.cfg[name] = value
        return self.cfg[name]

    def src(self, i: int = 0) -> str:
        return self.sources[i] if i < len(self.sources) else "?"


def _no_params(cfg: dict[str, Any]) -> int:
    return 0


@dataclass(frozen=True)
class LayerSpec:
    """One layer type of the registry.

    Attributes:
        type: the name on the palette and in JSON; for layers, the class name in ``nnstudio.nn`` / ``torch.nn``.
        category: the palette group.
        help: one line a learner reads on hover ("what it does").
        formula: the shape rule as a formula, shown on hover ("(*, in_features) -> (*, out_features)").
        fields: the settings, in torch's argument order.
        rule: the shape rule (see the module docstring).
        params: the parameter count from the resolved settings.
        inputs: (fewest, most) inputs; most None = any number.
        role: LAYER, OP, INPUT or OUTPUT.
        call: how forward calls a layer (CALL_PLAIN / CALL_FIRST / CALL_ATTENTION).
        fixed: arguments the graph always passes (``batch_first=True``: the batch is dimension 0 everywhere).
        prefix: the start of automatic node names ("fc" -> fc1, fc2 ...).
        dtype: "float" (needs float input), "any" (passes the input's dtype on), "long" (needs integer ids).
        from_module: reads the settings off a built module (None: ``getattr(module, field)`` for each field).
        summary: the settings written on the block in the builder ("64", "16 · k=3"); None: the fields torch
            requires (positional and not auto).
    """

    type: str
    category: str
    help: str
    formula: str
    fields: tuple[Field, ...] = ()
    rule: Callable[[Ctx], Shape] | None = None
    params: Callable[[dict[str, Any]], int] = _no_params
    inputs: tuple[int, int | None] = (1, 1)
    role: str = LAYER
    call: str = CALL_PLAIN
    fixed: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""
    dtype: str = "float"
    from_module: Callable[[Any], dict[str, Any]] | None = None
    summary: tuple[str, ...] | None = None

    @property
    def schema(self) -> dict[str, Field]:
        """The fields by name, in order."""
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        known = ", ".join(f.name for f in self.fields) or "none"
        raise KeyError(f"{self.type} has no setting {name!r} (its settings: {known})")

    def defaults(self) -> dict[str, Any]:
        return {f.name: f.default for f in self.fields}

    @property
    def summary_fields(self) -> tuple[str, ...]:
        """The settings the builder writes on a block (``summary``, or torch's required ones)."""
        if self.summary is not None:
            return self.summary
        return tuple(f.name for f in self.fields if f.positional and not f.auto)

    def summarize(self, config: Mapping[str, Any]) -> str:
        """One short line of a block's settings: ``"16 · k=3"`` for a Conv2d with 16 filters of size 3.

        Settings left as None are skipped; ``kernel_size`` reads ``k=...``, tuples are joined with commas."""
        parts = []
        for name in self.summary_fields:
            value = config.get(name)
            if value is None:
                continue
            text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
            parts.append(f"k={text}" if name == "kernel_size" else text)
        return " · ".join(parts)

    def describe(self) -> dict[str, Any]:
        """A plain dict for front ends: type, category, help, formula, inputs and the fields."""
        return {"type": self.type, "category": self.category, "help": self.help, "formula": self.formula,
                "inputs": list(self.inputs), "role": self.role, "fields": [f.describe() for f in self.fields],
                "summary": list(self.summary_fields)}
