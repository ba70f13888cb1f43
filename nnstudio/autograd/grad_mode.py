"""Global switch for graph recording: `no_grad()`, `enable_grad()`, `set_grad_enabled()`."""

from __future__ import annotations

import functools
import threading


class _GradState(threading.local):
    enabled = True  # the default in every thread


_state = _GradState()


def is_grad_enabled() -> bool:
    """True when operations record a graph for backward (per thread, like torch)."""
    return _state.enabled


def _set(enabled: bool) -> None:
    _state.enabled = enabled


class _GradMode:
    _target = True

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set(self._target)
        return self

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator: build no graph inside (inference, optimizer updates)."""

    _target = False


class enable_grad(_GradMode):
    """Context manager and decorator: record a graph even inside `no_grad()`."""

    _target = True


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` works like `no_grad()`; also usable as a plain call."""

    def __init__(self, mode: bool):
        self._target = bool(mode)
        self._prev = is_grad_enabled()
        _set(self._target)

    def __enter__(self):
        return self


class inference_mode(no_grad):
    """Alias of `no_grad()` (nnstudio has no separate inference tensors)."""

    def __init__(self, mode: bool = True):
        self._target = not mode
