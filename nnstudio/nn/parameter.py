"""`Parameter`: a tensor that a `Module` registers as learnable when assigned as an attribute; `Buffer`; the lazy
modules' placeholders `UninitializedParameter` / `UninitializedBuffer` (shape unknown until `materialize`) and
`is_lazy`."""

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
        self.requires_grad = requires_grad and self._data.dtype.kind in "fc"

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


_UNINITIALIZED_OK = frozenset({
    # torch's UninitializedTensorMixin._allowed_methods (plus the attributes every tensor answers)
    "size", "copy_", "is_complex", "is_floating_point", "half", "float", "double", "char", "short", "int", "long",
    "cuda", "cpu", "to", "get_device", "materialize", "share_memory_", "cls_to_become", "requires_grad", "grad",
    "dtype", "device", "is_leaf", "persistent", "data", "is_cuda", "is_cpu", "grad_fn",
})


def _uninitialized_use(cls_name: str, what: str) -> ValueError:
    return ValueError(
        f"Attempted to use an uninitialized parameter in {what}. This error happens when you are using a "
        f"`LazyModule` or explicitly manipulating `torch.nn.parameter.{cls_name}` objects. When using LazyModules "
        "Call `forward` with a dummy batch to initialize the parameters before calling torch functions")


class UninitializedTensorMixin:
    """A tensor whose shape is not known yet (torch's mixin): only dtype/device moves, `size()` and `materialize`
    work; its shape raises RuntimeError and every other tensor method ValueError, as torch's."""

    __slots__ = ()
    cls_to_become: type = Tensor
    _unknown_shape = True  # nnstudio.save stores it as a placeholder (nn/saved_modules.py), not as an array

    def __getattribute__(self, name: str):
        if name[0] != "_" and name not in _UNINITIALIZED_OK and callable(getattr(Tensor, name, None)):
            raise _uninitialized_use(type(self).__name__, f"Tensor.{name}")
        return object.__getattribute__(self, name)

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the tensor `shape` (zeros, on its own device and dtype unless given) and turn it into
        `cls_to_become` (Parameter or Tensor), in place."""
        arr = np.zeros(tuple(shape), dtype=to_numpy_dtype(dtype) if dtype is not None else self._data.dtype)
        self._data = to_device(arr, device if device is not None else self.device)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
            "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
            "`forward` to initialize the parameters before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__

    def __deepcopy__(self, memo: dict):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self.device, self.dtype)
        return memo[id(self)]


def _refuse(name: str):
    def method(self, *args, **kwargs):
        raise _uninitialized_use(type(self).__name__, f"Tensor.{name}")
    method.__name__ = name
    return method


for _op in ("add", "radd", "sub", "rsub", "mul", "rmul", "matmul", "rmatmul", "truediv", "rtruediv", "pow",
            "rpow", "neg", "getitem", "setitem", "iadd", "isub", "imul", "itruediv", "len", "iter", "array"):
    setattr(UninitializedTensorMixin, f"__{_op}__", _refuse(f"__{_op}__"))


def is_lazy(param) -> bool:
    """Whether `param` is an `UninitializedParameter` or `UninitializedBuffer`."""
    return isinstance(param, UninitializedTensorMixin)


def _empty_placeholder(t: Tensor, device, dtype) -> None:
    arr = np.zeros((0,), dtype=to_numpy_dtype(dtype))
    t._data = to_device(arr, device) if device is not None else arr


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A `Parameter` of unknown shape (a lazy module's weight before its first forward); `materialize(shape)`
    turns it into a Parameter. device / dtype are those it will have."""

    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        Parameter.__init__(self, None, requires_grad)
        _empty_placeholder(self, device, dtype)
        self.requires_grad = requires_grad


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer of unknown shape (a lazy norm layer's running statistics); `materialize(shape)` turns it into a
    Tensor."""

    cls_to_become = Tensor

    def __init__(self, requires_grad: bool = False, device=None, dtype=None, persistent: bool = True) -> None:
        Tensor.__init__(self, ())
        _empty_placeholder(self, device, dtype)
        self.requires_grad = requires_grad
        self.persistent = persistent
        self._is_buffer = True


def empty_param(shape: tuple, device=None, dtype=None) -> Parameter:
    """A zero-filled `Parameter` of `shape` (float32 unless `dtype`) on `device`, for `reset_parameters`."""
    p = Parameter(None)
    arr = np.zeros(shape, dtype=to_numpy_dtype(dtype))
    p._data = to_device(arr, device) if device is not None else arr
    p.requires_grad = True
    return p
