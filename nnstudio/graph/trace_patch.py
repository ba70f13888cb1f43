"""The patches that route calls with stand-ins to the tracer: ``nn.Module.__call__``, the public functions of
``nnstudio`` and ``nnstudio.nn.functional``, and the Tensor operators (``tensor + proxy`` gives the proxy its turn).

They are in place only while a trace runs, and only the tracing thread's calls that get a stand-in reach the
tracer: every other call (another thread training, a call on plain tensors) goes straight to the original.
"""

from __future__ import annotations

import contextlib
import threading
import types
from collections.abc import Iterator
from typing import Any

from .trace_proxy import BatchSize, Opaque, Proxy

_STATE = threading.local()
_MARKERS = (Proxy, BatchSize, Opaque)
_TENSOR_OPS = ("__add__", "__radd__", "__mul__", "__rmul__", "__sub__", "__rsub__", "__truediv__", "__rtruediv__",
               "__matmul__", "__rmatmul__", "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__")


def has_marker(args: tuple, kwargs: dict) -> bool:
    for v in (*args, *kwargs.values()):
        if isinstance(v, _MARKERS):
            return True
        if isinstance(v, list | tuple) and any(isinstance(u, _MARKERS) for u in v):
            return True
    return False


def _active() -> Any:
    return getattr(_STATE, "tracer", None)


@contextlib.contextmanager
def patched(tracer: Any) -> Iterator[None]:
    """Route the calls that get a stand-in to ``tracer`` while the block runs (in this thread only)."""
    import nnstudio
    from nnstudio import nn
    from nnstudio.nn import functional as F

    undo: list[tuple[Any, str, Any]] = []

    def put(owner: Any, name: str, value: Any) -> None:
        undo.append((owner, name, owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)))
        setattr(owner, name, value)

    call = nn.Module.__call__

    def module_call(module: Any, *args: Any, **kwargs: Any) -> Any:
        active = _active()
        if active is not None and has_marker(args, kwargs):
            return active.call_module(module, args, kwargs)
        return call(module, *args, **kwargs)

    put(nn.Module, "__call__", module_call)
    for label, space in (("torch", nnstudio), ("F", F)):
        for name, fn in list(vars(space).items()):
            if isinstance(fn, types.FunctionType) and not name.startswith("_"):
                put(space, name, _function_patch(label, name, fn))
    for name in _TENSOR_OPS:
        if name in nnstudio.Tensor.__dict__:
            put(nnstudio.Tensor, name, _operator_patch(nnstudio.Tensor.__dict__[name]))
    _STATE.tracer = tracer
    try:
        yield
    finally:
        _STATE.tracer = None
        for owner, name, value in reversed(undo):
            setattr(owner, name, value)


def _function_patch(label: str, name: str, fn: Any) -> Any:
    def patched(*args: Any, **kwargs: Any) -> Any:
        active = _active()
        if active is not None and has_marker(args, kwargs):
            return active.call_function(label, name, args, kwargs)
        return fn(*args, **kwargs)

    patched.__wrapped__ = fn  # type: ignore[attr-defined]
    return patched


def _operator_patch(fn: Any) -> Any:
    def patched(self: Any, other: Any) -> Any:
        if isinstance(other, _MARKERS):
            return NotImplemented
        return fn(self, other)

    return patched
