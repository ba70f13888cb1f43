"""`torch.accelerator`: the device-agnostic view of "the GPU, if there is one".

nnstudio's only accelerator is CUDA through CuPy. Without a usable GPU every call behaves as torch's does on a
CPU-only machine: `is_available()` is False, `current_accelerator()` is None, `device_count()` is 0, and the calls
that need a device raise `RuntimeError("Cannot access accelerator device when none is available.")`.

    device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else "cpu"
"""

from __future__ import annotations

from ._backend import cuda_is_available
from ._backend import device as _device

__all__ = [
    "current_accelerator", "current_device_idx", "current_device_index", "current_stream", "device_count",
    "device_index", "empty_cache", "empty_host_cache", "get_device_capability", "get_memory_info",
    "is_available", "max_memory_allocated", "max_memory_reserved", "memory_allocated", "memory_reserved",
    "memory_stats", "reset_accumulated_memory_stats", "reset_peak_memory_stats", "set_device_idx",
    "set_device_index", "set_stream", "synchronize",
]

_NONE = "Cannot access accelerator device when none is available."


def _require() -> None:
    if not cuda_is_available():
        raise RuntimeError(_NONE)


def _check_index(index) -> int:
    """Accept None, an int, 'cuda', 'cuda:0' or a device; nnstudio drives one GPU (index 0)."""
    if index is None:
        return 0
    if isinstance(index, (str, _device)):
        index = _device(index).index or 0
    if index != 0:
        raise RuntimeError(f"invalid device index {index}: nnstudio drives one GPU (index 0)")
    return 0


def is_available() -> bool:
    """True when CuPy finds a usable GPU (torch: an accelerator is present)."""
    return cuda_is_available()


def current_accelerator(check_available: bool = False) -> _device | None:
    """`device(type='cuda')` when a GPU is usable, else None (as torch on a CPU-only machine)."""
    return _device("cuda") if cuda_is_available() else None


def device_count() -> int:
    """1 with a usable GPU (nnstudio drives one), else 0."""
    return 1 if cuda_is_available() else 0


def current_device_index() -> int:
    """The index of the current accelerator device (always 0 in nnstudio)."""
    _require()
    return 0


current_device_idx = current_device_index


def set_device_index(device, /) -> None:
    """Select the accelerator device; only index 0 exists in nnstudio."""
    _require()
    _check_index(device)


set_device_idx = set_device_index


class device_index:
    """Context manager that selects an accelerator device index (None: do nothing), as torch's."""

    def __init__(self, device, /) -> None:
        self.idx = device

    def __enter__(self) -> None:
        if self.idx is not None:
            set_device_index(self.idx)

    def __exit__(self, *exc) -> None:
        return None


def synchronize(device=None, /) -> None:
    """Wait until the GPU has finished all queued work."""
    _require()
    _check_index(device)
    from ._backend import xp_for

    xp_for("cuda").cuda.Device().synchronize()


def current_stream(device=None, /):
    """CuPy's current stream on the GPU."""
    _require()
    from ._backend import xp_for

    return xp_for("cuda").cuda.get_current_stream()


def set_stream(stream) -> None:
    """Make `stream` (a CuPy stream) the current one."""
    _require()
    stream.use()


def get_device_capability(device=None, /) -> dict:
    """The GPU's compute capability, as torch's `{'major': ..., 'minor': ...}` style dict."""
    _require()
    from ._backend import xp_for

    cc = xp_for("cuda").cuda.Device().compute_capability  # e.g. "90"
    return {"major": int(cc[:-1]), "minor": int(cc[-1])}


def _pool():
    _require()
    from ._backend import xp_for

    return xp_for("cuda").get_default_memory_pool()


def empty_cache() -> None:
    """Release the cached (unused) GPU memory blocks of CuPy's pool."""
    _pool().free_all_blocks()


def empty_host_cache() -> None:
    """Release CuPy's pinned host memory cache."""
    _require()
    from ._backend import xp_for

    xp_for("cuda").get_default_pinned_memory_pool().free_all_blocks()


def memory_allocated(device_index=None, /) -> int:
    """Bytes held by live arrays on the GPU."""
    return int(_pool().used_bytes())


def memory_reserved(device_index=None, /) -> int:
    """Bytes CuPy's pool holds (used and cached)."""
    return int(_pool().total_bytes())


_peaks = {"allocated": 0, "reserved": 0}


def max_memory_allocated(device_index=None, /) -> int:
    """The largest `memory_allocated()` seen by this call and its siblings (CuPy keeps no peak of its own)."""
    _peaks["allocated"] = max(_peaks["allocated"], memory_allocated())
    return _peaks["allocated"]


def max_memory_reserved(device_index=None, /) -> int:
    """The largest `memory_reserved()` seen so far (as `max_memory_allocated`)."""
    _peaks["reserved"] = max(_peaks["reserved"], memory_reserved())
    return _peaks["reserved"]


def reset_peak_memory_stats(device_index=None, /) -> None:
    _pool()
    _peaks.update(allocated=0, reserved=0)


reset_accumulated_memory_stats = reset_peak_memory_stats


def memory_stats(device_index=None, /) -> dict:
    """A few of torch's keys: current and peak bytes allocated and reserved."""
    return {"allocated_bytes.all.current": memory_allocated(), "allocated_bytes.all.peak": max_memory_allocated(),
            "reserved_bytes.all.current": memory_reserved(), "reserved_bytes.all.peak": max_memory_reserved()}


def get_memory_info(device_index=None, /) -> tuple[int, int]:
    """(free, total) bytes of the GPU."""
    _require()
    from ._backend import xp_for

    free, total = xp_for("cuda").cuda.runtime.memGetInfo()
    return int(free), int(total)
