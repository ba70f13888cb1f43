"""`nnstudio.save` / `nnstudio.load`: state dicts and training checkpoints as NumPy `.npz` files (never pickle).

Two layouts, both read with `allow_pickle=False`, so a file can carry no code:

- a flat dict of tensors (`model.state_dict()`): one array per key, named by the key (any NumPy tool reads it);
- anything else torch scripts save, such as the checkpoint
  `{"epoch": 5, "model_state_dict": ..., "optimizer_state_dict": ..., "loss": 0.42}`: nested dicts (str, int,
  float or bool keys), lists, tuples, tensors, arrays, numbers, strings, booleans and None. Each tensor or array
  is stored as an array `__t<i>`, and the structure around them as JSON in the array `__structure__` (UTF-8
  bytes). A tensor's `requires_grad` is kept, as torch keeps it.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict

import numpy as np

from ._backend import to_numpy
from .tensor import Tensor

_STRUCTURE = "__structure__"
_FORMAT = "nnstudio.save/1"
_KEY_TYPES = {str: "s", int: "i", float: "f", bool: "b"}


def _is_flat_state(obj) -> bool:
    return isinstance(obj, dict) and bool(obj) and all(
        isinstance(k, str) and not k.startswith("__")
        and (isinstance(v, Tensor) or (isinstance(v, np.ndarray) and not v.dtype.hasobject)) for k, v in obj.items())


def _encode(obj, arrays: list, path: str):
    """The JSON node of `obj`; its tensors and arrays are appended to `arrays`."""
    if isinstance(obj, Tensor):
        arrays.append(to_numpy(obj._data))
        return {"tensor": len(arrays) - 1, "requires_grad": bool(obj.requires_grad)}
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise TypeError(f"nnstudio.save: {path} is a NumPy array of Python objects, which needs pickle")
        arrays.append(obj)
        return {"array": len(arrays) - 1}
    if obj is None or isinstance(obj, (bool, str)):
        return {"value": obj}
    if isinstance(obj, np.bool_):
        return {"value": bool(obj)}
    if isinstance(obj, (int, np.integer)):
        return {"value": int(obj)}
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return {"float": repr(value)} if value != value or value in (float("inf"), float("-inf")) else {"value": value}
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            kind = _KEY_TYPES.get(type(k))
            if kind is None:
                raise TypeError(f"nnstudio.save: {path} has a key of type {type(k).__name__} ({k!r}); keys must be "
                                f"str, int, float or bool")
            items.append([kind, k if kind != "f" else repr(k), _encode(v, arrays, f"{path}[{k!r}]")])
        return {"dict": items, "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, arrays, f"{path}[{i}]") for i, v in enumerate(obj)]}
    hint = " (save its state_dict() instead: a whole module needs pickle)" if hasattr(obj, "state_dict") else ""
    raise TypeError(f"nnstudio.save: {path} is a {type(obj).__name__}, which a .npz file cannot hold{hint}; "
                    f"it stores tensors, arrays, numbers, strings, None and dicts / lists / tuples of them")


def _decode(node, data, map_location):
    if "tensor" in node:
        t = Tensor._wrap(np.array(data[f"__t{node['tensor']}"]), None)
        if map_location is not None:
            t = t.to(map_location)
        t.requires_grad = bool(node.get("requires_grad", False))
        return t
    if "array" in node:
        return np.array(data[f"__t{node['array']}"])
    if "value" in node:
        return node["value"]
    if "float" in node:
        return float(node["float"])
    if "dict" in node:
        keys = {"s": str, "i": int, "b": bool, "f": float}
        pairs = [(keys[kind](k), _decode(v, data, map_location)) for kind, k, v in node["dict"]]
        return OrderedDict(pairs) if node.get("ordered") else dict(pairs)
    if "list" in node:
        return [_decode(v, data, map_location) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, data, map_location) for v in node["tuple"])
    raise ValueError(f"unknown entry {sorted(node)}")


def save(obj, f) -> None:
    """Save `obj` (a state dict, or a checkpoint dict of state dicts, numbers and strings) to an `.npz` file.

    `f` is a path or a writable binary file. A path is written atomically (a temporary file, then a rename), so
    an interrupted save never leaves half a file in place of a good one.
    """
    if _is_flat_state(obj):
        arrays = {k: (to_numpy(v._data) if isinstance(v, Tensor) else v) for k, v in obj.items()}
    else:
        tensors: list = []
        structure = {"format": _FORMAT, "root": _encode(obj, tensors, "the object")}
        arrays = {f"__t{i}": a for i, a in enumerate(tensors)}
        arrays[_STRUCTURE] = np.frombuffer(json.dumps(structure).encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        np.savez(f, **arrays)
        return
    tmp = f"{os.fspath(f)}.tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, os.fspath(f))


def load(f, map_location=None, weights_only: bool = True):
    """Load what `save` wrote (`allow_pickle=False`: a file can carry no code): an OrderedDict of tensors for a
    state dict, else the saved structure. `map_location` ('cpu', 'cuda', a device) moves every tensor."""
    try:
        with np.load(f, allow_pickle=False) as data:
            if _STRUCTURE not in data.files:
                out = OrderedDict((k, Tensor._wrap(np.array(data[k]), None)) for k in data.files)
                if map_location is not None:
                    out = OrderedDict((k, v.to(map_location)) for k, v in out.items())
                return out
            structure = json.loads(bytes(data[_STRUCTURE]).decode("utf-8"))
            if structure.get("format") != _FORMAT:
                raise ValueError(f"unknown format {structure.get('format')!r}")
            return _decode(structure["root"], data, map_location)
    except (ValueError, OSError, KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RuntimeError(f"nnstudio.load: {f!r} is not a weights file or checkpoint saved by nnstudio.save "
                           f"({exc})") from None
