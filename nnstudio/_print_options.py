"""`set_printoptions` / `get_printoptions` / `printoptions`: how tensors print (torch's PRINT_OPTS).

precision: digits after the point; threshold: more elements than this are summarised with `...`; edgeitems:
elements shown at each end of a summarised dim; linewidth: characters per line before wrapping; sci_mode:
True/False forces scientific/fixed notation, None chooses per tensor as torch. profile "default", "short" or
"full" sets all four first.
"""

from __future__ import annotations

import contextlib
import math

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


class _PrintOptions:
    """The current options, read by `_tensor_str` at each repr."""

    precision = 4
    threshold: float = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()


def _count(name: str, value, minimum: int):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TypeError(f"set_printoptions(): {name} must be a number, got {value!r}")
    if value < minimum:
        raise ValueError(f"set_printoptions(): {name} must be >= {minimum}, got {value}")
    return value if isinstance(value, float) and math.isinf(value) else int(value)


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None
                     ) -> None:
    """Set how tensors print, as torch.set_printoptions (options left None keep their value, except sci_mode,
    which every call sets: None means automatic)."""
    new = get_printoptions()  # checked in full before any option changes
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions(): unknown profile {profile!r}; expected one of {list(_PROFILES)}")
        new.update(_PROFILES[profile])
    if precision is not None:
        new["precision"] = int(_count("precision", precision, 0))
    if threshold is not None:
        new["threshold"] = _count("threshold", threshold, 0)
    if edgeitems is not None:
        new["edgeitems"] = int(_count("edgeitems", edgeitems, 0))
    if linewidth is not None:
        new["linewidth"] = int(_count("linewidth", linewidth, 1))
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise TypeError(f"set_printoptions(): sci_mode must be True, False or None, got {sci_mode!r}")
    new["sci_mode"] = sci_mode
    for key, value in new.items():
        setattr(PRINT_OPTS, key, value)


def get_printoptions() -> dict:
    """The current options as a dict (precision, threshold, edgeitems, linewidth, sci_mode)."""
    return {key: getattr(PRINT_OPTS, key) for key in ("precision", "threshold", "edgeitems", "linewidth",
                                                       "sci_mode")}


@contextlib.contextmanager
def printoptions(**kwargs):
    """`with printoptions(precision=2): ...` sets options for the block and restores them after."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


__all__ = ["set_printoptions", "get_printoptions", "printoptions", "PRINT_OPTS"]
