"""The check of a normalisation layer's `eps` (BatchNorm, LayerNorm, GroupNorm, InstanceNorm, RMSNorm, ...).

torch 2.13 stores any `eps` without a look, so a NaN, a negative value or a string only shows up later as NaN
outputs or a TypeError deep in the forward. We refuse those when the layer is built, naming the layer. `eps=0`
stays allowed as in torch (a layer whose inputs never have zero variance may use it); the model builder's
registry asks for eps > 0.
"""

from __future__ import annotations

import math
import numbers


def checked_eps(layer: str, eps, allow_none: bool = False):
    """`eps` as a float (None passes through when `allow_none`); TypeError for a non-number, ValueError for NaN,
    inf or a negative value."""
    if eps is None and allow_none:
        return None
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise TypeError(f"{layer}: eps must be a number, got {type(eps).__name__} {str(eps)[:60]!r}")
    value = float(eps)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{layer}: eps must be a finite number >= 0 (small and positive, such as 1e-5, "
                         f"avoids dividing by zero), got {eps}")
    return eps
