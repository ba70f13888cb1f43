"""`torch.cuda`: nnstudio's GPU is CUDA through CuPy (one device, index 0).

Without a usable GPU the calls answer as a CPU-only torch does: `is_available()` False, `device_count()` 0,
seeding and `empty_cache()` do nothing, memory counters are 0, and calls that need the device raise
`AssertionError` (torch: "Torch not compiled with CUDA enabled").
"""

from __future__ import annotations

from .. import accelerator as _acc
from .._backend import cuda_is_available
from . import amp

__all__ = [
    "amp", "current_device", "device", "device_count", "empty_cache", "get_device_capability", "get_device_name",
    "get_device_properties", "get_rng_state", "init", "is_available", "is_bf16_supported", "is_initialized",
    "manual_seed", "manual_seed_all", "max_memory_allocated", "max_memory_reserved", "mem_get_info",
    "memory_allocated", "memory_reserved", "reset_peak_memory_stats", "seed", "seed_all", "set_device",
    "set_rng_state", "synchronize",
]


def _require() -> None:
    if not cuda_is_available():
        raise AssertionError("nnstudio found no usable CUDA GPU (it needs CuPy and an NVIDIA GPU): "
                             "torch.cuda is not available on this machine")


def is_available() -> bool:
    """True when CuPy is installed and a GPU answers."""
    return cuda_is_available()


def is_initialized() -> bool:
    """True once a GPU has been found (nnstudio initialises it on first use)."""
    return cuda_is_available()


def init() -> None:
    """Initialise CUDA (a check that the GPU is usable)."""
    _require()


def device_count() -> int:
    """1 with a usable GPU (nnstudio drives one), else 0."""
    return 1 if cuda_is_available() else 0


def current_device() -> int:
    _require()
    return 0


def set_device(device) -> None:
    """Select the GPU; only index 0 exists."""
    _require()
    _acc._check_index(device)


class device:
    """`with torch.cuda.device(0):` selects the GPU for a block (index 0 only)."""

    def __init__(self, device) -> None:
        self.idx = device

    def __enter__(self) -> None:
        set_device(self.idx)

    def __exit__(self, *exc) -> None:
        return None


def get_device_name(device=None) -> str:
    _require()
    from .._backend import xp_for

    cp = xp_for("cuda")
    name = cp.cuda.runtime.getDeviceProperties(0)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def get_device_properties(device=None):
    """CuPy's property dict for the GPU, with `name` and `total_memory` also as attributes."""
    _require()
    from types import SimpleNamespace

    from .._backend import xp_for

    props = dict(xp_for("cuda").cuda.runtime.getDeviceProperties(0))
    name = props.get("name", b"")
    return SimpleNamespace(name=name.decode() if isinstance(name, bytes) else name,
                           total_memory=int(props.get("totalGlobalMem", 0)),
                           major=int(props.get("major", 0)), minor=int(props.get("minor", 0)),
                           multi_processor_count=int(props.get("multiProcessorCount", 0)))


def get_device_capability(device=None) -> tuple[int, int]:
    _require()
    cap = _acc.get_device_capability()
    return cap["major"], cap["minor"]


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: nnstudio has no bfloat16 storage (NumPy and CuPy lack the type)."""
    return False


def manual_seed(seed: int) -> None:
    """Seed the GPU's random stream; nnstudio's GPU draws follow the one global seed, so this does what
    `torch.manual_seed` does (and nothing without a GPU, as torch)."""
    if cuda_is_available():
        from .._random import manual_seed as _seed

        _seed(seed)


manual_seed_all = manual_seed


def seed() -> None:
    """Reseed from entropy (nothing without a GPU)."""


seed_all = seed


def get_rng_state(device="cuda"):
    _require()
    raise NotImplementedError("nnstudio cannot export the GPU random state; reseed with torch.manual_seed instead")


def set_rng_state(new_state, device="cuda") -> None:
    _require()
    raise NotImplementedError("nnstudio cannot import a GPU random state; reseed with torch.manual_seed instead")


def synchronize(device=None) -> None:
    """Wait for the GPU to finish its queued work."""
    _require()
    _acc.synchronize()


def empty_cache() -> None:
    """Release CuPy's cached blocks (nothing without a GPU)."""
    if cuda_is_available():
        _acc.empty_cache()


def memory_allocated(device=None) -> int:
    return _acc.memory_allocated() if cuda_is_available() else 0


def max_memory_allocated(device=None) -> int:
    return _acc.max_memory_allocated() if cuda_is_available() else 0


def memory_reserved(device=None) -> int:
    return _acc.memory_reserved() if cuda_is_available() else 0


def max_memory_reserved(device=None) -> int:
    return _acc.max_memory_reserved() if cuda_is_available() else 0


def reset_peak_memory_stats(device=None) -> None:
    _require()
    _acc.reset_peak_memory_stats()


def mem_get_info(device=None) -> tuple[int, int]:
    """(free, total) bytes on the GPU."""
    _require()
    return _acc.get_memory_info()
