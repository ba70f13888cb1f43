"""Argument checks shared by the dataset loaders: each error names the dataset, the argument and the value."""

from __future__ import annotations

import math
import numbers


def check_int(where: str, name: str, value, minimum: int) -> int:
    """`value` as an int >= `minimum` (bools are refused: `n_samples=True` is a mistake, not 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be >= {minimum}, got {value}")
    return int(value)


def check_float(where: str, name: str, value, minimum: float = 0.0, maximum: float | None = None,
                maximum_inclusive: bool = True) -> float:
    """`value` as a finite float in [minimum, maximum] (or [minimum, maximum) when not inclusive)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be finite, got {value}")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be >= {minimum}, got {value}")
    if maximum is not None and (value > maximum or (value == maximum and not maximum_inclusive)):
        bound = f"<= {maximum}" if maximum_inclusive else f"< {maximum}"
        raise ValueError(f"{where}: {name} must be {bound}, got {value}")
    return value


def check_seed(where: str, seed) -> int:
    """A seed: a non-negative int (the same seed always gives the same data and the same split)."""
    return check_int(where, "seed", seed, 0)


def check_val_fraction(where: str, val_fraction) -> float:
    """The share of samples kept for validation: 0 <= val_fraction < 1."""
    return check_float(where, "val_fraction", val_fraction, 0.0, 1.0, maximum_inclusive=False)


def check_choice(where: str, name: str, value, choices: tuple[str, ...]) -> str:
    """`value` must be one of `choices` (compared as given)."""
    if value not in choices:
        raise ValueError(f"{where}: {name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value
