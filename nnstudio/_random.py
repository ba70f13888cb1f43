"""One seedable source for all randomness of the library (`manual_seed`)."""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed every random draw of nnstudio (initialisation, dropout, randn, DataLoader shuffling)."""
    global _generator
    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed expects an int, got {type(seed).__name__}")
    _generator = np.random.default_rng(int(seed) & 0xFFFFFFFFFFFFFFFF)
    return _generator


seed = manual_seed


def generator() -> np.random.Generator:
    """The library's current NumPy generator (draws happen on the CPU, then move to the device)."""
    return _generator


def initial_seed() -> int:
    """A seed drawn from the current generator (for spawning reproducible child generators)."""
    return int(_generator.integers(0, 2**63 - 1))
