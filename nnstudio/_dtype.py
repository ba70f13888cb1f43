"""Tensor dtypes with torch's names (`nnstudio.float32`, `nnstudio.int64`, ...), each wrapping a NumPy dtype."""

from __future__ import annotations

import numpy as np


class dtype:
    """A tensor element type. Compares equal to itself and to the matching NumPy dtype."""

    __slots__ = ("name", "np", "kind", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.kind = self.np.kind  # NumPy's kind letter, so `x.dtype.kind` reads the same on arrays and Tensors
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = self.np.kind == "c"
        self.is_signed = self.np.kind in "ifc"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"nnstudio.{self.name}"

    def __eq__(self, other) -> bool:
        if isinstance(other, dtype):
            return self.np == other.np
        try:
            return self.np == np.dtype(other)
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.np)


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool_ = dtype("bool", np.bool_)
complex64 = cfloat = dtype("complex64", np.complex64)  # pairs of float32 (nnstudio/_tensor/complex.py)
complex128 = cdouble = dtype("complex128", np.complex128)

_BY_NUMPY = {d.np: d for d in (float16, float32, float64, int8, uint8, int16, int32, int64, bool_, complex64,
                               complex128)}


class _StorageLessDtype(dtype):
    """A torch dtype nnstudio names but cannot store (NumPy/CuPy lack it, or nnstudio does not support it):
    comparing, printing and `is_floating_point` work; creating a tensor with it raises a TypeError that says so
    (see docs of `to_numpy_dtype`)."""

    __slots__ = ("why",)

    def __init__(self, name: str, itemsize: float, kind: str, why: str):
        self.name, self.np, self.why, self.kind = name, None, why, kind
        self.is_floating_point, self.is_complex = kind == "f", kind == "c"
        self.is_signed = kind in "fci"
        self.itemsize = itemsize

    def __eq__(self, other) -> bool:
        return other is self

    def __hash__(self) -> int:
        return hash(self.name)


_NO_NUMPY = "NumPy has no such type"
_UNSUPPORTED = "nnstudio does not support this dtype yet"
bfloat16 = _StorageLessDtype("bfloat16", 2, "f", _NO_NUMPY + " (use float32, or float16 for half precision)")
complex32 = chalf = _StorageLessDtype("complex32", 4, "c", _NO_NUMPY)
uint16 = _StorageLessDtype("uint16", 2, "u", _UNSUPPORTED)
uint32 = _StorageLessDtype("uint32", 4, "u", _UNSUPPORTED)
uint64 = _StorageLessDtype("uint64", 8, "u", _UNSUPPORTED)
_STORAGE_LESS = {d.name: d for d in (bfloat16, complex32, uint16, uint32, uint64)}
for _name in ("float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu"):
    _STORAGE_LESS[_name] = _StorageLessDtype(_name, 1, "f", _NO_NUMPY + " (float8 is a GPU storage format)")
_STORAGE_LESS["float4_e2m1fn_x2"] = _StorageLessDtype("float4_e2m1fn_x2", 1, "f", _NO_NUMPY)
for _bits in range(1, 8):
    _STORAGE_LESS[f"int{_bits}"] = _StorageLessDtype(f"int{_bits}", 1, "i", _NO_NUMPY + " (sub-byte integers)")
    _STORAGE_LESS[f"uint{_bits}"] = _StorageLessDtype(f"uint{_bits}", 1, "u", _NO_NUMPY + " (sub-byte integers)")
for _name in ("bits1x8", "bits2x4", "bits4x2", "bits8", "bits16"):
    _STORAGE_LESS[_name] = _StorageLessDtype(_name, 2 if _name == "bits16" else 1, "u", _NO_NUMPY)
_STORAGE_LESS["bit"] = _StorageLessDtype("bit", 1, "u", _NO_NUMPY)
STORAGE_LESS_DTYPES = dict(_STORAGE_LESS)  # name -> dtype; nnstudio/__init__ exports them as torch does

_default_float = float32


def from_numpy_dtype(np_dtype) -> dtype:
    """The nnstudio dtype for a NumPy dtype (a clear error for one we do not support)."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"unsupported dtype {np_dtype!r}: nnstudio supports float16/32/64, int8/16/32/64, "
                        "uint8, bool and complex64/128") from None


def to_numpy_dtype(dt) -> np.dtype:
    """Accept an nnstudio dtype, a NumPy dtype or a torch dtype name and give the NumPy dtype."""
    if isinstance(dt, _StorageLessDtype):
        raise TypeError(f"nnstudio cannot store {dt.name} tensors: {dt.why}")
    if isinstance(dt, dtype):
        return dt.np
    if dt is None:
        return _default_float.np
    if dt is bool:
        return np.dtype(np.bool_)
    if dt is builtins_float:
        return _default_float.np
    if dt is builtins_int:
        return np.dtype(np.int64)
    if dt is builtins_complex:
        return default_complex().np
    name = dt if isinstance(dt, str) else (getattr(dt, "name", None) or str(dt))  # str(torch.float32)
    try:
        return from_numpy_dtype(np.dtype(dt)).np
    except TypeError:
        pass
    if isinstance(name, str):
        name = name.replace("torch.", "").replace("nnstudio.", "")
        for d in _BY_NUMPY.values():
            if d.name == name:
                return d.np
        if name in _STORAGE_LESS:
            raise TypeError(f"nnstudio cannot store {name} tensors: {_STORAGE_LESS[name].why}")
    raise TypeError(f"unknown dtype {dt!r}: use nnstudio.float32, nnstudio.float64, nnstudio.int64, ...")


def default_complex() -> dtype:
    """torch's complex dtype for Python complex numbers: complex128 when the default float is float64, else
    complex64."""
    return complex128 if _default_float is float64 else complex64


def get_default_dtype() -> dtype:
    """The dtype of new floating-point tensors (float32 unless changed)."""
    return _default_float


def set_default_dtype(dt) -> None:
    """Set the dtype of new floating-point tensors (float32 or float64)."""
    global _default_float
    d = from_numpy_dtype(to_numpy_dtype(dt))
    if not d.is_floating_point:
        raise TypeError(f"set_default_dtype expects a floating point dtype, got {d}")
    _default_float = d


import builtins as _builtins  # noqa: E402

builtins_float = _builtins.float
builtins_int = _builtins.int
builtins_complex = _builtins.complex


# ----------------------------------------------------------------- layouts
# Tensor layouts with torch's names: `strided` (every nnstudio tensor's storage) and `sparse_coo`.

class layout:
    """A memory layout; nnstudio stores every tensor densely and marks COO tensors with `sparse_coo`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"nnstudio.{self.name}"


strided = layout("strided")
sparse_coo = layout("sparse_coo")
