"""`torch.utils.checkpoint`: activation checkpointing, as a plain call.

torch recomputes the checkpointed forward during backward to save memory. nnstudio keeps the activations instead
(same values and gradients, no memory saved), so `checkpoint(f, *args)` is `f(*args)`.
"""

from __future__ import annotations

__all__ = ["checkpoint", "checkpoint_sequential"]


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default", debug=False,
               preserve_rng_state=True, **kwargs):
    """`function(*args, **kwargs)`: torch's values and gradients (activations are kept, not recomputed)."""
    return function(*args, **kwargs)


def checkpoint_sequential(functions, segments: int, input, use_reentrant=None, **kwargs):
    """Run a Sequential (or a list of modules) on `input`, as torch does segment by segment."""
    children = list(functions.children()) if hasattr(functions, "children") else list(functions)
    for f in children:
        input = f(input)
    return input
