"""Tensor factories with torch's signatures: tensor, zeros, ones, full, empty, arange, linspace, eye,
randn, rand, randint, randperm, the `*_like` variants, and from_numpy."""

from __future__ import annotations

import warnings

import numpy as np

from . import _dtype as dt
from ._backend import to_device
from ._random import permutation, rng_of, standard_normal, uniform01
from .tensor import Size, Tensor, _infer_numpy


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    size = tuple(_as_int(n, size) for n in size)
    for n in size:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(size)}")
    return tuple(int(n) for n in size)


def _as_int(n, size) -> int:
    """One dimension: an int, a NumPy integer or a 0-d integer tensor (`torch.zeros(t.sum())`), never a bool."""
    if isinstance(n, Tensor) and n.dim() == 0 and not n.is_floating_point() and n.dtype != dt.bool_:
        return int(n.item())
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"size must be a sequence of ints, got {list(size)}")
    return int(n)


_TORCH_KEYWORDS = ("size", "layout", "pin_memory", "memory_format", "out")


def _size_kw(size: tuple, kw: dict, who: str) -> tuple:
    """The shape of `zeros(2, 3)`, `zeros((2, 3))` or torch's keyword form `zeros(size=(2, 3))`; torch's
    `layout=torch.strided`, `pin_memory`, `memory_format` are accepted (nnstudio tensors are dense)."""
    unknown = set(kw) - set(_TORCH_KEYWORDS)
    if unknown:
        raise TypeError(f"{who}() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    if kw.get("out") is not None:
        raise TypeError(f"{who}(): out= is not supported by nnstudio's creation functions")
    if "size" in kw:
        if size:
            raise TypeError(f"{who}() got multiple values for argument 'size'")
        size = (kw["size"],)
    return _size(size)


def _finish(arr, device, requires_grad) -> Tensor:
    if device is not None:
        arr = to_device(arr, device)
    t = Tensor._wrap(arr, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _np_dtype(dtype, default=None):
    if dtype is None:
        return np.dtype(default) if default is not None else dt.get_default_dtype().np
    return dt.to_numpy_dtype(dtype)


def tensor(data, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A new tensor copied from data: floats become float32, ints int64, bools bool (torch's rules)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr = _infer_numpy(data, dtype)
    arr = np.array(arr, copy=True) if isinstance(arr, np.ndarray) else arr.copy()
    return _finish(arr, device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like `tensor` but shares memory with a NumPy array when no conversion is needed."""
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    return _finish(_infer_numpy(data, dtype), device, False)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (its dtype kept)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor._wrap(array, None)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    return _finish(np.zeros(_size_kw(size, kw, 'zeros'), _np_dtype(dtype)), device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    return _finish(np.ones(_size_kw(size, kw, 'ones'), _np_dtype(dtype)), device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    return zeros(_size_kw(size, kw, "empty"), dtype=dtype, device=device, requires_grad=requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:
    """An uninitialised (here: zero) tensor of logical shape `size` whose memory is laid out in the dim order
    `physical_layout` (a permutation of the dims, outermost first): its strides are torch's for that layout."""
    size, order = tuple(int(s) for s in size), tuple(int(d) for d in physical_layout)
    if sorted(order) != list(range(len(size))):
        raise RuntimeError(f"empty_permuted: physical_layout {list(order)} is not a permutation of the "
                           f"{len(size)} dims of size {list(size)}")
    physical = np.zeros(tuple(size[d] for d in order), _np_dtype(dtype))
    return _finish(physical.transpose(np.argsort(order)), device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
         pin_memory: bool = False) -> Tensor:
    if dtype is None:
        default = (np.bool_ if isinstance(fill_value, bool) else
                   np.int64 if isinstance(fill_value, int) else
                   dt.default_complex().np if isinstance(fill_value, complex) else dt.get_default_dtype().np)
        dtype = default
    return _finish(np.full(_size((size,)), fill_value, _np_dtype(dtype)), device, requires_grad)


def _like(x: Tensor, dtype, device):
    return (dtype if dtype is not None else x.dtype), (device if device is not None else x.device)


def zeros_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
               memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return zeros(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
               memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return ones(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
               memory_format=None) -> Tensor:
    return zeros_like(input, dtype, device, requires_grad)


def full_like(input: Tensor, fill_value, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
               memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


def rand_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
               memory_format=None, generator=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return rand(input.shape, generator=generator, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
               memory_format=None, generator=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return randn(input.shape, generator=generator, dtype=dtype, device=device, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
           pin_memory: bool = False) -> Tensor:
    """Values from start (inclusive) to end (exclusive): int64 for integer arguments, else float32."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
    arr = np.arange(start, end, step)
    return _finish(arr.astype(_np_dtype(dtype, np.int64 if ints else None)), device, requires_grad)


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
             pin_memory: bool = False) -> Tensor:
    return _finish(np.linspace(start, end, steps).astype(_np_dtype(dtype)), device, requires_grad)


def eye(n: int, m: int | None = None, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
        pin_memory: bool = False) -> Tensor:
    return _finish(np.eye(n, m, dtype=_np_dtype(dtype)), device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    """Standard normal samples from the library's seeded generator."""
    arr = standard_normal(rng_of(generator), _size_kw(size, kw, "randn"), _np_dtype(dtype))
    return _finish(arr, device, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    """Uniform samples on [0, 1)."""
    arr = uniform01(rng_of(generator), _size_kw(size, kw, "rand"), _np_dtype(dtype))
    return _finish(arr, device, requires_grad)


def randint(low=0, high=None, size=None, generator=None, dtype=None, device=None,
            requires_grad: bool = False, *, layout=None, pin_memory: bool = False) -> Tensor:
    """Integers in [low, high), int64 by default: `randint(high, size)`, `randint(low, high, size)` or
    `randint(high=n, size=s)`."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list, Size)):
            raise TypeError("randint() missing the required argument 'size' (a tuple, e.g. (32,))")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    arr = rng_of(generator).randint(low, high, _size((size,))).astype(_np_dtype(dtype, np.int64))
    return _finish(arr, device, requires_grad)


def randperm(n: int, generator=None, dtype=None, device=None, requires_grad: bool = False, *, layout=None,
             pin_memory: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default); with a seeded `generator`, torch's own (CPU) one."""
    return _finish(permutation(n, generator).astype(_np_dtype(dtype, np.int64)), device, False)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """torch.normal's four forms: `normal(mean, std, size)` with numbers, or a Tensor `mean` and/or `std`
    (shapes broadcast; as torch: N(0, 1) drawn for the broadcast shape, times std, plus mean, and no gradient
    reaches mean or std: torch's derivative for them is zero)."""
    from ._backend import to_numpy
    from ._tensor.functions import write_out

    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = to_numpy(mean._data) if isinstance(mean, Tensor) else mean
        s = to_numpy(std._data) if isinstance(std, Tensor) else std
        if (np.asarray(s) < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        like = mean if isinstance(mean, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        arr = rng_of(generator).normal_array(shape, like._data.dtype if like._data.dtype.kind == "f"
                                             else _np_dtype(None))
        arr *= np.asarray(s, dtype=arr.dtype)
        arr += np.asarray(m, dtype=arr.dtype)
        result = _finish(arr, like.device, False)
    else:
        if size is None:
            raise TypeError("normal() with a number mean and std needs a size (normal(0.0, 1.0, size=(2, 3)))")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        result = _finish(rng_of(generator).normal_array(_size((size,)), _np_dtype(dtype), mean, std), device,
                         requires_grad)
    return result if out is None else write_out(result, out, "normal")


def numel(x: Tensor) -> int:
    return x.numel()


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)



