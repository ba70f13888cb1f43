"""torch.serialization's allow-list of classes for `torch.load(weights_only=True)`: `add_safe_globals`,
`safe_globals`, `get_safe_globals`, `clear_safe_globals`.

nnstudio's `load` never unpickles (its files are `.npz` archives read with `allow_pickle=False`), so no class
ever needs allowing: the list is kept, as torch keeps it, and has no effect on what loads.
"""

from __future__ import annotations

import contextlib

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "safe_globals"]

_allowed: list = []


def add_safe_globals(safe_globals: list) -> None:
    """Add classes/functions (or (obj, "module.name") pairs) to the allow-list."""
    if not isinstance(safe_globals, (list, tuple)):
        raise TypeError(f"add_safe_globals expects a list, got {type(safe_globals).__name__}")
    _allowed.extend(safe_globals)


def get_safe_globals() -> list:
    """The allow-list, in the order entries were added."""
    return list(_allowed)


def clear_safe_globals() -> None:
    _allowed.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list):
    """`with torch.serialization.safe_globals([MyClass]): torch.load(...)` (the entries are allowed in the
    block only)."""
    before = list(_allowed)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _allowed[:] = before
