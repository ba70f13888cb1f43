"""One seedable source for all randomness of the library (`manual_seed`)."""

from __future__ import annotations

import numpy as np


def _entropy_seed() -> int:
    return int(np.random.SeedSequence().entropy) & 0x7FFFFFFFFFFFFFFF


_seed = _entropy_seed()  # what initial_seed() reports: the last manual_seed, or the one drawn at import
_generator = np.random.default_rng(_seed)
_device_streams: dict = {}  # array module name -> (the CPU generator it was seeded from, its device stream)


def manual_seed(seed: int) -> np.random.Generator:
    """Seed every random draw of nnstudio (initialisation, dropout, randn, DataLoader shuffling)."""
    global _generator, _seed
    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed expects an int, got {type(seed).__name__}")
    _seed = int(seed) & 0xFFFFFFFFFFFFFFFF  # torch reports a negative seed as its unsigned 64-bit value
    _generator = np.random.default_rng(_seed)
    return _generator


def seed() -> int:
    """torch.seed(): seed from the operating system's entropy; returns the seed used."""
    s = _entropy_seed()
    manual_seed(s)
    return s


def initial_seed() -> int:
    """torch.initial_seed(): the seed of the stream now in use (draws nothing)."""
    return _seed


def generator() -> np.random.Generator:
    """The library's current NumPy generator (draws happen on the CPU, then move to the device)."""
    return _generator


def device_generator(xp):
    """A random stream that draws on `xp`'s device (CuPy's RandomState), seeded from the library's generator,
    so `manual_seed` makes GPU draws reproducible too (like torch's separate CUDA generator). Drawing there
    keeps a dropout mask off the host-to-device bus. A new one is made after each `manual_seed`."""
    made = _device_streams.get(xp.__name__)
    if made is None or made[0] is not _generator:
        made = _device_streams[xp.__name__] = (_generator, xp.random.RandomState(draw_seed()))
    return made[1]


def draw_seed() -> int:
    """A seed drawn from the current stream (for spawning reproducible child generators)."""
    return int(_generator.integers(0, 2**63 - 1))


class Generator:
    """A random stream of its own (`torch.Generator`): `Generator().manual_seed(42)` makes `random_split`,
    `DataLoader(shuffle=True)` or `randn(..., generator=g)` reproducible without touching the global seed."""

    def __init__(self, device="cpu") -> None:
        self.device = device
        self._seed = _entropy_seed()
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
        torch's own (see `torch_permutation` below)."""
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


# ---------------------------------------------------------------------- torch's own permutation stream
# PyTorch's CPU permutations for an explicitly seeded `Generator`.
#
# `torch.Generator().manual_seed(s)` is a 32-bit Mersenne Twister seeded with the low 32 bits of `s`, and
# torch's CPU `randperm(n)` is a Fisher-Yates shuffle drawing `random() % (n - i)` at step i. Reproducing that
# stream here makes `random_split`, `randperm` and shuffling `DataLoader`s given such a generator pick exactly
# PyTorch's samples, so a tutorial's split or batch order is the same under both libraries. Only permutations
# (and the base seed a `DataLoader` iterator draws) use this stream; other draws with the same generator
# (`randn(..., generator=g)`) come from the generator's NumPy stream and differ from torch's.

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


def torch_permutation(n: int, stream: np.random.MT19937) -> np.ndarray:
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


# ----------------------------------------------------------------- draws in the dtype they are for
# Random draws in the dtype they are for: float32 values come straight from NumPy's float32 generators, so
# `randn(10**8)` or `Linear(10**4, 10**4)` needs the array itself and no float64 copy twice its size.
#
# NumPy draws float32 and float64 natively (`standard_normal(dtype=...)`, `random(dtype=...)`, into `out=` in
# place); float16 and bfloat16-like dtypes are drawn as float32 and cast. The values for a seed are those of
# NumPy's float32 streams (not the float64 ones rounded).

_NATIVE = (np.dtype(np.float32), np.dtype(np.float64))


def _draw_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    return dtype if dtype in _NATIVE else np.dtype(np.float32)


def standard_normal(rng: np.random.Generator, shape: tuple, dtype) -> np.ndarray:
    """N(0, 1) samples of `shape` as `dtype`, drawn in float32 unless float64 is asked for (complex: both parts
    N(0, 1/2), so |z|^2 has mean 1, as torch)."""
    if np.dtype(dtype).kind == "c":
        return _complex_pair(standard_normal, rng, shape, dtype) * 0.7071067811865476  # keeps the dtype
    out = rng.standard_normal(shape, dtype=_draw_dtype(dtype))
    return out if out.dtype == dtype else out.astype(dtype)


def uniform01(rng: np.random.Generator, shape: tuple, dtype) -> np.ndarray:
    """U[0, 1) samples of `shape` as `dtype`, drawn in float32 unless float64 is asked for (complex: both parts
    U[0, 1), as torch)."""
    if np.dtype(dtype).kind == "c":
        return _complex_pair(uniform01, rng, shape, dtype)
    out = rng.random(shape, dtype=_draw_dtype(dtype))
    return out if out.dtype == dtype else out.astype(dtype)


def _complex_pair(draw, rng: np.random.Generator, shape: tuple, dtype) -> np.ndarray:
    part = np.float32 if np.dtype(dtype) == np.complex64 else np.float64
    out = np.empty(shape, dtype=dtype)
    out.real, out.imag = draw(rng, shape, part), draw(rng, shape, part)
    return out


def _target(array: np.ndarray) -> np.ndarray:
    """`array` itself when NumPy can draw into it, else a float32 buffer of its shape."""
    if isinstance(array, np.ndarray) and array.dtype in _NATIVE and array.flags.c_contiguous:
        return array
    return np.empty(array.shape, np.float32)


def fill_uniform(rng: np.random.Generator, array, low: float, high: float):
    """U[low, high) values for `array`: drawn into it in place when it is a float32/64 NumPy array; otherwise
    a float32 array to copy in (a CuPy array, float16). Returns what holds the values."""
    out = _target(array)
    rng.random(out=out, dtype=out.dtype)
    out *= out.dtype.type(high - low)
    out += out.dtype.type(low)
    return out


def fill_normal(rng: np.random.Generator, array, mean: float, std: float):
    """N(mean, std) values for `array`, in place where it can be (see `fill_uniform`)."""
    out = _target(array)
    rng.standard_normal(out=out, dtype=out.dtype)
    if std != 1:
        out *= out.dtype.type(std)
    if mean != 0:
        out += out.dtype.type(mean)
    return out


def uniform(rng: np.random.Generator, shape: tuple, dtype, low: float, high: float) -> np.ndarray:
    """A new array of U[low, high) samples, in `dtype` if NumPy draws it natively, else in float32."""
    return fill_uniform(rng, np.empty(shape, _draw_dtype(dtype)), low, high)


def normal(rng: np.random.Generator, shape: tuple, dtype, mean: float, std: float) -> np.ndarray:
    """A new array of N(mean, std) samples, in `dtype` if NumPy draws it natively, else in float32."""
    return fill_normal(rng, np.empty(shape, _draw_dtype(dtype)), mean, std)
