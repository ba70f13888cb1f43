"""One seedable source for all randomness of the library (`manual_seed`)."""

from __future__ import annotations

import numpy as np

from ._torch_permutation import mt19937, skip_random64
from ._torch_permutation import permutation as torch_permutation

_generator = np.random.default_rng()
_device_streams: dict = {}  # array module name -> (the CPU generator it was seeded from, its device stream)


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


def device_generator(xp):
    """A random stream that draws on `xp`'s device (CuPy's RandomState), seeded from the library's generator,
    so `manual_seed` makes GPU draws reproducible too (like torch's separate CUDA generator). Drawing there
    keeps a dropout mask off the host-to-device bus. A new one is made after each `manual_seed`."""
    made = _device_streams.get(xp.__name__)
    if made is None or made[0] is not _generator:
        made = _device_streams[xp.__name__] = (_generator, xp.random.RandomState(initial_seed()))
    return made[1]


def initial_seed() -> int:
    """A seed drawn from the current generator (for spawning reproducible child generators)."""
    return int(_generator.integers(0, 2**63 - 1))


class Generator:
    """A random stream of its own (`torch.Generator`): `Generator().manual_seed(42)` makes `random_split`,
    `DataLoader(shuffle=True)` or `randn(..., generator=g)` reproducible without touching the global seed."""

    def __init__(self, device="cpu") -> None:
        self.device = device
        self._seed = int(np.random.SeedSequence().entropy) & 0x7FFFFFFFFFFFFFFF
        self._rng = np.random.default_rng(self._seed)
        self._torch_stream = None

    def manual_seed(self, seed: int) -> Generator:
        if not isinstance(seed, (int, np.integer)):
            raise TypeError(f"manual_seed expected an int, got {type(seed).__name__}")
        self._seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self._rng = np.random.default_rng(self._seed)
        self._torch_stream = None
        return self

    def _permutation_stream(self) -> np.random.MT19937:
        """The Mersenne Twister torch would hold for this seed; permutations draw from it so that they are
        torch's own (see `_torch_permutation`)."""
        if self._torch_stream is None:
            self._torch_stream = mt19937(self._seed)
        return self._torch_stream

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy) & 0x7FFFFFFFFFFFFFFF)
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def __repr__(self) -> str:
        return f"<nnstudio.Generator seed={self._seed}>"


def rng_of(gen: Generator | None) -> np.random.Generator:
    """The NumPy stream to draw from: `gen`'s own, or the library's global one when `gen` is None."""
    if gen is None:
        return _generator
    if not isinstance(gen, Generator):
        raise TypeError(f"generator must be a nnstudio.Generator (or None), got {type(gen).__name__}")
    return gen._rng


def permutation(n: int, gen: Generator | None) -> np.ndarray:
    """A permutation of 0..n-1 (int64): torch's exact one for a given generator, else from the global stream."""
    if gen is None:
        return _generator.permutation(n)
    rng_of(gen)  # the type check
    return torch_permutation(n, gen._permutation_stream())


def draw_base_seed(gen: Generator | None) -> None:
    """What a torch DataLoader iterator draws from its generator before shuffling (a 64-bit base seed for
    its workers): used up from a given generator so the permutations that follow stay torch's."""
    if gen is not None:
        rng_of(gen)  # the type check
        skip_random64(gen._permutation_stream())
