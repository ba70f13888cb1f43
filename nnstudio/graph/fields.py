"""`Field`: one setting of a layer (a torch argument), with its kind, default, range and one-line help.

A field checks a value the same way whether it comes from Python (`graph.update(...)`) or from a JSON file, and
returns the value normalised (JSON lists become tuples) or raises :class:`FieldValueError` with one sentence that
names the field and the rule it broke.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

#: the kinds a field can be; the builder's inspector draws one kind of input for each
KINDS = ("int", "float", "bool", "choice", "tuple", "str")

BIG = 1 << 20  # the largest width (features, channels, hidden size ...) a design may ask for: 1,048,576
MAX_RANK = 6  # the longest tuple a field takes (shapes without the batch dimension)


class FieldValueError(ValueError):
    """A value a field refuses (the message names the field and the rule)."""


class _Same:
    def __repr__(self) -> str:
        return "<same as default>"


SAME = _Same()


@dataclass(frozen=True)
class Field:
    """One config field of a layer type.

    Attributes:
        name: the torch argument name (``out_features``, ``kernel_size`` ...).
        kind: "int" | "float" | "bool" | "choice" | "tuple" | "str".
        default: the value a new block gets.
        help: one line shown as the field's tooltip.
        min, max: the allowed range (tuple fields: of each entry).
        min_exclusive: the value must be greater than ``min`` (an eps, a scale: 0 itself is refused).
        choices: the allowed values of a "choice" field; for a "tuple" field, strings also allowed
            (``padding="same"``).
        optional: None is allowed (torch's ``None`` default, e.g. a pool's ``stride``).
        auto: None means "take it from the input shape" (``in_features``, ``in_channels`` ...).
        length: a "tuple" field's length (its spatial rank; a single int applies to every entry, as in
            torch); None: any length from 1 to ``MAX_RANK``.
        positional: written positionally in exported code (torch's required arguments).
        keyword_only: torch takes it only as a keyword.
        torch_default: torch's default when it differs from ``default`` (exported code then always writes the
            field); ``SAME`` otherwise. Required torch arguments have no torch default: they are positional.
    """

    name: str
    kind: str
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    optional: bool = False
    auto: bool = False
    length: int | None = None
    positional: bool = False
    keyword_only: bool = False
    torch_default: Any = SAME
    min_exclusive: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")

    @property
    def nullable(self) -> bool:
        """Whether None is a valid value (optional or auto)."""
        return self.optional or self.auto

    @property
    def default_in_torch(self) -> Any:
        """The value torch uses when the argument is left out (``SAME``-aware)."""
        return self.default if self.torch_default is SAME else self.torch_default

    def check(self, value: Any) -> Any:
        """Return ``value`` normalised for this field, or raise :class:`FieldValueError`."""
        if value is None:
            if self.nullable:
                return None
            raise FieldValueError(f"{self.name} needs a value")
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return value
            raise FieldValueError(f"{self.name} must be true or false, got {_show(value)}")
        if kind == "choice":
            for c in self.choices:
                if type(c) is type(value) and c == value:
                    return c
            raise FieldValueError(f"{self.name} must be one of {', '.join(map(repr, self.choices))}, "
                                  f"got {_show(value)}")
        if kind == "int":
            return self._number(value, integer=True)
        if kind == "float":
            return self._number(value, integer=False)
        if kind == "tuple":
            return self._tuple(value)
        if not isinstance(value, str):
            raise FieldValueError(f"{self.name} must be text, got {_show(value)}")
        return value

    def _number(self, value: Any, *, integer: bool, what: str | None = None) -> int | float:
        what = what or self.name
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise FieldValueError(f"{what} must be {'a whole number' if integer else 'a number'}, got {_show(value)}")
        if integer:
            if not isinstance(value, numbers.Integral):
                raise FieldValueError(f"{what} must be a whole number, got {_show(value)}")
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise FieldValueError(f"{what} must be a finite number, got {value}")
        if self.min is not None and (value <= self.min if self.min_exclusive else value < self.min):
            raise FieldValueError(f"{what} must be {'greater than' if self.min_exclusive else 'at least'} "
                                  f"{_num(self.min)}, got {_num(value)}")
        if self.max is not None and value > self.max:
            raise FieldValueError(f"{what} must be at most {_num(self.max)}, got {_num(value)}")
        return value

    def _tuple(self, value: Any) -> int | str | tuple[int, ...]:
        if isinstance(value, str):
            if value in self.choices:
                return value
            extra = f" or one of {', '.join(map(repr, self.choices))}" if self.choices else ""
            raise FieldValueError(f"{self.name} must be whole numbers{extra}, got {_show(value)}")
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            if self.length is None:
                return (self._number(value, integer=True),)
            return self._number(value, integer=True)
        if not isinstance(value, list | tuple):
            raise FieldValueError(f"{self.name} must be a whole number or a list of them, got {_show(value)}")
        if len(value) == 0 or len(value) > (self.length or MAX_RANK):
            if self.length is not None:
                raise FieldValueError(f"{self.name} takes one number or {self.length} numbers, got {len(value)}")
            raise FieldValueError(f"{self.name} takes 1 to {MAX_RANK} numbers, got {len(value)}")
        if self.length is not None and len(value) != self.length:
            raise FieldValueError(f"{self.name} takes one number or {self.length} numbers, got {len(value)}")
        return tuple(self._number(v, integer=True, what=f"{self.name}[{i}]") for i, v in enumerate(value))

    def parse(self, raw: Any) -> Any:
        """Read a value typed into a form (text such as ``"32"``, ``"3, 3"``, ``"auto"``; or an already typed
        JSON value: a bool from a check box, a choice) and `check` it; raises :class:`FieldValueError`.

        Empty text, "auto" and "none" mean None (auto / optional); "2.0" is a whole number; a tuple is numbers
        separated by commas or spaces, with or without brackets."""
        if not isinstance(raw, str) or self.kind == "str":
            return self.check(raw)
        text = raw.strip()
        if self.kind == "choice":  # before the words for None: GELU's approximate="none" is a choice
            for c in self.choices:
                if text == str(c):
                    return c
        if text.lower() in ("", "auto", "none"):
            return self.check(None)
        if self.kind == "bool":
            if text.lower() in ("true", "1", "yes", "on"):
                return True
            if text.lower() in ("false", "0", "no", "off"):
                return False
            raise FieldValueError(f"{self.name} must be true or false, got {_show(raw)}")
        if self.kind == "choice":
            return self.check(text)
        if self.kind == "tuple":
            if text in self.choices:
                return text
            parts = [p for p in text.strip("()[]").replace(",", " ").split()]
            values = [self._read_number(p, integer=True, what=self.name) for p in parts]
            return self.check(values[0] if len(values) == 1 else values)
        return self.check(self._read_number(text, integer=self.kind == "int", what=self.name))

    def _read_number(self, text: str, *, integer: bool, what: str) -> int | float:
        try:
            return int(text, 10) if integer else float(text)
        except ValueError:
            pass
        try:
            value = float(text)
        except ValueError:
            raise FieldValueError(f"{what} must be {'a whole number' if integer else 'a number'}, got "
                                  f"{_show(text)}") from None
        return int(value) if integer and value.is_integer() else value

    def text(self, value: Any) -> Any:
        """What a form shows for ``value`` (the inverse of `parse`): "" for auto/None, "3, 3" for a tuple; a bool
        or a choice stays as it is."""
        if value is None:
            return ""
        if self.kind in ("bool", "choice"):
            return value
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return str(value)

    def to_json(self, value: Any) -> Any:
        """The JSON form of a checked value (tuples become lists)."""
        return list(value) if isinstance(value, tuple) else value

    def describe(self) -> dict[str, Any]:
        """A plain dict of this field for front ends (JSON-able)."""
        return {"name": self.name, "kind": self.kind, "default": self.to_json(self.default), "help": self.help,
                "min": self.min, "max": self.max, "choices": list(self.choices), "optional": self.optional,
                "auto": self.auto, "length": self.length}


def _num(x: float) -> str:
    if isinstance(x, int) and abs(x) >= 10 ** 15:
        return f"a {len(str(abs(x)))}-digit number"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 10_000 else str(x)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---- field makers: the registry reads like a table --------------------------------------------------------------
def int_field(name: str, default: Any, help: str, *, min: int | None = 1, max: int | None = BIG, **kw: Any) -> Field:
    return Field(name, "int", default, help, min=min, max=max, **kw)


def auto_int(name: str, help: str, **kw: Any) -> Field:
    """A size read from the input shape unless set (lazy layers): None/"auto" by default."""
    return Field(name, "int", None, help, min=1, max=BIG, auto=True, positional=True, **kw)


def float_field(name: str, default: Any, help: str, *, min: float | None = None, max: float | None = None,
                **kw: Any) -> Field:
    return Field(name, "float", default, help, min=min, max=max, **kw)


def bool_field(name: str, default: bool, help: str, **kw: Any) -> Field:
    return Field(name, "bool", default, help, **kw)


def choice_field(name: str, default: Any, choices: tuple, help: str, **kw: Any) -> Field:
    return Field(name, "choice", default, help, choices=choices, **kw)


def tuple_field(name: str, default: Any, help: str, *, length: int | None, min: int | None = 1,
                max: int | None = 1024, **kw: Any) -> Field:
    return Field(name, "tuple", default, help, min=min, max=max, length=length, **kw)


def dim_field(name: str, default: int | None, help: str, **kw: Any) -> Field:
    """A dimension index of the batched tensor (0 is the batch; negative counts from the end)."""
    return Field(name, "int", default, help, min=-(MAX_RANK + 1), max=MAX_RANK, **kw)
