"""torch's legacy typed constructors: `FloatTensor`, `DoubleTensor`, `HalfTensor`, `LongTensor`, `IntTensor`,
`ShortTensor`, `CharTensor`, `ByteTensor`, `BoolTensor` (CPU).

`nnstudio.FloatTensor([1, 2])` copies data into a float32 tensor, `nnstudio.FloatTensor(2, 3)` makes an
uninitialised (here: zero) 2 x 3 one; `isinstance(t, nnstudio.FloatTensor)` checks the dtype, and
`t.type(nnstudio.FloatTensor)` / `t.type("torch.FloatTensor")` cast.
"""

from __future__ import annotations

import numbers

from .. import _dtype as dt
from . import Tensor
from .base import Size


class _LegacyType(type):
    """Metaclass: the classes build tensors and answer isinstance by dtype."""

    def __call__(cls, *args, device=None):
        if len(args) == 1 and not isinstance(args[0], numbers.Number):
            data = args[0]
            if isinstance(data, Size):
                return cls(*data, device=device)
            return Tensor(data, dtype=cls.dtype, device=device)
        if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args):
            raise TypeError(f"{cls.__name__}(): expected a sequence of data or integer sizes, got "
                            f"{tuple(type(a).__name__ for a in args)}")
        from ..creation import zeros

        return zeros(*args, dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    def __repr__(cls) -> str:
        return f"<class 'nnstudio.{cls.__name__}'>"


def _make(name: str, dtype: dt.dtype) -> type:
    return _LegacyType(name, (), {"dtype": dtype, "__doc__": f"Legacy constructor of {dtype!r} CPU tensors."})


LEGACY = {"FloatTensor": dt.float32, "DoubleTensor": dt.float64, "HalfTensor": dt.float16, "LongTensor": dt.int64,
          "IntTensor": dt.int32, "ShortTensor": dt.int16, "CharTensor": dt.int8, "ByteTensor": dt.uint8,
          "BoolTensor": dt.bool_}
TYPES = {name: _make(name, d) for name, d in LEGACY.items()}
FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = \
    TYPES.values()


def type_name(dtype: dt.dtype) -> str:
    """torch's legacy name of a CPU tensor type, e.g. 'FloatTensor' for float32."""
    for name, d in LEGACY.items():
        if d == dtype:
            return name
    if dtype.is_complex:  # torch names them but has no legacy class for them
        return "ComplexFloatTensor" if dtype.itemsize == 8 else "ComplexDoubleTensor"
    return f"{dtype.name.capitalize()}Tensor"


def resolve(spec) -> tuple:
    """(dtype, device type or None) that a legacy class or a name like 'torch.FloatTensor' or
    'torch.cuda.LongTensor' stands for; a dtype passes through (device None). An unknown name is torch's
    ValueError."""
    if isinstance(spec, _LegacyType):
        return spec.dtype, "cpu"
    if isinstance(spec, str):
        prefix, _, short = spec.rpartition(".")
        if short in LEGACY and prefix in ("torch", "nnstudio", "torch.cuda", "nnstudio.cuda"):
            return LEGACY[short], "cuda" if prefix.endswith("cuda") else "cpu"
        raise ValueError(f"invalid type: {spec!r} (expected a name like 'torch.FloatTensor' or "
                         f"'torch.cuda.LongTensor', or a dtype)")
    return spec, None


__all__ = list(LEGACY)
