"""Parse and check one inspector field typed in the browser against the layer's config schema.

The browser sends raw text (numbers, tuples such as ``3, 3``), booleans for check boxes and JSON values for
choices. :func:`parse_field` turns it into the Python value the layer expects, or raises :class:`FieldError` with
one sentence that names the field and the rule it broke; the graph is then left untouched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


class FieldError(ValueError):
    """A value refused at an inspector field (the message is shown under the field)."""


@dataclass
class FieldSpec:
    """What the inspector needs to know about one config field (normalised from the graph's schema)."""

    name: str
    kind: str  # "int" | "float" | "bool" | "choice" | "tuple" | "str"
    default: Any = None
    optional: bool = False  # None ("auto") is allowed
    min: float | None = None
    max: float | None = None
    choices: list[Any] = field(default_factory=list)
    length: int | None = None  # tuple fields: the length of the tuple (a single int is broadcast)
    help: str = ""


def _as_number(text: Any, spec: FieldSpec, kind: str) -> int | float:
    if isinstance(text, bool):
        raise FieldError(f"{spec.name} must be a number")
    if isinstance(text, int | float):
        value = text
    else:
        raw = str(text).strip()
        try:
            value = float(raw) if kind == "float" else int(raw, 10)
        except ValueError:
            try:
                as_float = float(raw)
            except ValueError:
                raise FieldError(f"{spec.name} must be {'a number' if kind == 'float' else 'a whole number'}, "
                                 f"not '{raw}'") from None
            if kind == "int" and as_float.is_integer():
                value = int(as_float)
            else:
                raise FieldError(f"{spec.name} must be a whole number, not '{raw}'") from None
    if kind == "int" and isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"{spec.name} must be a whole number, not {value}")
        value = int(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(f"{spec.name} must be a finite number")
    if spec.min is not None and value < spec.min:
        raise FieldError(f"{spec.name} must be at least {_fmt(spec.min)}, got {_fmt(value)}")
    if spec.max is not None and value > spec.max:
        raise FieldError(f"{spec.name} must be at most {_fmt(spec.max)}, got {_fmt(value)}")
    return value


def _fmt(x: float) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def parse_field(spec: FieldSpec, raw: Any) -> Any:
    """Turn the browser's ``raw`` value for ``spec`` into a config value, or raise :class:`FieldError`."""
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).strip().lower() in ("true", "1", "yes", "on"):
            return True
        if str(raw).strip().lower() in ("false", "0", "no", "off"):
            return False
        raise FieldError(f"{spec.name} must be true or false")
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "auto", "none")):
        if spec.optional:
            return None
        if spec.kind == "choice" and None in spec.choices:
            return None
        raise FieldError(f"{spec.name} needs a value")
    if spec.kind == "choice":
        for c in spec.choices:
            if raw == c or str(raw) == str(c):
                return c
        shown = ", ".join("auto" if c is None else str(c) for c in spec.choices)
        raise FieldError(f"{spec.name} must be one of {shown}")
    if spec.kind in ("int", "float"):
        return _as_number(raw, spec, spec.kind)
    if spec.kind == "tuple":
        if isinstance(raw, str) and raw.strip() in [c for c in spec.choices if isinstance(c, str)]:
            return raw.strip()  # e.g. padding="same"
        if isinstance(raw, list | tuple):
            parts = list(raw)
        else:
            parts = [p for p in str(raw).strip().strip("()[]").replace(" ", ",").split(",") if p != ""]
        if not parts:
            raise FieldError(f"{spec.name} needs a value")
        values = [_as_number(p, spec, "int") for p in parts]
        if len(values) == 1 and (spec.length or 0) > 1:
            return values[0]  # a single int applies to every dimension, as in torch
        if spec.length is not None and len(values) != spec.length:
            raise FieldError(f"{spec.name} takes one number or {spec.length} numbers, got {len(values)}")
        return tuple(values)
    if spec.kind == "str":
        return str(raw)
    raise FieldError(f"{spec.name}: unknown field kind {spec.kind!r}")


def display_value(spec: FieldSpec, value: Any) -> Any:
    """The text the inspector shows for a config value (``""`` for auto)."""
    if value is None:
        return ""
    if spec.kind == "bool":
        return bool(value)
    if spec.kind == "choice":
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
