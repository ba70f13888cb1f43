"""The one place that decides which array module (NumPy or CuPy) backs a tensor.

Everything else asks `xp_of(array)` or `xp_for(device)`; no other module imports CuPy. The end of the file
holds the deferred device-side checks (`defer`, `raise_pending`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

_cupy = None
_cupy_checked = False


def _load_cupy():
    """Import CuPy once, lazily; return it when a usable GPU is present, else None."""
    global _cupy, _cupy_checked
    if not _cupy_checked:
        _cupy_checked = True
        try:
            import cupy  # type: ignore

            if cupy.cuda.is_available():
                cupy.zeros(1)  # a smoke allocation: is_available() alone can lie
                _cupy = cupy
        except Exception:  # noqa: BLE001 - any failure means "no usable GPU"
            _cupy = None
    return _cupy


def cuda_is_available() -> bool:
    """True when CuPy is installed and a GPU answers."""
    return _load_cupy() is not None


class device:
    """A device a tensor lives on: `device("cpu")` or `device("cuda")` (`"cuda:0"` accepted)."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu", index: int | None = None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device must be a string like 'cpu' or 'cuda', got {type!r}")
        name, _, idx = type.partition(":")
        if name not in ("cpu", "cuda"):
            raise RuntimeError(f"unknown device {type!r}: nnstudio supports 'cpu' and 'cuda'")
        self.type = name
        self.index = int(idx) if idx else index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type

    def __hash__(self) -> int:
        return hash(self.type)


CPU = device("cpu")
CUDA = device("cuda")


def as_device(dev) -> device:
    """Normalise None / str / device into a `device`, raising a clear error for an unknown one."""
    if dev is None:
        return CPU
    if isinstance(dev, device):
        return dev
    return device(dev)


def xp_for(dev) -> object:
    """The array module for a device; a clear error when CUDA is asked for without a GPU."""
    dev = as_device(dev)
    if dev.type == "cpu":
        return np
    cp = _load_cupy()
    if cp is None:
        raise RuntimeError(
            "device 'cuda' was requested but no usable GPU was found "
            "(install cupy-cuda12x and run on a machine with an NVIDIA GPU)"
        )
    return cp


def xp_of(array) -> object:
    """The array module that owns `array` (NumPy unless it is a CuPy array)."""
    if isinstance(array, np.ndarray) or _cupy is None:
        return np
    return _cupy if isinstance(array, _cupy.ndarray) else np


def device_of(array) -> device:
    """The device an array lives on."""
    return CPU if xp_of(array) is np else CUDA


def to_device(array, dev):
    """Move an array to a device (a no-op when it is already there)."""
    dev = as_device(dev)
    if dev.type == "cpu":
        if isinstance(array, np.ndarray):
            return array
        if hasattr(array, "get"):  # a CuPy array: report any deferred device-side check first
            raise_pending()
            return array.get()
        return np.asarray(array)
    cp = xp_for(dev)
    return cp.asarray(array)


def to_numpy(array) -> np.ndarray:
    """A NumPy view or copy of any backend array."""
    return to_device(array, CPU)


def is_array(obj) -> bool:
    """True for a NumPy or CuPy ndarray."""
    if isinstance(obj, np.ndarray):
        return True
    return _cupy is not None and isinstance(obj, _cupy.ndarray)


# ----------------------------------------------------------------- deferred device-side checks
# Checks of values that live on the GPU, deferred to the next host read-out (torch's device-side asserts).
#
# Reading a CuPy array on the host (`bool(bad.any())`) makes the host wait for every queued kernel: one such
# check inside a training step serialises the host with the GPU on every step. So on CUDA a check queues its
# verdict as a device flag (`defer`), and the next read-out of any tensor (`.item()`, `.numpy()`, `.cpu()`,
# printing) raises the error first (`raise_pending`), as torch reports a device-side assert at the next
# synchronisation. Flags of the same check site are OR-ed on the device, so the queue stays one flag per site.
# On the CPU nothing is deferred: callers check at once.

_pending: dict[str, tuple] = {}  # site -> (device bool flag, error factory)
_lock = threading.Lock()


def defer(site: str, flag, make_error: Callable[[], Exception]) -> None:
    """Queue a device bool scalar `flag` (True = the check failed) under `site`; `make_error()` builds the
    exception raised at the next read-out when any queued flag of the site is True."""
    with _lock:
        queued = _pending.get(site)
        _pending[site] = (flag if queued is None else queued[0] | flag, make_error)


def raise_pending() -> None:
    """Read the queued flags (one small device-to-host copy per site) and raise the first failed check's
    error; the queue is emptied either way."""
    if not _pending:
        return
    with _lock:
        checks = list(_pending.values())
        _pending.clear()
    for flag, make_error in checks:
        if bool(flag):
            raise make_error()
