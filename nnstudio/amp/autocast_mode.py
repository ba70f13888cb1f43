"""`torch.autocast` / `torch.amp.autocast`: mixed precision regions.

nnstudio runs every op in its inputs' own dtype. An autocast region therefore never lowers precision: it keeps
torch's bookkeeping (`torch.is_autocast_enabled()`, `torch.get_autocast_dtype()`, nesting, use as a decorator)
and, when it is *enabled* on a device, warns once that results stay in full precision. With `enabled=False`
(the common `autocast(enabled=use_amp)` pattern on a CPU box) it behaves exactly as torch: nothing changes.
Asking for `device_type="cuda"` without a GPU disables the region with torch's warning.
"""

from __future__ import annotations

import functools
import warnings

from .._backend import cuda_is_available

_DEVICE_TYPES = ("cpu", "cuda")
_state: dict[str, dict] = {"cpu": {"enabled": False, "dtype": None}, "cuda": {"enabled": False, "dtype": None}}
_warned = [False]


def _default_dtype(device_type: str):
    from .. import _dtype

    return _dtype.bfloat16 if device_type == "cpu" else _dtype.float16


def _check_device_type(device_type: str) -> str:
    if device_type not in _DEVICE_TYPES:
        raise RuntimeError(f"autocast: device_type must be 'cpu' or 'cuda' in nnstudio, got {device_type!r}")
    return device_type


def is_autocast_available(device_type: str) -> bool:
    """True for the device types nnstudio knows ('cpu', 'cuda')."""
    return device_type in _DEVICE_TYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an enabled autocast region is active (on `device_type`, default 'cuda' as torch)."""
    return _state[_check_device_type(device_type or "cuda")]["enabled"]


def set_autocast_enabled(device_type, enabled=None) -> None:
    """`set_autocast_enabled(device_type, enabled)` (or torch's older `set_autocast_enabled(enabled)` for cuda)."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    _state[_check_device_type(device_type)]["enabled"] = bool(enabled)


def get_autocast_dtype(device_type: str):
    """The dtype autocast would lower to on `device_type` (bfloat16 on cpu, float16 on cuda unless set)."""
    return _state[_check_device_type(device_type)]["dtype"] or _default_dtype(device_type)


def set_autocast_dtype(device_type: str, dtype) -> None:
    _state[_check_device_type(device_type)]["dtype"] = dtype


def is_autocast_cpu_enabled() -> bool:
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled: bool) -> None:
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    return get_autocast_dtype("cpu")


def set_autocast_cpu_dtype(dtype) -> None:
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype) -> None:
    set_autocast_dtype("cuda", dtype)


class autocast:
    """`with torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None):` or as a decorator.

    Args:
        device_type: 'cpu' or 'cuda'.
        dtype: the lower precision torch would use (default bfloat16 on cpu, float16 on cuda); recorded only.
        enabled: False makes the region a plain block, exactly as torch.
        cache_enabled: accepted for torch compatibility (nnstudio keeps no cast cache).
    """

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled: bool | None = None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = _check_device_type(device_type)
        self.fast_dtype = dtype if dtype is not None else get_autocast_dtype(self.device)
        self._enabled = bool(enabled)
        if self._enabled and self.device == "cuda" and not cuda_is_available():
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. Disabling", stacklevel=2)
            self._enabled = False
        self._saved: list[tuple[bool, object]] = []

    def __enter__(self):
        state = _state[self.device]
        self._saved.append((state["enabled"], state["dtype"]))
        state["enabled"], state["dtype"] = self._enabled, self.fast_dtype
        if self._enabled and not _warned[0]:
            _warned[0] = True
            warnings.warn("nnstudio's autocast keeps every op in its inputs' dtype (no lower-precision kernels): "
                          "results stay in full precision", stacklevel=2)
        return self

    def __exit__(self, *exc) -> None:
        state = _state[self.device]
        state["enabled"], state["dtype"] = self._saved.pop()

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__(self.device, self.fast_dtype, self._enabled):
                return func(*args, **kwargs)

        return wrapper


def custom_fwd(fwd=None, *, device_type: str = "cuda", cast_inputs=None):
    """Decorator for a custom Function's forward (torch casts inputs under autocast; nnstudio has no casts)."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd=None, *, device_type: str = "cuda"):
    """Decorator for a custom Function's backward (a pass-through in nnstudio)."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
