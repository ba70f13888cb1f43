"""torch's control-flow operators and symbolic-shape helpers, as they behave in eager mode: `torch.cond` runs the
branch that `pred` picks, `torch.while_loop` loops in Python, and the `sym_*` helpers compute on plain Python
numbers (nnstudio has no graph capture, so every shape is concrete). Code written for torch.export runs
unchanged and gives the same values.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable

__all__ = ["cond", "sym_constrain_range", "sym_constrain_range_for_size", "sym_float", "sym_fresh_size", "sym_int",
           "sym_ite", "sym_max", "sym_min", "sym_not", "sym_sqrt", "sym_sum", "while_loop"]

_INT64_MAX = 2 ** 63 - 1


def _truth(value, what: str) -> bool:
    from ..tensor import Tensor

    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise RuntimeError(f"Expected {what} to be bool or single-element tensor, but got {value}.")
        return builtins.bool(value.item())
    if isinstance(value, (builtins.bool, builtins.int, builtins.float)):
        return builtins.bool(value)
    raise RuntimeError(f"Expected {what} to be bool or single-element tensor, but got {type(value).__name__}.")


def cond(pred, true_fn: Callable, false_fn: Callable, operands: tuple | list = ()):
    """true_fn(*operands) when `pred` (a bool, a number or a one-element tensor) holds, else false_fn(*operands)."""
    if not (callable(true_fn) and callable(false_fn)):
        raise RuntimeError("Expect both branches to be callable.")
    branch = true_fn if _truth(pred, "pred") else false_fn
    return branch(*operands)


def while_loop(cond_fn: Callable, body_fn: Callable, carried_inputs):
    """carried = body_fn(*carried) while cond_fn(*carried) holds; returns the last carried values (what body_fn
    returned, or carried_inputs when the loop never ran)."""
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or a list, got {type(carried_inputs).__name__}")
    carried = carried_inputs
    while _truth(cond_fn(*(carried if isinstance(carried, (tuple, list)) else (carried,))), "cond_fn's output"):
        carried = body_fn(*(carried if isinstance(carried, (tuple, list)) else (carried,)))
    return carried


def _number(a, name: str):
    import numpy as np

    if isinstance(a, (builtins.int, builtins.float, np.integer, np.floating)):
        return a
    raise AssertionError(f"{name}: expected an int or a float, got {type(a).__name__}")


def sym_int(a) -> int:
    """int(a), truncating toward zero."""
    return builtins.int(a)


def sym_float(a) -> float:
    return builtins.float(a)


def sym_max(a, b):
    """max(a, b); a float when either is one."""
    a, b = _number(a, "sym_max"), _number(b, "sym_max")
    out = builtins.max(a, b)
    return builtins.float(out) if isinstance(a, builtins.float) or isinstance(b, builtins.float) else out


def sym_min(a, b):
    """min(a, b); a float when either is one."""
    a, b = _number(a, "sym_min"), _number(b, "sym_min")
    out = builtins.min(a, b)
    return builtins.float(out) if isinstance(a, builtins.float) or isinstance(b, builtins.float) else out


def sym_not(a) -> bool:
    return not _truth(a, "a")


def sym_sqrt(a) -> float:
    return math.sqrt(a)


def sym_ite(b, t, f):
    """t if b else f, for a Python bool b."""
    if not isinstance(b, builtins.bool):
        raise AssertionError(f"expected SymBool or bool, got {type(b)}")
    return t if b else f


def sym_sum(args):
    """The sum of an iterable of numbers."""
    return builtins.sum(args)


def sym_fresh_size(expr):
    return expr


def sym_constrain_range(size, min: int | None = None, max: int | None = None) -> None:  # noqa: A002
    """Checks min <= size <= max (either bound optional); RuntimeError outside."""
    lo = -_INT64_MAX - 1 if min is None else min
    hi = _INT64_MAX if max is None else max
    if not lo <= size <= hi:
        raise RuntimeError(f"Invalid value range for {size} between [{lo}, {hi}].")


def sym_constrain_range_for_size(size, min: int | None = None, max: int | None = None) -> None:  # noqa: A002
    """sym_constrain_range for a size: the lower bound is at least 0."""
    sym_constrain_range(size, 0 if min is None else builtins.max(0, min), max)
