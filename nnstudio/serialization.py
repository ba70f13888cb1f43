"""`nnstudio.save` / `nnstudio.load` for state dicts, as NumPy `.npz` files (never pickle)."""

from __future__ import annotations

import os
from collections import OrderedDict

import numpy as np

from ._backend import to_numpy
from .tensor import Tensor


def save(obj, f) -> None:
    """Save a dict of tensors / arrays (e.g. `model.state_dict()`) to an `.npz` file."""
    if not hasattr(obj, "items"):
        raise TypeError("nnstudio.save stores dicts of tensors (such as model.state_dict()) as .npz; "
                        f"got {type(obj).__name__}")
    arrays = {}
    for k, v in obj.items():
        if isinstance(v, Tensor):
            arrays[k] = to_numpy(v._data)
        elif isinstance(v, np.ndarray):
            arrays[k] = v
        else:
            raise TypeError(f"nnstudio.save: value for {k!r} is a {type(v).__name__}, not a tensor")
    tmp = f"{os.fspath(f)}.tmp.npz" if not hasattr(f, "write") else None
    if tmp is None:
        np.savez(f, **arrays)
        return
    np.savez(tmp, **arrays)
    os.replace(tmp, os.fspath(f))


def load(f, map_location=None, weights_only: bool = True) -> OrderedDict:
    """Load a dict of tensors saved by `save` (`allow_pickle=False`: a file can carry no code)."""
    try:
        with np.load(f, allow_pickle=False) as data:
            out = OrderedDict((k, Tensor._wrap(np.array(data[k]), None)) for k in data.files)
    except (ValueError, OSError) as exc:
        raise RuntimeError(f"nnstudio.load: {f!r} is not a weights file saved by nnstudio.save ({exc})") from None
    if map_location is not None:
        out = OrderedDict((k, v.to(map_location)) for k, v in out.items())
    return out
