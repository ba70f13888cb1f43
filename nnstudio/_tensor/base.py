"""The tensor's storage and identity: construction, the dtype / device / shape properties, conversion and
casting, the autograd handles (backward, detach, hooks), factories on an instance and the memory layout.

`TensorBase` is the root of `Tensor` (composed in `nnstudio/_tensor/__init__.py`); `wrap(array, node)` makes a
`Tensor` around an array without copying (the hot path of every op).
"""

from __future__ import annotations

import builtins
import numbers
from typing import TYPE_CHECKING

import numpy as np

from .. import _dtype as dt
from .._backend import as_device, device_of, is_array, to_device, to_numpy, xp_for, xp_of
from ..autograd import apply, is_grad_enabled, run_backward
from ..ops import shape as S
from ..ops._util import wrap_dim

if TYPE_CHECKING:
    from . import Tensor

_pyfloat, _pyint, _pybool = builtins.float, builtins.int, builtins.bool
_TENSOR: type | None = None  # the composed Tensor class, bound once by `nnstudio._tensor` (see bind_tensor_class)


def bind_tensor_class(cls: type) -> None:
    """Tell `wrap` which class to make (called once, right after `class Tensor` is composed)."""
    global _TENSOR
    _TENSOR = cls


def wrap(arr, ctx) -> Tensor:
    """A Tensor around `arr` (no copy) whose graph node is `ctx` (None: no history)."""
    t = object.__new__(_TENSOR)
    t._data = arr if type(arr) is np.ndarray or is_array(arr) else xp_of(arr).asarray(arr)
    t._ctx = ctx
    t.requires_grad = ctx is not None
    t.grad = None
    t._retains_grad = False
    return t


class TensorBase:
    """Storage (`_data`, an array) and the graph handles; the root of `Tensor`."""

    __slots__ = ("_data", "requires_grad", "grad", "_ctx", "_retains_grad", "__weakref__", "__dict__")

    __array_priority__ = 1000  # so NumPy scalars on the left defer to our reflected operators

    _version = 0  # bumped by every in-place write into `_data`; backward checks the versions it recorded
    # True on the result of one of torch's view ops (permute / transpose, expand, basic indexing, view / reshape)
    # of a tensor that is C-contiguous or itself so marked: then `_data`'s strides are torch's, and `view` applies
    # torch's stride rule. Other results are unmarked: NumPy may lay them out otherwise than torch (a reduction
    # over a permuted tensor, a gather), and `view` never refuses them.
    _torch_strides = False

    def __init__(self, *args, requires_grad: bool = False, device=None, dtype=None):
        """`Tensor(data)` copies data; `Tensor(n)`, `Tensor(a, b)` or `Tensor(Size)` make a zero-filled tensor of
        that shape (torch's legacy constructor leaves it uninitialised); `Tensor()` is empty."""
        data = args[0] if len(args) == 1 else ()
        if len(args) > 1 or isinstance(data, Size) or (isinstance(data, numbers.Integral) and
                                                        not isinstance(data, (bool, np.bool_))):
            sizes = tuple(data) if isinstance(data, Size) else args
            bad = [i for i, a in enumerate(sizes) if not isinstance(a, numbers.Integral) or isinstance(a, bool)]
            if bad:
                raise TypeError(f"new(): argument 'size' must be tuple of ints, but found element of type "
                                f"{type(sizes[bad[0]]).__name__} at pos {bad[0]}")
            if any(a < 0 for a in sizes):
                raise RuntimeError(f"Trying to create tensor with negative dimension: {list(sizes)}")
            data = np.zeros(tuple(int(a) for a in sizes), dtype=dt.to_numpy_dtype(dtype))
        arr = _infer_numpy(data, dtype if dtype is not None else dt.get_default_dtype())
        if device is not None:
            arr = to_device(arr, device)
        self._data = arr
        self.requires_grad = requires_grad
        self.grad = None
        self._ctx = None
        self._retains_grad = False

    _wrap = staticmethod(wrap)  # `Tensor._wrap(array, node)`, as the rest of nnstudio calls it

    @property
    def data(self) -> Tensor:
        """The same values without history (shares memory: in-place edits change this tensor)."""
        return wrap(self._data, None)

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, TensorBase) else _infer_numpy(value)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> dt.dtype:
        return dt.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    # torch's other device and layout flags: nnstudio tensors are dense, on the CPU or one CUDA GPU
    is_xpu = is_mps = is_meta = is_ipu = is_xla = is_maia = is_mtia = is_vulkan = is_mkldnn = property(
        lambda self: False)
    is_quantized = is_nested = is_sparse_csr = property(lambda self: False)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def grad_fn(self):
        """The node that made this tensor, as torch's node (its class named `MseLossBackward0`, ...)."""
        if self._ctx is None:
            return None
        from ..autograd.graph import as_torch_class

        return as_torch_class(self._ctx)

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    def is_floating_point(self) -> bool:
        return _is_float(self._data)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __deepcopy__(self, memo: dict) -> Tensor:
        """A copy of a leaf tensor (its values, requires_grad, grad and type); a non-leaf can't be copied, as in
        torch."""
        if self._ctx is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment; call .detach() first")
        import copy

        new = object.__new__(type(self))
        memo[id(self)] = new
        new._data = self._data.copy()
        new._ctx, new._retains_grad = None, False
        new.requires_grad = self.requires_grad
        new.grad = copy.deepcopy(self.grad, memo)
        for key, value in self.__dict__.items():
            new.__dict__[key] = copy.deepcopy(value, memo)
        return new

    def numpy(self, force: bool = False) -> np.ndarray:
        """The values as a NumPy array (shares memory on the CPU, like torch)."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return to_numpy(self._data)

    def __array__(self, dtype=None, copy=None):
        arr = to_numpy(self._data)
        return arr.astype(dtype) if dtype is not None else arr

    def tolist(self):
        return to_numpy(self._data).tolist()

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar "
                               f"(shape {tuple(self._data.shape)}); use .tolist() or index it first")
        return to_numpy(self._data).reshape(()).item()

    def __float__(self) -> float:
        if self.requires_grad and is_grad_enabled():
            _warn_scalar_of_grad_tensor()
        return _pyfloat(self.item())

    def __int__(self) -> int:
        return _pyint(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return _pyint(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} values is ambiguous")
        return _pybool(self.item())

    def to(self, *args, **kwargs) -> Tensor:
        """`to(device)`, `to(dtype)`, `to(device, dtype)` or `to(other)`: a moved/cast tensor (self if no change)."""
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)  # one layout here: values (all that can be read) are the same
        copy = kwargs.pop("copy", False)
        for a in args:
            if isinstance(a, TensorBase):
                device, dtype = a.device, a.dtype
            elif isinstance(a, dt.dtype) or (not isinstance(a, str) and _looks_like_dtype(a)):
                dtype = a
            elif a is not None:
                device = a
        out = self
        if device is not None and as_device(device) != self.device:
            xp_for(device)  # raises a clear error when CUDA is missing
            out = apply(S.ToDevice, out, device=as_device(device))
        if dtype is not None:
            out = out._cast(dt.to_numpy_dtype(dtype))
        return out.clone() if copy and out is self else out

    def cpu(self, memory_format=None) -> Tensor:
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
        return self.to("cuda")

    def _cast(self, np_dtype) -> Tensor:
        if self._data.dtype == np_dtype:
            return self
        kind, src = np.dtype(np_dtype).kind, self._data.dtype.kind
        if src == "f" and kind == "f":
            return apply(S.Cast, self, dtype=np_dtype)
        if src == "c" or kind == "c":  # differentiable between float and complex (ops/complex.py)
            from ..ops.complex import cast

            return cast(self, np_dtype)
        return wrap(self._data.astype(np_dtype), None)

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        """Without an argument the legacy type name ('nnstudio.FloatTensor'); with a dtype, a legacy class
        (`nnstudio.LongTensor`) or its name, the tensor cast to it."""
        from .legacy_types import resolve, type_name

        if dtype is None:
            cuda = ".cuda" if self.device.type == "cuda" else ""
            return f"nnstudio{cuda}.{type_name(self.dtype)}"
        target, device = resolve(dtype)
        out = self._cast(dt.to_numpy_dtype(target))
        return out if device is None or out.device.type == device else out.to(device)

    def float(self, memory_format=None) -> Tensor:
        return self._cast(np.float32)

    def double(self, memory_format=None) -> Tensor:
        return self._cast(np.float64)

    def half(self, memory_format=None) -> Tensor:
        return self._cast(np.float16)

    def long(self, memory_format=None) -> Tensor:
        return self._cast(np.int64)

    def int(self, memory_format=None) -> Tensor:
        return self._cast(np.int32)

    def bool(self, memory_format=None) -> Tensor:
        return self._cast(np.bool_)

    def byte(self, memory_format=None) -> Tensor:
        return self._cast(np.uint8)

    def char(self, memory_format=None) -> Tensor:
        return self._cast(np.int8)

    def short(self, memory_format=None) -> Tensor:
        return self._cast(np.int16)

    def bfloat16(self, memory_format=None) -> Tensor:
        """Raises: nnstudio cannot store bfloat16 (see nnstudio.bfloat16)."""
        return self.to(dt.STORAGE_LESS_DTYPES["bfloat16"])

    def cfloat(self, memory_format=None) -> Tensor:
        return self._cast(np.complex64)

    def cdouble(self, memory_format=None) -> Tensor:
        return self._cast(np.complex128)

    def chalf(self, memory_format=None) -> Tensor:
        return self.to(dt.STORAGE_LESS_DTYPES["complex32"])

    def _no_device(self, name: str):
        raise RuntimeError(f"Tensor.{name}(): nnstudio has no {name.upper()} backend (its devices are 'cpu' and "
                           "'cuda')")

    def xpu(self, device=None, non_blocking: bool = False) -> Tensor:
        self._no_device("xpu")

    def ipu(self, device=None, non_blocking: bool = False) -> Tensor:
        self._no_device("ipu")

    def mtia(self, device=None, non_blocking: bool = False) -> Tensor:
        self._no_device("mtia")

    def get_device(self) -> int:
        """-1 on the CPU, the GPU's index (0) on CUDA."""
        return 0 if self.is_cuda else -1

    def is_pinned(self, device=None) -> bool:
        """False: nnstudio does not page-lock host memory."""
        return False

    def pin_memory(self, device=None) -> Tensor:
        """The tensor itself (nnstudio's host memory is ordinary memory; copies to the GPU work from it)."""
        return self

    @property
    def itemsize(self) -> int:
        return int(self._data.itemsize)

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    @property
    def is_inference(self):
        return lambda: False  # torch: a method; nnstudio's inference_mode makes ordinary tensors

    @property
    def output_nr(self) -> int:
        return 0

    @property
    def name(self):
        return None

    volatile = property(lambda self: False)

    def dim_order(self, *, ambiguity_check: bool = False) -> tuple:
        """The dims from outermost to innermost in memory (by stride)."""
        strides = self.stride()
        return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))

    def new(self, *args, **kwargs) -> Tensor:
        """torch's legacy `x.new(sizes...)` / `x.new(data)`: a tensor of x's dtype and device."""
        if len(args) == 1 and not isinstance(args[0], numbers.Integral) and not isinstance(args[0], Size):
            from ..creation import tensor

            return tensor(args[0], dtype=self.dtype, device=self.device)
        return self.new_zeros(*args, **kwargs)

    def new_empty_strided(self, size, stride, dtype=None, device=None, requires_grad=False, *, layout=None,
                          pin_memory=False) -> Tensor:
        """A zero-filled tensor of `size` (nnstudio tensors are contiguous; `stride` is not kept)."""
        return self.new_zeros(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)

    def type_as(self, other: Tensor) -> Tensor:
        return self._cast(other._data.dtype)

    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`.

        `gradient` is required for a non-scalar tensor: it is the vector of the vector-Jacobian product,
        shaped like this tensor (pass `nnstudio.ones_like(t)` to sum the outputs).
        """
        if inputs is not None or create_graph:  # the multi-output sweep of autograd.backward (graph of grads)
            from ..autograd.functional_grad import backward

            return backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn: "
                               "nothing upstream of this tensor has requires_grad=True (did you compute it "
                               "under no_grad() or from detached tensors?)")
        if gradient is None:
            if self._data.dtype.kind == "c":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {self.dtype}")
            if self._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs: this tensor has shape "
                    f"{tuple(self._data.shape)}. Reduce it first (e.g. loss.sum() or loss.mean()) or pass "
                    f"backward(gradient=...) with a tensor of that shape")
            g = xp_of(self._data).ones(self._data.shape, dtype=self._data.dtype)
        else:
            g = gradient._data if isinstance(gradient, TensorBase) else xp_of(self._data).asarray(gradient)
            if g.shape != self._data.shape:
                raise RuntimeError(f"backward: gradient has shape {tuple(g.shape)} but the tensor has shape "
                                   f"{tuple(self._data.shape)}; they must match")
            g = g.astype(self._data.dtype, copy=False)
        run_backward(self, g, retain_graph=_pybool(retain_graph))

    def detach(self) -> Tensor:
        """The same values, cut from the graph (shares memory)."""
        return wrap(self._data, None)

    def detach_(self) -> Tensor:
        self._ctx = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self._ctx is not None and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. Use .detach() to get "
                               "a tensor that does not require grad")
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError(f"only Tensors of floating point and complex dtype can require gradients, got "
                               f"{self.dtype}")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` for this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._ctx is not None:
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor whose `.grad` is kept by `retain_grad()`."""
        return self._retains_grad

    def register_hook(self, hook):
        """Call `hook(grad)` with this tensor's gradient during backward; a returned tensor replaces it.
        Returns a handle whose `.remove()` unregisters the hook."""
        from ..autograd.hooks import register_hook

        return register_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call `hook(self)` after backward has accumulated this leaf's `.grad`; returns a removable handle."""
        from ..autograd.hooks import register_post_accumulate_grad_hook

        return register_post_accumulate_grad_hook(self, hook)

    def clone(self, memory_format=None) -> Tensor:
        return apply(S.Copy, self)

    def contiguous(self, memory_format=None) -> Tensor:
        if self._data.flags.c_contiguous:
            return self
        return apply(S.Copy, self)

    def _operand(self, other) -> Tensor:
        """A Python number / array as a tensor that combines with `self` by torch's promotion rules."""
        if isinstance(other, TensorBase):
            return other
        cls = type(other)
        if cls is _pyfloat or cls is _pyint:  # the common case, without the numbers ABCs' slow isinstance
            data = self._data
            kind = data.dtype.kind
            if cls is _pyfloat:
                return wrap(xp_of(data).asarray(other, dtype=data.dtype if kind == "f" else dt.get_default_dtype().np),
                            None)
            return wrap(xp_of(data).asarray(other, dtype=data.dtype if kind != "b" else np.int64), None)
        if isinstance(other, numbers.Number) and not isinstance(other, np.ndarray):
            kind = self._data.dtype.kind
            if isinstance(other, (_pybool, np.bool_)):
                arr_dtype = self._data.dtype
            elif isinstance(other, numbers.Integral):
                arr_dtype = self._data.dtype if kind != "b" else np.int64
            elif isinstance(other, numbers.Real):
                arr_dtype = self._data.dtype if kind in "fc" else dt.get_default_dtype().np
            elif isinstance(other, numbers.Complex):  # torch: float64 with 1j is complex128, else complex64
                arr_dtype = (self._data.dtype if kind == "c" else np.complex128 if self._data.dtype == np.float64
                             else dt.default_complex().np)
            else:
                raise TypeError(f"unsupported operand {other!r} of type {type(other).__name__}")
            return wrap(xp_of(self._data).asarray(other, dtype=arr_dtype), None)
        if is_array(other):
            return wrap(to_device(other, self.device), None)
        if isinstance(other, (list, tuple)):
            return wrap(to_device(_infer_numpy(other), self.device), None)
        raise TypeError(f"unsupported operand type: {type(other).__name__} (expected a Tensor or a number)")

    def _true_float(self) -> Tensor:
        return self if self._data.dtype.kind in "fc" else self._cast(dt.get_default_dtype().np)

    def _alias(self) -> Tensor:
        """A second handle on this tensor's current value and graph node, for in-place ops that rebind self.

        The graph must reference the old value through the alias: if it referenced `self`, rebinding `self._ctx`
        to the new node would make that node its own input and cut the history before it.
        """
        t = wrap(self._data, self._ctx)
        t.requires_grad = self.requires_grad
        return t

    def _check_leaf_write(self) -> None:
        if self._ctx is None and self.requires_grad and is_grad_enabled():
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation "
                               "(wrap the update in `with nnstudio.no_grad():`)")

    def storage_offset(self) -> int:
        """0: every nnstudio tensor starts its own storage view."""
        return 0

    def is_shared(self) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        """Nothing to do on one process: returns self."""
        return self

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from ..creation import tensor

        return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        from ..creation import zeros

        return zeros(*size, **kw, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        from ..creation import ones

        return ones(*size, **kw, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False, *, layout=None,
                 pin_memory=False):
        from ..creation import full

        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return self.new_zeros(*size, **kw, dtype=dtype, device=device, requires_grad=requires_grad)

    def is_contiguous(self, memory_format=None) -> bool:
        """True when the values are laid out row-major without gaps (after `.t()` or `.permute()`, False)."""
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim: int | None = None):
        """Steps in elements between neighbours along each dim (torch counts elements, NumPy bytes)."""
        s = tuple(b // self._data.itemsize for b in self._data.strides)
        return s if dim is None else s[wrap_dim(dim, self.ndim)]

    def data_ptr(self) -> int:
        """Address of the first element (equal for tensors sharing memory from the same start)."""
        arr = self._data
        return int(arr.__array_interface__["data"][0]) if isinstance(arr, np.ndarray) else int(arr.data.ptr)

    const_data_ptr = data_ptr

    def is_set_to(self, tensor) -> bool:
        """True when both tensors view the same memory with the same start, shape and strides (after set_)."""
        a, b = self._data, tensor._data
        return (self.data_ptr() == tensor.data_ptr() and a.shape == b.shape and a.strides == b.strides
                and a.dtype == b.dtype)

    def as_subclass(self, cls):
        """Self's data (shared, still attached to the autograd graph) as an instance of `cls`, a subclass of
        Tensor."""
        if not (isinstance(cls, type) and issubclass(cls, _TENSOR)):
            raise TypeError(f"as_subclass: expected a subclass of nnstudio.Tensor, got {cls!r}")
        out = self[...]
        out.__class__ = cls
        return out

    def module_load(self, other, assign: bool = False):
        """What nn.Module.load_state_dict swaps in for this parameter or buffer: other detached (assign=True),
        else self updated in place from other and detached (a new object, never self or other)."""
        if assign:
            return other.detach()
        return self.copy_(other).detach()

class Size(tuple):
    """The shape of a tensor: a tuple of ints that prints like torch's (`nnstudio.Size([32, 10])`). As torch's,
    concatenation (`Size + tuple`, `tuple + Size`), repetition (`Size * n`) and slicing give a Size again."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"nnstudio.Size({list(self)})"

    def __getitem__(self, index):
        item = tuple(self)[index]  # (not tuple.__getitem__: one Python call per `x.shape[i]`, no C call besides)
        return Size(item) if type(index) is slice else item

    def __add__(self, other) -> Size:
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to torch.Size")
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other) -> Size:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n) -> Size:
        if not hasattr(type(n), "__index__"):
            raise TypeError(f"can't multiply sequence by non-int of type '{type(n).__name__}'")
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __reduce__(self):
        return Size, (tuple(self),)

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


def _infer_numpy(data, dtype=None):
    """Turn Python data / NumPy / torch tensors into an array with torch's dtype rules."""
    if isinstance(data, TensorBase):
        arr = data._data
    elif is_array(data):
        arr = data
    elif hasattr(data, "detach") and hasattr(data, "numpy"):  # a torch tensor
        arr = data.detach().cpu().numpy()
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(x, TensorBase) for x in _flatten_seq(data)):
            data = _to_nested_arrays(data)
        try:
            arr = np.asarray(data)
        except ValueError:
            raise ValueError("tensor(): the nested lists are ragged (rows of different lengths); every row at "
                             "the same depth must have the same length") from None
        if dtype is None:
            if arr.dtype.kind == "f":
                arr = arr.astype(dt.get_default_dtype().np)
            elif arr.dtype.kind in "iu" and arr.dtype != np.uint8:
                arr = arr.astype(np.int64)
            elif arr.dtype.kind == "c":
                arr = arr.astype(dt.default_complex().np)
    if dtype is not None:
        arr = arr.astype(dt.to_numpy_dtype(dtype), copy=False)
    elif arr.dtype.kind not in "fiubc":
        raise TypeError(f"can't convert data of dtype {arr.dtype} to a tensor: only numbers and booleans are "
                        "supported")
    return arr


def _flatten_seq(seq):
    for x in seq:
        if isinstance(x, (list, tuple)):
            yield from _flatten_seq(x)
        else:
            yield x


def _to_nested_arrays(seq):
    return [(_to_nested_arrays(x) if isinstance(x, (list, tuple)) else
             (to_numpy(x._data) if isinstance(x, TensorBase) else x)) for x in seq]


def _is_float(arr) -> bool:
    return arr.dtype.kind == "f"


def _looks_like_dtype(a) -> bool:
    try:
        dt.to_numpy_dtype(a)
        return a is not None
    except TypeError:
        return False


def as_tensor(x, like: Tensor | None = None) -> Tensor:
    if isinstance(x, TensorBase):
        return x
    if like is not None:
        return like._operand(x)
    return wrap(_infer_numpy(x), None)



_as_tensor = as_tensor  # the name the rest of nnstudio imports
infer_numpy = _infer_numpy



_scalar_warning_given = []


def _warn_scalar_of_grad_tensor() -> None:
    """torch 2.13 warns once per process when `float()` takes a tensor that requires grad (grad mode on)."""
    if not _scalar_warning_given:
        import warnings

        _scalar_warning_given.append(True)
        warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                      "Consider using tensor.detach() first.", UserWarning, stacklevel=3)
