"""`nnstudio.save` / `nnstudio.load`: state dicts and training checkpoints as NumPy `.npz` files (never pickle).

Two layouts, both read with `allow_pickle=False`, so a file can carry no code:

- a flat dict of tensors (`model.state_dict()`): one array per key, named by the key (any NumPy tool reads it);
- anything else torch scripts save, such as the checkpoint
  `{"epoch": 5, "model_state_dict": ..., "optimizer_state_dict": ..., "loss": 0.42}`: nested dicts and
  OrderedDicts (str, int, float or bool keys), lists, tuples, sets, tensors and Parameters, NumPy arrays and
  scalars, numbers (complex too), strings, bytes, booleans, None, dtypes, devices and Sizes. Each tensor or array
  is stored as an array `__t<i>`, and the structure around them as JSON in the array `__structure__` (UTF-8
  bytes). A tensor's `requires_grad` and a Parameter's type are kept, as torch keeps them.

`load(weights_only=True)` (the default) gives back what torch's weights-only unpickler allows, and refuses what it
refuses (NumPy arrays and scalars, frozensets, whole modules), with the same error class; `weights_only=False`
gives those back too.

A path is written atomically (`_atomic_write`): a crash, a full disk or a file-size limit leaves the old file
and no temporary behind. `load` never unpickles: every file it cannot read (empty, truncated, random bytes, a
single `.npy` array, a PyTorch `.pt` pickle, arrays of Python objects, a structure nested too deeply) raises one
error class, `LoadError` (a `RuntimeError`), naming the file and what is wrong with it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import pickle  # only for its exception class: torch.load raises pickle.UnpicklingError on an unreadable file
import zipfile
from collections import OrderedDict

import numpy as np

from ._atomic_write import atomic_write
from ._backend import to_numpy
from .tensor import Size, Tensor

_STRUCTURE = "__structure__"
_FORMAT = "nnstudio.save/1"
_KEY_TYPES = {str: "s", int: "i", float: "f", bool: "b"}
#: the deepest nesting of dicts / lists / tuples that save writes and load reads (torch checkpoints use a few)
MAX_DEPTH = 100


class LoadError(RuntimeError, pickle.UnpicklingError):
    """A file `nnstudio.load` cannot read; `.path` names it and `.reason` says what is wrong. A RuntimeError, and
    the `pickle.UnpicklingError` torch's weights-only `load` raises, so either `except` catches it."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"nnstudio.load: cannot load {path}: {reason}")


class _Unreadable(ValueError):
    """Raised inside `load` with the final reason (no wrapping)."""


Unreadable = _Unreadable  # what an object codec raises for an entry it cannot read back

#: encoders of objects beyond tensors and plain data (nn.Module and friends: `nnstudio/nn/saved_modules.py`)
_OBJECT_CODECS: list = []


def register_object_codec(codec) -> None:
    """Add a codec: `handles(obj)`, `encode(obj, encode_child, path) -> dict` and
    `decode(node, decode_child, allowed) -> obj`, where `allowed(cls_or_function)` says whether `load` may
    import it (weights_only=False, or a class passed to `add_safe_globals`)."""
    _OBJECT_CODECS.append(codec)


def _is_flat_state(obj) -> bool:
    """A state dict (an OrderedDict of plain tensors that need no gradient): one named array per key."""
    return isinstance(obj, OrderedDict) and bool(obj) and all(
        isinstance(k, str) and not k.startswith("__") and type(v) is Tensor and not v.requires_grad
        and not getattr(v, "_unknown_shape", False)  # (a lazy module's placeholder goes through the codec)
        for k, v in obj.items())


def _number(value: float):
    """A float as JSON holds it (nan and the infinities as their repr)."""
    return {"float": repr(value)} if value != value or value in (float("inf"), float("-inf")) else {"value": value}


def _encode(obj, arrays: list, path: str, depth: int = 0, memo: dict | None = None):
    """The JSON node of `obj`; its tensors and arrays are appended to `arrays`. A tensor or object met again
    (`memo`: id -> (number, object)) becomes a reference to its first node, so sharing survives a round trip."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nnstudio.save: the object is nested more than {MAX_DEPTH} levels deep (at "
                         f"{path[:200]}{'...' if len(path) > 200 else ''}); flatten it")
    memo = {} if memo is None else memo
    if id(obj) in memo:
        return {"ref": memo[id(obj)][0]}
    codec = next((c for c in _OBJECT_CODECS if c.handles(obj)), None)
    if codec is not None or isinstance(obj, Tensor):
        number = len(memo)
        memo[id(obj)] = (number, obj)  # the object stays referenced, so its id is not reused during the save
        if codec is not None:
            inner = codec.encode(obj, lambda child, at: _encode(child, arrays, at, depth + 1, memo), path)
            return {"object": inner, "id": number}
        arrays.append(to_numpy(obj._data))
        return {"tensor": len(arrays) - 1, "requires_grad": bool(obj.requires_grad), "id": number}
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise TypeError(f"nnstudio.save: {path} is a NumPy array of Python objects, which needs pickle")
        arrays.append(obj)
        return {"array": len(arrays) - 1}
    if obj is None or isinstance(obj, (bool, str)):
        return {"value": obj}
    if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":  # a NumPy scalar keeps its type
        return {"numpy_scalar": obj.dtype.str, "of": _encode(obj.item(), arrays, path, depth + 1, memo)}
    if isinstance(obj, int):
        return {"value": int(obj)}
    if isinstance(obj, float):
        return _number(float(obj))
    if isinstance(obj, complex):
        return {"complex": [_number(obj.real), _number(obj.imag)]}
    if isinstance(obj, bytes):
        return {"bytes": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, Size):
        return {"size": [int(n) for n in obj]}
    if isinstance(obj, (set, frozenset)):
        items = sorted(obj, key=repr)  # a set's order is not its own; this one is stable
        return {type(obj).__name__: [_encode(v, arrays, f"{path}{{...}}", depth + 1, memo) for v in items]}
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            kind = _KEY_TYPES.get(type(k))
            if kind is None:
                raise TypeError(f"nnstudio.save: {path} has a key of type {type(k).__name__} ({k!r}); keys must be "
                                f"str, int, float or bool")
            items.append([kind, k if kind != "f" else repr(k), _encode(v, arrays, f"{path}[{k!r}]", depth + 1, memo)])
        return {"dict": items, "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, arrays, f"{path}[{i}]", depth + 1, memo) for i, v in enumerate(obj)]}
    hint = " (save its state_dict() instead)" if hasattr(obj, "state_dict") else ""
    raise TypeError(f"nnstudio.save: {path} is a {type(obj).__name__}, which a .npz file cannot hold{hint}; "
                    f"it stores tensors, arrays, numbers, strings, None and dicts / lists / tuples of them")


class _Reader:
    """What one `load` shares across its entries: the archive, where tensors go, the objects read so far (for
    references) and which classes it may import."""

    def __init__(self, data, map_location, weights_only: bool) -> None:
        self.data, self.map_location, self.weights_only = data, map_location, weights_only
        self.memo: dict = {}

    def allowed(self, target) -> bool:
        return not self.weights_only or any(target is g or (isinstance(g, tuple) and target is g[0])
                                            for g in get_safe_globals())

    def check_allowed(self, what: str, torch_name: str) -> None:
        """torch's weights-only rule for the types its unpickler does not allow by default."""
        if self.weights_only:
            raise _Unreadable(f"it holds {what} ({torch_name}), which load(weights_only=True), the default, refuses "
                              "as torch does: load it with weights_only=False if you trust where the file came "
                              "from")


def _decode(node, reader: _Reader, depth: int = 0):
    if not isinstance(node, dict):
        raise _Unreadable(f"the structure holds a {type(node).__name__} where an entry was expected")
    if depth > MAX_DEPTH:
        raise _Unreadable(f"the structure is nested more than {MAX_DEPTH} levels deep")
    if "ref" in node:
        if not isinstance(node["ref"], int) or node["ref"] not in reader.memo:
            raise _Unreadable(f"the structure refers to entry {str(node['ref'])[:20]}, which comes later or not at all")
        return reader.memo[node["ref"]]
    if "object" in node:
        if not _OBJECT_CODECS:
            import importlib

            importlib.import_module("nnstudio.nn")  # registers the module codec (nn/saved_modules.py)
        value = _OBJECT_CODECS[0].decode(node["object"], lambda child: _decode(child, reader, depth + 1),
                                         reader.allowed)
        reader.memo[node.get("id")] = value
        return value
    if "tensor" in node:
        t = Tensor._wrap(_array(reader.data, node["tensor"]), None)
        if reader.map_location is not None:
            t = t.to(reader.map_location)
        t.requires_grad = bool(node.get("requires_grad", False))
        if "id" in node:
            reader.memo[node["id"]] = t
        return t
    if "array" in node:
        reader.check_allowed("a NumPy array", "numpy.ndarray")
        return _array(reader.data, node["array"])
    if "numpy_scalar" in node:
        reader.check_allowed("a NumPy scalar", "numpy.core.multiarray.scalar")
        return np.dtype(node["numpy_scalar"]).type(_decode(node["of"], reader, depth + 1))
    if "complex" in node:
        real, imag = (_decode(v, reader, depth + 1) for v in node["complex"])
        return complex(real, imag)
    if "bytes" in node:
        return base64.b64decode(node["bytes"].encode("ascii"))
    if "size" in node:
        return Size(int(n) for n in node["size"])
    if "set" in node:
        return {_decode(v, reader, depth + 1) for v in node["set"]}
    if "frozenset" in node:
        reader.check_allowed("a frozenset", "builtins.frozenset")
        return frozenset(_decode(v, reader, depth + 1) for v in node["frozenset"])
    if "value" in node:
        value = node["value"]
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise _Unreadable(f"the structure holds a {type(value).__name__} as a value")
        return value
    if "float" in node:
        return float(node["float"])
    if "dict" in node:
        keys = {"s": str, "i": int, "b": bool, "f": float}
        pairs = [(keys[kind](k), _decode(v, reader, depth + 1)) for kind, k, v in node["dict"]]
        return OrderedDict(pairs) if node.get("ordered") else dict(pairs)
    if "list" in node:
        return [_decode(v, reader, depth + 1) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, reader, depth + 1) for v in node["tuple"])
    raise _Unreadable(f"the structure has an unknown entry {sorted(node)[:5]}")


def _array(data, index) -> np.ndarray:
    """The array `__t<index>` (or the key `index` of a flat state dict), of a dtype a tensor can hold."""
    name = index if isinstance(index, str) else f"__t{int(index)}"
    if name not in data.files:
        raise _Unreadable(f"the structure names the array {name!r}, which the file does not hold")
    array = np.array(data[name])
    if array.dtype.kind not in "biufc" or array.dtype.itemsize > (16 if array.dtype.kind == "c" else 8):
        raise _Unreadable(f"its entry {name[:80]!r} has the dtype {array.dtype}, which no tensor holds")
    return array


def save(obj, f, pickle_module=None, pickle_protocol: int = 2, _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Save `obj` (a state dict, a checkpoint dict of state dicts, numbers and strings, or a whole nn.Module) to
    an `.npz` file (a module is stored as its class's name and its attributes: `nnstudio/nn/saved_modules.py`).

    `f` is a path or a writable binary file. A path is written atomically (a temporary file with a unique name in
    the same folder, then a rename), so an interrupted save never leaves half a file in place of a good one, nor
    a temporary file beside it; the file gets the permissions `open()` would give it. A read-only file is not
    replaced (PermissionError), as `torch.save` cannot replace it either. torch's pickle and zip-format options
    are accepted so that programs run unchanged, and change nothing: there is one format and it holds no pickle.
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
    atomic_write(os.fspath(f), lambda fh: np.savez(fh, **arrays))


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = True, mmap: bool | None = None,
         **pickle_load_args):
    """Load what `save` wrote (`allow_pickle=False`: a file can carry no code): an OrderedDict of tensors for a
    state dict, else the saved structure. `map_location` ('cpu', 'cuda', a device) moves every tensor. A whole
    module in the file is re-created (its class imported by name, its attributes restored, no constructor run)
    only with `weights_only=False` or for a class given to `add_safe_globals`, as torch allows it
    (`weights_only=None` means True, as in torch 2.6 and later). `pickle_module`, `mmap` and pickle's load options
    are accepted and ignored: the file is read whole and nothing in it is unpickled.

    Raises:
        FileNotFoundError / IsADirectoryError / PermissionError: as `open` raises them.
        LoadError: (a RuntimeError) for any file that is not one `save` wrote, naming the file and the reason.
    """
    weights_only = True if weights_only is None else weights_only
    name = _file_name(f)
    if not hasattr(f, "read"):
        with open(os.fspath(f), "rb") as fh:  # the OS's own errors for a missing file, a folder, no access
            head = fh.read(512)
    else:
        start = f.tell() if hasattr(f, "tell") else 0
        head = f.read(512)
        f.seek(start)
    reason = _not_an_archive(head)
    if reason:
        raise LoadError(name, reason)
    try:
        with np.load(f, allow_pickle=False) as data:
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise _Unreadable("it is not an .npz archive")
            _check_members(data)
            if _STRUCTURE not in data.files:
                out = OrderedDict((k, Tensor._wrap(_array(data, k), None)) for k in data.files)
                if map_location is not None:
                    out = OrderedDict((k, v.to(map_location)) for k, v in out.items())
                return out
            structure = json.loads(bytes(data[_STRUCTURE]).decode("utf-8"))
            if not isinstance(structure, dict) or structure.get("format") != _FORMAT:
                found = structure.get("format") if isinstance(structure, dict) else type(structure).__name__
                raise _Unreadable(f"its structure has the unknown format {str(found)[:80]!r}")
            return _decode(structure.get("root"), _Reader(data, map_location, weights_only))
    except LoadError:
        raise
    except RecursionError:
        raise LoadError(name, f"its structure is nested too deeply (more than {MAX_DEPTH} levels)") from None
    except zipfile.BadZipFile as exc:
        raise LoadError(name, f"the archive is damaged or truncated ({exc})") from None
    except EOFError:
        raise LoadError(name, "the file ends too early (truncated)") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, UnicodeDecodeError,
            json.JSONDecodeError, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise LoadError(name, _reason(exc)) from None


def _file_name(f) -> str:
    if hasattr(f, "read"):
        given = getattr(f, "name", None)
        return repr(given) if isinstance(given, (str, bytes, os.PathLike)) else f"the {type(f).__name__} object"
    return repr(os.fspath(f))


def _not_an_archive(head: bytes) -> str:
    """Why a file starting with `head` is not an .npz archive ("" when it may be one)."""
    if not head:
        return "the file is empty (0 bytes)"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return ""
    if head.startswith(b"\x93NUMPY"):
        return ("it is a single NumPy array (.npy), not a weights file: read it with numpy.load(path) and wrap it "
                "with nnstudio.from_numpy")
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return ("it is a Python pickle (such as an old torch.save file); nnstudio never loads pickles, because "
                "loading one can run any code. In PyTorch, save the weights as arrays instead: "
                "numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})")
    return (f"it is not a weights file or checkpoint saved by nnstudio.save (those are .npz zip archives; this "
            f"file starts with {head[:8]!r})")


def _check_members(data) -> None:
    """Raise for a zip that is a PyTorch .pt file (a pickle inside), or holds members that are not .npy arrays."""
    members = data.zip.namelist()
    if any(f.endswith(".pkl") for f in members):
        raise _Unreadable("it is a PyTorch file written by torch.save (a zip archive with a pickle inside); "
                         "nnstudio never loads pickles, because loading one can run any code. In PyTorch, save the "
                         "weights as arrays instead: numpy.savez(path, **{k: v.numpy() for k, v in "
                         "model.state_dict().items()})")
    odd = [f for f in members if not f.endswith(".npy")]
    if odd:
        raise _Unreadable(f"it is a zip archive whose member {odd[0][:80]!r} is not a NumPy array (.npy)"
                          + (f", nor are {len(odd) - 1} more" if len(odd) > 1 else ""))


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, _Unreadable):
        return text
    if "allow_pickle" in text or "pickled" in text or "Object arrays" in text:
        return ("it is not a weights file nnstudio can read: it holds an array of Python objects (a pickle); "
                "nnstudio never loads pickles, because loading one can run any code")
    text = text if len(text) <= 200 else text[:200] + "..."
    return f"it is not a weights file or checkpoint saved by nnstudio.save ({type(exc).__name__}: {text})"


# ----------------------------------------------------------------- torch.serialization's allow-list
# `add_safe_globals`, `safe_globals`, `get_safe_globals`, `clear_safe_globals`: classes (or (obj, "module.name")
# pairs) that `load(..., weights_only=True)` may import to re-create a whole module saved in a file (see
# nn/saved_modules.py). Nothing is ever unpickled, with or without the list.

_allowed: list = []


def add_safe_globals(safe_globals: list) -> None:
    """Add classes/functions (or (obj, "module.name") pairs) to the allow-list."""
    if not isinstance(safe_globals, (list, tuple)):
        raise TypeError(f"add_safe_globals expects a list, got {type(safe_globals).__name__}")
    _allowed.extend(safe_globals)


def get_safe_globals() -> list:
    """The allow-list, in the order entries were added."""
    return list(_allowed)


def clear_safe_globals() -> None:
    _allowed.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list):
    """`with torch.serialization.safe_globals([MyClass]): torch.load(...)` (the entries are allowed in the
    block only)."""
    before = list(_allowed)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _allowed[:] = before
