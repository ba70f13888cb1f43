"""A small pool of large scratch buffers (im2col columns) reused from one training step to the next.

Why: a NumPy buffer above glibc's mmap threshold (32 MiB at most) comes back from the kernel as fresh pages
on every allocation, and the page faults and zeroing cost as much as the im2col copy itself. A primitive
takes a buffer with `take` and hands it back with `give` once nothing can read it any more (after its
backward released it, or when the primitive is dropped). Only buffers from `take` may be given back.
Thread-safe; bounded to a few buffers per shape and a few shapes (oldest shape dropped first).
"""

from __future__ import annotations

import threading

MIN_BYTES = 1 << 20  # smaller buffers are cheap to allocate: not pooled
PER_KEY = 2
MAX_KEYS = 8

_free: dict = {}
_lock = threading.Lock()


def _key(xp, shape: tuple, dtype) -> tuple:
    return (xp.__name__, tuple(shape), str(dtype))


def take(xp, shape: tuple, dtype):
    """An uninitialised array of `shape` and `dtype` on `xp` (numpy or cupy), reused when one is free."""
    key = _key(xp, shape, xp.dtype(dtype))
    with _lock:
        free = _free.get(key)
        if free:
            return free.pop()
    return xp.empty(shape, dtype=dtype)


def give(xp, array) -> None:
    """Return a buffer obtained from `take`; the caller must hold no other reference that will read it."""
    if array.nbytes < MIN_BYTES:
        return
    key = _key(xp, array.shape, array.dtype)
    with _lock:
        free = _free.pop(key, [])  # re-insert: the most recently used shape goes last
        if len(free) < PER_KEY:
            free.append(array)
        _free[key] = free
        while len(_free) > MAX_KEYS:
            del _free[next(iter(_free))]


def clear() -> None:
    """Drop every pooled buffer (frees the memory)."""
    with _lock:
        _free.clear()
