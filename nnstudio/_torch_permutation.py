"""PyTorch's CPU permutations for an explicitly seeded `Generator`.

`torch.Generator().manual_seed(s)` is a 32-bit Mersenne Twister seeded with the low 32 bits of `s`, and
torch's CPU `randperm(n)` is a Fisher-Yates shuffle drawing `random() % (n - i)` at step i. Reproducing that
stream here makes `random_split`, `randperm` and shuffling `DataLoader`s given such a generator pick exactly
PyTorch's samples, so a tutorial's split or batch order is the same under both libraries. Only permutations
(and the base seed a `DataLoader` iterator draws) use this stream; other draws with the same generator
(`randn(..., generator=g)`) come from the generator's NumPy stream and differ from torch's.
"""

from __future__ import annotations

import numpy as np

_MT_N = 624  # words of Mersenne Twister state
_LARGEST_SMALL_N = (2**32 - 1) // 20  # torch keeps the 32-bit draw below this length


def mt19937(seed: int) -> np.random.MT19937:
    """A Mersenne Twister in the state torch's `manual_seed(seed)` leaves it (the reference `init_genrand`)."""
    key = np.empty(_MT_N, dtype=np.uint32)
    prev = int(seed) & 0xFFFFFFFF
    key[0] = prev
    for i in range(1, _MT_N):
        prev = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF
        key[i] = prev
    stream = np.random.MT19937(0)
    stream.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _MT_N}}
    return stream


def permutation(n: int, stream: np.random.MT19937) -> np.ndarray:
    """torch's CPU `randperm(n, generator=g)`: int64 array (n,), drawing n - 1 words from `stream`."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    if n >= _LARGEST_SMALL_N:
        raise NotImplementedError(f"randperm with a generator: n={n} is beyond the sizes reproduced "
                                  f"(< {_LARGEST_SMALL_N})")
    out = np.arange(n, dtype=np.int64)
    if n < 2:
        return out
    steps = np.arange(n - 1, dtype=np.int64)
    targets = (stream.random_raw(n - 1).astype(np.int64) % (n - steps) + steps).tolist()
    perm = out.tolist()
    for i, j in enumerate(targets):
        perm[i], perm[j] = perm[j], perm[i]
    return np.asarray(perm, dtype=np.int64)


def skip_random64(stream: np.random.MT19937) -> None:
    """Use up one 64-bit draw, as torch's `empty((), dtype=int64).random_(generator=g)` does (a DataLoader
    iterator draws its workers' base seed so, each epoch, before the sampler shuffles)."""
    stream.random_raw(2)
