"""Gradient hooks (`Tensor.register_hook`): functions called with a tensor's gradient during backward.

A leaf keeps its hooks on itself; a non-leaf on its graph node, whose incoming gradient is the tensor's. A hook
gets the gradient as a tensor and may return a tensor (same shape) to replace it; `.remove()` on the returned
handle unregisters it.
"""

from __future__ import annotations

import itertools

_ids = itertools.count()


class RemovableHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook (calling it twice is harmless)."""

    def __init__(self, hooks: dict, key: int) -> None:
        self._hooks, self.id = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def register_hook(tensor, hook) -> RemovableHandle:
    """Call `hook(grad)` each time a gradient for `tensor` is computed; a returned tensor replaces the gradient."""
    if not callable(hook):
        raise TypeError(f"register_hook expects a callable, got {type(hook).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    owner = tensor if tensor._ctx is None else tensor._ctx
    hooks = owner.__dict__.setdefault("_grad_hooks", {})
    key = next(_ids)
    hooks[key] = hook
    return RemovableHandle(hooks, key)


def register_post_accumulate_grad_hook(tensor, hook) -> RemovableHandle:
    """Call `hook(tensor)` after backward has accumulated a gradient into the leaf's `.grad` (torch's hook for
    stepping an optimizer inside backward); the hook's return value is ignored."""
    if not callable(hook):
        raise TypeError(f"register_post_accumulate_grad_hook expects a callable, got {type(hook).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if tensor._ctx is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    hooks = tensor.__dict__.setdefault("_post_accumulate_hooks", {})
    key = next(_ids)
    hooks[key] = hook
    return RemovableHandle(hooks, key)


def run_post_accumulate_hooks(tensor) -> None:
    """Every post-accumulate hook of the leaf `tensor`, in registration order."""
    for hook in list(tensor.__dict__.get("_post_accumulate_hooks", {}).values()):
        hook(tensor)


def run_hooks(owner, grad, wrap):
    """`grad` after every hook registered on `owner` (a leaf tensor or a graph node). `grad` is an array, or a
    Tensor with history under create_graph (the hook then sees that Tensor and may return one with history)."""
    hooks = owner.__dict__.get("_grad_hooks")
    if not hooks:
        return grad
    is_tensor = hasattr(grad, "_ctx")
    for hook in list(hooks.values()):
        result = hook(grad if is_tensor else wrap(grad, None))
        if result is not None:
            new = getattr(result, "_data", None)
            if new is None or new.shape != tuple(grad.shape):
                got = list(new.shape) if new is not None else type(result).__name__
                raise RuntimeError(f"hook {getattr(hook, '__name__', hook)!r} returned {got}, but a hook must "
                                   f"return None or a tensor shaped like the gradient {list(grad.shape)}")
            if is_tensor:
                grad = result if new.dtype == grad._data.dtype else result._cast(grad._data.dtype)
            else:
                grad = new.astype(grad.dtype, copy=False)
    return grad
