"""`Tensor.index_put` / `index_put_` and `torch.index_put`: write or accumulate values at the positions a tuple
of index tensors picks (`x[indices] = values`, or `+=` with repeats adding up). Importing this module attaches
the methods to `Tensor`."""

from __future__ import annotations

import numpy as np

from ._grad_fn_names import as_torch_node
from .autograd import apply
from .ops import index_put as IP
from .tensor import Tensor, _convert_index

# torch's scalar-type names, as its error messages spell them
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _scalar_name(t: Tensor) -> str:
    name = str(t.dtype).split(".")[-1]
    return _SCALAR_NAMES.get(name, name)


def _checked_index(self: Tensor, indices, values, name: str) -> tuple:
    if not isinstance(indices, (tuple, list)) or not all(isinstance(i, Tensor) for i in indices):
        what = type(indices).__name__ if not isinstance(indices, (tuple, list)) else \
            "a sequence holding " + ", ".join(sorted({type(i).__name__ for i in indices}))
        raise TypeError(f"{name}(): argument 'indices' (position 1) must be tuple of Tensors, not {what}")
    if not isinstance(values, Tensor):
        raise TypeError(f"{name}(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if values.dtype != self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_scalar_name(self)} for the destination and {_scalar_name(values)} for the source.")
    index, _ = _convert_index(tuple(indices))
    if len(index) > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()} (got {len(index)})")
    for k, idx in enumerate(index):
        size = self.shape[k]
        bad = (idx >= size) | (idx < -size)
        if bad.any():
            raise IndexError(f"index {int(idx[bad].reshape(-1)[0])} is out of bounds for dimension {k} "
                             f"with size {size}")
    target = np.broadcast_shapes(*(i.shape for i in index)) + tuple(self.shape[len(index):])
    try:
        fits = np.broadcast_shapes(tuple(values.shape), target) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}")
    return index


def index_put(self: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of self with `values` written at self[indices] (`accumulate=True`: added, repeats adding up).

    indices: a tuple (or list) of integer or bool tensors, one per leading dimension of self, broadcast
    together; values: a tensor of self's dtype that broadcasts to the indexed shape (the indices' broadcast
    shape followed by self's remaining dimensions). Differentiable in self and values.
    """
    return _index_put(self, indices, values, accumulate, "index_put")


def _index_put(self: Tensor, indices, values: Tensor, accumulate: bool, name: str) -> Tensor:
    index = _checked_index(self, indices, values, name)
    out = apply(IP.IndexPut, self, values, index=index, accumulate=bool(accumulate))
    return as_torch_node(out, "IndexPutBackward0", self)


def index_put_(self: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    """In-place `index_put`: self[indices] = values (or += with `accumulate`); returns self."""
    return self._inplace(lambda s: _index_put(s, indices, values, accumulate, "index_put_"))

Tensor.index_put = index_put
Tensor.index_put_ = index_put_

__all__ = ["index_put"]
