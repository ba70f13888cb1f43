"""`torch.random`: the global generator's seeding and state (the same functions as at `nnstudio.` top level), and
`fork_rng`, a context manager that gives back the generator's state on exit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ._random import Generator, initial_seed
from ._toplevel.config import default_generator

__all__ = ["Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed",
           "set_rng_state"]


def manual_seed(seed: int):
    """Seed nnstudio's one random stream (CPU and GPU draws alike)."""
    import nnstudio

    return nnstudio.manual_seed(seed)


def seed() -> int:
    """Seed from the operating system's entropy; returns the seed used."""
    import nnstudio

    return nnstudio.seed()


def get_rng_state():
    """The generator's state as a uint8 tensor (`set_rng_state` takes it back)."""
    import nnstudio

    return nnstudio.get_rng_state()


def set_rng_state(new_state) -> None:
    import nnstudio

    nnstudio.set_rng_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type: str | None = None) -> Iterator[None]:
    """Inside the block, draw freely; on exit the generator is back where it was (when `enabled`)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)

