"""`torch.autograd.detect_anomaly` / `set_detect_anomaly`: with anomaly detection on, a backward pass that
produces a NaN gradient raises a RuntimeError naming the function that produced it (as torch's check does), and
`is_anomaly_enabled()` says whether it is on. The engine reads `enabled()` once per backward pass."""

from __future__ import annotations

import threading

_state = threading.local()


def is_anomaly_enabled() -> bool:
    return getattr(_state, "enabled", False)


def is_anomaly_check_nan_enabled() -> bool:
    return getattr(_state, "check_nan", True) and is_anomaly_enabled()


class set_detect_anomaly:
    """Turn anomaly detection on or off (for the current thread); also a context manager that restores it."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (is_anomaly_enabled(), getattr(_state, "check_nan", True))
        _state.enabled, _state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        _state.enabled, _state.check_nan = self.prev


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside its block."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        self.prev = (is_anomaly_enabled(), getattr(_state, "check_nan", True))
        _state.enabled, _state.check_nan = True, self.check_nan

    def __exit__(self, *exc) -> None:
        _state.enabled, _state.check_nan = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapped


def raise_on_nan(fn, in_grads: tuple) -> None:
    """RuntimeError when one of the gradients `fn`'s backward returned holds a NaN (as torch words it)."""
    for i, g in enumerate(in_grads):
        data = getattr(g, "_data", g)
        if data is None or getattr(data, "dtype", None) is None or data.dtype.kind not in "fc":
            continue
        has_nan = bool((data != data).any())  # NaN is the one value unequal to itself (NumPy and CuPy alike)
        if has_nan:
            name = fn.name()
            raise RuntimeError(f"Function '{name}' returned nan values in its {i}th output.")
