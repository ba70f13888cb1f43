"""One seedable source for all randomness of the library (`manual_seed`): torch's CPU stream, so that a seed
gives PyTorch's numbers (nnstudio/_random_stream.py)."""

from __future__ import annotations

import numpy as np

from ._random_stream import TorchStream


def _entropy_seed() -> int:
    return int(np.random.SeedSequence().entropy) & 0x7FFFFFFFFFFFFFFF


DEFAULT_SEED = 67280421310721  # the seed of a new torch.Generator(); the global stream starts from entropy, as torch


def manual_seed(seed: int) -> TorchStream:
    """Seed every random draw of nnstudio (initialisation, dropout, randn, DataLoader shuffling)."""
    global _generator, _seed
    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed expects an int, got {type(seed).__name__}")
    _seed = int(seed) & 0xFFFFFFFFFFFFFFFF  # torch reports a negative seed as its unsigned 64-bit value
    _generator = TorchStream(_seed)
    return _generator


def seed() -> int:
    """torch.seed(): seed from the operating system's entropy; returns the seed used."""
    s = _entropy_seed()
    manual_seed(s)
    return s


def initial_seed() -> int:
    """torch.initial_seed(): the seed of the stream now in use (draws nothing)."""
    return _seed


def generator() -> TorchStream:
    """The library's current stream (draws happen on the CPU, then move to the device)."""
    return _generator


def device_generator(xp):
    """A random stream that draws on `xp`'s device (CuPy's RandomState), seeded from the library's generator,
    so `manual_seed` makes GPU draws reproducible too (like torch's separate CUDA generator). Drawing there
    keeps a dropout mask off the host-to-device bus. A new one is made after each `manual_seed`."""
    made = _device_streams.get(xp.__name__)
    if made is None or made[0] is not _generator:
        made = _device_streams[xp.__name__] = (_generator, xp.random.RandomState(draw_seed() & 0xFFFFFFFF))
    return made[1]


def draw_seed() -> int:
    """A seed drawn from the current stream as torch draws one (`empty((), dtype=int64).random_()`: a 64-bit
    word modulo 2**63), e.g. for the Generator a RandomSampler without one seeds for itself."""
    return _generator.random_int64()


class Generator:
    """A random stream of its own (`torch.Generator`): `Generator().manual_seed(42)` makes `random_split`,
    `DataLoader(shuffle=True)` or `randn(..., generator=g)` reproducible without touching the global seed, and
    gives torch's own numbers for that seed (see TorchStream)."""

    def __init__(self, device="cpu") -> None:
        self.device = device
        self._seed = DEFAULT_SEED
        self._rng = TorchStream(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        if not isinstance(seed, (int, np.integer)):
            raise TypeError(f"manual_seed expected an int, got {type(seed).__name__}")
        self._seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self._rng = TorchStream(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        self.manual_seed(_entropy_seed())
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        """The stream's state as a uint8 tensor (`set_state` takes it back)."""
        from .tensor import Tensor

        return Tensor._wrap(self._rng.state_bytes(), None)

    def set_state(self, new_state) -> Generator:
        self._rng.load_state_bytes(state_bytes_of(new_state))
        return self

    def __repr__(self) -> str:
        return f"<nnstudio.Generator seed={self._seed}>"


def rng_of(gen: Generator | None) -> TorchStream:
    """The stream to draw from: `gen`'s own, or the library's global one when `gen` is None."""
    if gen is None or getattr(gen, "_is_default_generator", False):
        return _generator
    if not isinstance(gen, Generator):
        raise TypeError(f"generator must be a nnstudio.Generator (or None), got {type(gen).__name__}")
    return gen._rng


def permutation(n: int, gen: Generator | None) -> np.ndarray:
    """A permutation of 0..n-1 (int64): torch's CPU `randperm(n)` for the generator's (or the global) stream."""
    return rng_of(gen).permutation(n)


def draw_base_seed(gen: Generator | None) -> None:
    """What a torch DataLoader iterator draws from its generator (the global one when None) before shuffling:
    a 64-bit base seed for its workers, used up so the permutations that follow stay torch's."""
    rng_of(gen).random_int64()


def state_bytes_of(new_state) -> bytes:
    """The bytes of a state tensor (or bytes-like) given to set_state / set_rng_state."""
    if hasattr(new_state, "detach"):
        return bytes(new_state.detach().cpu().numpy().astype(np.uint8))
    return bytes(new_state)


# ----------------------------------------------------------------- draws in the dtype they are for
# Each draw is torch's for the stream (nnstudio/_random_stream.py) and is made in the dtype it is for: float32
# values straight from float32 uniforms, so `randn(10**8)` or `Linear(10**4, 10**4)` needs the array itself and
# no float64 copy twice its size (bfloat16-like dtypes are drawn as float32 and cast).


def standard_normal(rng: TorchStream, shape: tuple, dtype) -> np.ndarray:
    """N(0, 1) samples of `shape` as `dtype` (torch's randn; complex: as torch, the interleaved real and imaginary
    parts drawn as one real tensor with std 1/sqrt(2), so |z|^2 has mean 1)."""
    if np.dtype(dtype).kind == "c":
        return _as_complex(rng.normal_array(tuple(shape) + (2,), _part_dtype(dtype), 0.0, 0.7071067811865476))
    return rng.normal_array(shape, dtype)


def uniform01(rng: TorchStream, shape: tuple, dtype) -> np.ndarray:
    """U[0, 1) samples of `shape` as `dtype` (torch's rand; complex: both parts U[0, 1), interleaved as torch)."""
    if np.dtype(dtype).kind == "c":
        return _as_complex(rng.uniform_array(tuple(shape) + (2,), _part_dtype(dtype)))
    return rng.uniform_array(shape, dtype)


def _part_dtype(dtype) -> np.dtype:
    return np.dtype(np.float32) if np.dtype(dtype) == np.complex64 else np.dtype(np.float64)


def _as_complex(pairs: np.ndarray) -> np.ndarray:
    """(..., 2) real pairs as a complex array of shape (...)."""
    return np.ascontiguousarray(pairs).view(np.complex64 if pairs.dtype == np.float32 else np.complex128)[..., 0]


def _target(array) -> np.ndarray:
    """`array` itself when the draw can be written into it (a float16/32/64 NumPy array), else a float32 buffer
    of its shape (a CuPy array, bfloat16-like dtypes)."""
    if isinstance(array, np.ndarray) and array.dtype in (np.float16, np.float32, np.float64):
        return array
    return np.empty(array.shape, np.float32)


def fill_uniform(rng: TorchStream, array, low: float, high: float):
    """U[low, high) values for `array` (torch's uniform_): drawn into it in place when it is a float NumPy
    array; otherwise a float32 array to copy in. Returns what holds the values."""
    out = _target(array)
    if out.flags.c_contiguous:
        rng.fill_uniform(out.reshape(-1), low, high)
    else:
        out[...] = rng.uniform_array(out.shape, out.dtype, low, high)
    return out


def fill_normal(rng: TorchStream, array, mean: float, std: float):
    """N(mean, std) values for `array` (torch's normal_), in place where it can be (see `fill_uniform`)."""
    out = _target(array)
    rng.fill_normal(out, mean, std)
    return out


def uniform(rng: TorchStream, shape: tuple, dtype, low: float, high: float) -> np.ndarray:
    """A new array of U[low, high) samples in `dtype` (float32 for dtypes NumPy cannot hold)."""
    return rng.uniform_array(shape, dtype, low, high)


def normal(rng: TorchStream, shape: tuple, dtype, mean: float, std: float) -> np.ndarray:
    """A new array of N(mean, std) samples in `dtype`."""
    return rng.normal_array(shape, dtype, mean, std)


_seed = _entropy_seed()  # what initial_seed() reports: the last manual_seed, or the one drawn at import
_generator = TorchStream(_seed)
_device_streams: dict = {}  # array module name -> (the CPU stream it was seeded from, its device stream)
