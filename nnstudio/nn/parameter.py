"""`Parameter`: a tensor that a `Module` registers as learnable when assigned as an attribute."""

from __future__ import annotations

import numpy as np

from .._backend import to_device
from .._dtype import to_numpy_dtype
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor with `requires_grad=True` by default, registered by `Module.__setattr__`."""

    def __init__(self, data=None, requires_grad: bool = True):
        if data is None:
            data = ()
        src = data._data if isinstance(data, Tensor) else data
        Tensor.__init__(self, src, dtype=None if not isinstance(data, Tensor) else data.dtype)
        if isinstance(data, Tensor):
            self._data = data._data
        self.requires_grad = requires_grad and self._data.dtype.kind == "f"

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__  # print(p) shows the header too, as torch's

    def __reduce_ex__(self, proto):  # pragma: no cover - pickling is not supported on purpose
        raise TypeError("nnstudio does not pickle parameters; save weights with state_dict() and numpy.savez")


class Buffer(Tensor):
    """Marker type for `register_buffer`-style assignment (`self.x = nn.Buffer(t)`)."""

    def __init__(self, data, persistent: bool = True):
        Tensor.__init__(self, data._data if isinstance(data, Tensor) else data,
                        dtype=data.dtype if isinstance(data, Tensor) else None)
        self.persistent = persistent


def empty_param(shape: tuple, device=None, dtype=None) -> Parameter:
    """A zero-filled `Parameter` of `shape` (float32 unless `dtype`) on `device`, for `reset_parameters`."""
    p = Parameter(None)
    arr = np.zeros(shape, dtype=to_numpy_dtype(dtype))
    p._data = to_device(arr, device) if device is not None else arr
    p.requires_grad = True
    return p
