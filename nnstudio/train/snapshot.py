"""`StepSnapshot`: the model's weights, buffers and optimizer state before a step, to undo a step exactly.

The NaN guard takes one before every step and restores it when the step made anything non-finite, so a run
continues from exactly the last good step: the same weights, the same BatchNorm statistics and the same optimizer
moments and step counts. The arrays are copied into buffers kept between steps (no allocation per step once the
optimizer state exists).
"""

from __future__ import annotations

import copy

_MISSING = object()


def _array_of(value):
    """The array to copy for a state entry: a Tensor's (0-d `step` included) or an array; None otherwise."""
    data = getattr(value, "_data", None)
    if data is not None and hasattr(data, "shape"):
        return data
    if hasattr(value, "shape") and hasattr(value, "dtype") and getattr(value, "ndim", 0) > 0:
        return value
    return None


class StepSnapshot:
    """Copies of `arrays` (name -> array, restored in place) and of an optimizer's `state` dict."""

    def __init__(self) -> None:
        self._arrays: dict[str, object] = {}
        self._state: dict = {}
        self._state_buffers: dict[tuple[int, str], object] = {}

    def take(self, arrays: dict, optimizer) -> None:
        """Remember `arrays` (name -> array) and `optimizer.state` as they are now."""
        for name, a in arrays.items():
            buf = self._arrays.get(name)
            if buf is None or buf.shape != a.shape or buf.dtype != a.dtype:
                self._arrays[name] = a.copy()
            else:
                buf[...] = a
        saved: dict = {}
        for param, entries in getattr(optimizer, "state", {}).items():
            kept = {}
            for key, value in entries.items():
                array = _array_of(value)
                if array is not None:
                    slot = (id(param), key)
                    buf = self._state_buffers.get(slot)
                    if buf is None or buf.shape != array.shape or buf.dtype != array.dtype:
                        buf = self._state_buffers[slot] = array.copy()
                    else:
                        buf[...] = array
                    kept[key] = (value, array, buf)
                else:
                    kept[key] = (_MISSING, None, copy.deepcopy(value))
            saved[param] = kept
        self._state = saved

    def restore(self, arrays: dict, optimizer) -> None:
        """Write the remembered values back into `arrays` and `optimizer.state` (arrays in place)."""
        for name, a in arrays.items():
            buf = self._arrays.get(name)
            if buf is not None and buf.shape == a.shape:
                a[...] = buf
        state = getattr(optimizer, "state", None)
        if state is None:
            return
        for param in [p for p in state if p not in self._state]:
            del state[param]  # state created by the undone step (its first step)
        for param, kept in self._state.items():
            entries = state.setdefault(param, {})
            for key in [k for k in entries if k not in kept]:
                del entries[key]
            for key, (entry, array, value) in kept.items():
                if entry is _MISSING:
                    entries[key] = copy.deepcopy(value)
                else:
                    if entries.get(key) is not entry:
                        entries[key] = entry
                    array[...] = value
