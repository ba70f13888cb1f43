"""torch's rules for combining operands: type promotion, broadcasting checks, and which dtype may receive
which (the one rule behind every in-place op and `out=`).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from . import Tensor

# torch's scalar-type names, as its error messages spell them
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def scalar_name(dtype) -> str:
    """torch's name of a dtype in messages: Float, Long, Bool, ... (`dtype` an array dtype or a Tensor)."""
    if hasattr(dtype, "_data"):
        dtype = dtype._data.dtype
    name = np.dtype(dtype).name
    return _SCALAR_NAMES.get(name, name)


def can_cast(src, dst) -> bool:
    """torch's `canCast`: a float result can't go into an integer or bool tensor, an integer one not into bool."""
    sk, dk = np.dtype(src).kind, np.dtype(dst).kind
    if sk == "f":
        return dk in "fc"
    if sk == "c":
        return dk == "c"
    if sk in "iu":
        return dk != "b"
    return True


def check_cast(src, dst) -> None:
    """Raise torch's RuntimeError when a `src` result can't be written into a `dst` tensor."""
    if src != dst and not can_cast(src, dst):
        raise RuntimeError(f"result type {scalar_name(src)} can't be cast to the desired output type "
                           f"{scalar_name(dst)}")


def promote(a: Tensor, b: Tensor):
    """torch's promotion between two tensors: a float beats an int; wider floats win; a complex beats a float
    (float64 with complex64 is complex128, an integer with complex64 stays complex64)."""
    da, db = a._data.dtype, b._data.dtype
    if da.kind == "f" and db.kind not in "fc":
        target = da
    elif db.kind == "f" and da.kind not in "fc":
        target = db
    elif da.kind == "c" and db.kind != "c":
        target = da if db.kind != "f" else np.promote_types(da, db)
    elif db.kind == "c" and da.kind != "c":
        target = db if da.kind != "f" else np.promote_types(da, db)
    else:
        target = np.promote_types(da, db)
    return a._cast(target), b._cast(target)


def check_broadcast(fn, a: Tensor, b: Tensor) -> None:
    sa, sb = a._data.shape, b._data.shape
    if sa == sb or not sa or not sb:
        return
    for x, y in zip(reversed(sa), reversed(sb)):
        if x != y and x != 1 and y != 1:
            op = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**"}.get(fn.__name__, fn.__name__)
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}): cannot "
                               f"broadcast shapes {list(sa)} and {list(sb)} for '{op}'")


def broadcast_or_raise(op: str, names: tuple, shapes: tuple) -> None:
    """Raise a RuntimeError naming `op` and every operand's shape when the shapes do not broadcast."""
    ndim = builtins.max(len(s) for s in shapes)
    for i in range(1, ndim + 1):
        sizes = {s[-i] for s in shapes if len(s) >= i and s[-i] != 1}
        if len(sizes) > 1:
            listed = ", ".join(f"{n} {list(s)}" for n, s in zip(names, shapes))
            raise RuntimeError(f"{op}: shapes do not broadcast ({listed}): sizes {sorted(sizes)} at dimension "
                               f"{ndim - i} from the left of the broadcast shape")


_promote = promote  # the name the rest of nnstudio imports
