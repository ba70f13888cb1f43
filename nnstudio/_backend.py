"""The one place that decides which array module (NumPy or CuPy) backs a tensor.

Everything else asks `xp_of(array)` or `xp_for(device)`; no other module imports CuPy.
"""

from __future__ import annotations

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
            from ._device_checks import raise_pending

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
