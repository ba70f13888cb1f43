"""`Tensor`: an n-dimensional array (NumPy on the CPU, CuPy on a GPU) that records operations for autograd.

The methods here only translate torch's calling conventions into primitive calls (`ops/`); all math and every
gradient lives in the primitives.
"""

from __future__ import annotations

import builtins
import numbers
from collections import namedtuple

import numpy as np

from . import _dtype as dt
from ._backend import as_device, device_of, is_array, to_device, to_numpy, xp_for, xp_of
from ._grad_fn_names import as_torch_node
from .autograd import apply, is_grad_enabled, no_grad, run_backward
from .ops import activation as A
from .ops import arithmetic as M
from .ops import linalg as L
from .ops import reduction as R
from .ops import shape as S
from .ops import unary as U
from .ops._util import normalize_dims

_pyfloat, _pyint, _pybool = builtins.float, builtins.int, builtins.bool

values_indices = namedtuple("values_indices", ["values", "indices"])


class Size(tuple):
    """The shape of a tensor: a tuple that prints like torch's (`nnstudio.Size([32, 10])`)."""

    def __repr__(self) -> str:
        return f"nnstudio.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


def _infer_numpy(data, dtype=None):
    """Turn Python data / NumPy / torch tensors into an array with torch's dtype rules."""
    if isinstance(data, Tensor):
        arr = data._data
    elif is_array(data):
        arr = data
    elif hasattr(data, "detach") and hasattr(data, "numpy"):  # a torch tensor
        arr = data.detach().cpu().numpy()
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flatten_seq(data)):
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
    if dtype is not None:
        arr = arr.astype(dt.to_numpy_dtype(dtype), copy=False)
    elif arr.dtype.kind not in "fiub":
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
             (to_numpy(x._data) if isinstance(x, Tensor) else x)) for x in seq]


def _is_float(arr) -> bool:
    return arr.dtype.kind == "f"


class Tensor:
    """A multi-dimensional array that can record its history for automatic differentiation.

    `Tensor(data)` copies `data` into a float32 tensor (torch's legacy constructor); prefer `nnstudio.tensor`.
    """

    __slots__ = ("_data", "requires_grad", "grad", "_ctx", "_retains_grad", "__weakref__", "__dict__")
    __array_priority__ = 1000  # so NumPy scalars on the left defer to our reflected operators
    _version = 0  # bumped by every in-place write into `_data`; backward checks the versions it recorded

    def __init__(self, data=(), *, requires_grad: bool = False, device=None, dtype=None):
        arr = _infer_numpy(data, dtype if dtype is not None else dt.get_default_dtype())
        if device is not None:
            arr = to_device(arr, device)
        self._data = arr
        self.requires_grad = requires_grad
        self.grad = None
        self._ctx = None
        self._retains_grad = False

    @classmethod
    def _wrap(cls, arr, ctx) -> Tensor:
        t = object.__new__(Tensor)
        t._data = arr if type(arr) is np.ndarray or is_array(arr) else xp_of(arr).asarray(arr)
        t._ctx = ctx
        t.requires_grad = ctx is not None
        t.grad = None
        t._retains_grad = False
        return t

    # ------------------------------------------------------------------ basic properties
    @property
    def data(self) -> Tensor:
        """The same values without history (shares memory: in-place edits change this tensor)."""
        return Tensor._wrap(self._data, None)

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, Tensor) else _infer_numpy(value)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[normalize_dims(dim, self._data.ndim)[0]]

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
        return self._ctx

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

    def __hash__(self) -> int:
        return id(self)

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

    # ------------------------------------------------------------------ conversion
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

    def __format__(self, spec: str) -> str:
        if self._data.size == 1 and spec:
            return format(self.item(), spec)
        return repr(self) if not spec else format(str(self), spec)

    def __repr__(self) -> str:
        from ._tensor_str import grad_fn_name, tensor_repr

        arr = to_numpy(self._data)
        default = dt.get_default_dtype().np
        show_dtype = arr.dtype != default if arr.size == 0 else arr.dtype not in (default, np.int64, np.bool_)
        return tensor_repr(arr, dtype_name=str(self.dtype), show_dtype=show_dtype,
                           device=None if self.device.type == "cpu" else str(self.device),
                           grad_fn=None if self._ctx is None else grad_fn_name(self._ctx),
                           requires_grad=self.requires_grad)

    __str__ = __repr__

    def to(self, *args, **kwargs) -> Tensor:
        """`to(device)`, `to(dtype)`, `to(device, dtype)` or `to(other)`: a moved/cast tensor (self if no change)."""
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        for a in args:
            if isinstance(a, Tensor):
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
        return out

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device=None) -> Tensor:
        return self.to("cuda")

    def _cast(self, np_dtype) -> Tensor:
        if self._data.dtype == np_dtype:
            return self
        if _is_float(self._data) and np.dtype(np_dtype).kind == "f":
            return apply(S.Cast, self, dtype=np_dtype)
        return Tensor._wrap(self._data.astype(np_dtype), None)

    def type(self, dtype=None):
        """Without an argument the legacy type name ('nnstudio.FloatTensor'); with a dtype, a legacy class
        (`nnstudio.LongTensor`) or its name, the tensor cast to it."""
        from ._legacy_tensor_types import resolve, type_name

        if dtype is None:
            cuda = ".cuda" if self.device.type == "cuda" else ""
            return f"nnstudio{cuda}.{type_name(self.dtype)}"
        return self._cast(dt.to_numpy_dtype(resolve(dtype)))

    def float(self) -> Tensor:
        return self._cast(np.float32)

    def double(self) -> Tensor:
        return self._cast(np.float64)

    def half(self) -> Tensor:
        return self._cast(np.float16)

    def long(self) -> Tensor:
        return self._cast(np.int64)

    def int(self) -> Tensor:
        return self._cast(np.int32)

    def bool(self) -> Tensor:
        return self._cast(np.bool_)

    def type_as(self, other: Tensor) -> Tensor:
        return self._cast(other._data.dtype)

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`.

        `gradient` is required for a non-scalar tensor: it is the vector of the vector-Jacobian product,
        shaped like this tensor (pass `nnstudio.ones_like(t)` to sum the outputs).
        """
        if inputs is not None or create_graph:  # the multi-output sweep of autograd.backward (graph of grads)
            from .autograd.functional_grad import backward

            return backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn: "
                               "nothing upstream of this tensor has requires_grad=True (did you compute it "
                               "under no_grad() or from detached tensors?)")
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs: this tensor has shape "
                    f"{tuple(self._data.shape)}. Reduce it first (e.g. loss.sum() or loss.mean()) or pass "
                    f"backward(gradient=...) with a tensor of that shape")
            g = xp_of(self._data).ones(self._data.shape, dtype=self._data.dtype)
        else:
            g = gradient._data if isinstance(gradient, Tensor) else xp_of(self._data).asarray(gradient)
            if g.shape != self._data.shape:
                raise RuntimeError(f"backward: gradient has shape {tuple(g.shape)} but the tensor has shape "
                                   f"{tuple(self._data.shape)}; they must match")
            g = g.astype(self._data.dtype, copy=False)
        run_backward(self, g, retain_graph=_pybool(retain_graph))

    def detach(self) -> Tensor:
        """The same values, cut from the graph (shares memory)."""
        return Tensor._wrap(self._data, None)

    def detach_(self) -> Tensor:
        self._ctx = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self._ctx is not None and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. Use .detach() to get "
                               "a tensor that does not require grad")
        if requires_grad and not _is_float(self._data):
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients, got {self.dtype}")
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
        from .autograd.hooks import register_hook

        return register_hook(self, hook)

    def clone(self) -> Tensor:
        return apply(S.Copy, self)

    def contiguous(self) -> Tensor:
        if self._data.flags.c_contiguous:
            return self
        return apply(S.Copy, self)

    # ------------------------------------------------------------------ arithmetic
    def _operand(self, other) -> Tensor:
        """A Python number / array as a tensor that combines with `self` by torch's promotion rules."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, numbers.Number) and not isinstance(other, np.ndarray):
            kind = self._data.dtype.kind
            if isinstance(other, (_pybool, np.bool_)):
                arr_dtype = self._data.dtype
            elif isinstance(other, numbers.Integral):
                arr_dtype = self._data.dtype if kind != "b" else np.int64
            elif isinstance(other, numbers.Real):
                arr_dtype = self._data.dtype if kind == "f" else dt.get_default_dtype().np
            else:
                raise TypeError(f"unsupported operand {other!r} of type {type(other).__name__}")
            return Tensor._wrap(xp_of(self._data).asarray(other, dtype=arr_dtype), None)
        if is_array(other):
            return Tensor._wrap(to_device(other, self.device), None)
        if isinstance(other, (list, tuple)):
            return Tensor._wrap(to_device(_infer_numpy(other), self.device), None)
        raise TypeError(f"unsupported operand type: {type(other).__name__} (expected a Tensor or a number)")

    def _binary(self, fn, other, reverse=False) -> Tensor:
        other = self._operand(other)
        a, b = (other, self) if reverse else (self, other)
        if a._data.dtype != b._data.dtype:
            a, b = _promote(a, b)
        _check_broadcast(fn, a, b)
        return apply(fn, a, b)

    def __add__(self, o):
        return self._binary(M.Add, o)

    def __radd__(self, o):
        return self._binary(M.Add, o, True)

    def __sub__(self, o):
        return self._binary(M.Sub, o)

    def __rsub__(self, o):
        return self._binary(M.Sub, o, True)

    def __mul__(self, o):
        return self._binary(M.Mul, o)

    def __rmul__(self, o):
        return self._binary(M.Mul, o, True)

    def __truediv__(self, o):
        return self._true_float()._binary(M.Div, o)

    def __rtruediv__(self, o):
        return self._true_float()._binary(M.Div, o, True)

    def __floordiv__(self, o):
        o = self._operand(o)
        return Tensor._wrap(self._data // o._data, None)

    def __mod__(self, o):
        o = self._operand(o)
        return Tensor._wrap(self._data % o._data, None)

    def __neg__(self):
        return apply(M.Neg, self)

    def __pos__(self):
        return self

    def __pow__(self, o):
        if isinstance(o, numbers.Number) and not isinstance(o, _pybool):
            if self._data.dtype.kind != "f" and isinstance(o, _pyfloat):
                return self.float().__pow__(o)
            return apply(M.PowScalar, self, exponent=o)
        return self._binary(M.Pow, o)

    def __rpow__(self, o):
        return self._binary(M.Pow, o, True)

    def __matmul__(self, o):
        return matmul(self, o)

    def __rmatmul__(self, o):
        return matmul(self._operand(o), self)

    def _true_float(self) -> Tensor:
        return self if _is_float(self._data) else self._cast(dt.get_default_dtype().np)

    add = __add__
    mul = multiply = __mul__
    div = divide = true_divide = __truediv__
    neg = negative = __neg__
    pow = __pow__

    def sub(self, other, alpha=1):
        return self - (other * alpha if alpha != 1 else other)

    subtract = sub

    # comparisons (no gradient)
    def _compare(self, other, op):
        o = self._operand(other)._data
        return Tensor._wrap(op(self._data, o), None)

    def __eq__(self, o):
        if o is None:  # torch: `t == None` is False, not an error
            return False
        return self._compare(o, lambda a, b: a == b)

    def __ne__(self, o):
        if o is None:
            return True
        return self._compare(o, lambda a, b: a != b)

    def __lt__(self, o):
        return self._compare(o, lambda a, b: a < b)

    def __le__(self, o):
        return self._compare(o, lambda a, b: a <= b)

    def __gt__(self, o):
        return self._compare(o, lambda a, b: a > b)

    def __ge__(self, o):
        return self._compare(o, lambda a, b: a >= b)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __and__(self, o):
        return self._compare(o, lambda a, b: a & b)

    def __or__(self, o):
        return self._compare(o, lambda a, b: a | b)

    def __xor__(self, o):
        return self._compare(o, lambda a, b: a ^ b)

    def __invert__(self):
        return Tensor._wrap(~self._data, None)

    logical_not = __invert__

    def equal(self, other: Tensor) -> bool:
        return self.shape == other.shape and _pybool((self._data == other._data).all())

    def allclose(self, other, rtol=1e-5, atol=1e-8) -> bool:
        return _pybool(xp_of(self._data).allclose(self._data, self._operand(other)._data, rtol=rtol, atol=atol))

    def isnan(self):
        return Tensor._wrap(xp_of(self._data).isnan(self._data), None)

    def isinf(self):
        return Tensor._wrap(xp_of(self._data).isinf(self._data), None)

    def isfinite(self):
        return Tensor._wrap(xp_of(self._data).isfinite(self._data), None)

    def sign(self):
        return Tensor._wrap(xp_of(self._data).sign(self._data), None)

    def all(self, dim=None, keepdim=False):
        return Tensor._wrap(xp_of(self._data).asarray(self._data.all(axis=dim, keepdims=keepdim)), None)

    def any(self, dim=None, keepdim=False):
        return Tensor._wrap(xp_of(self._data).asarray(self._data.any(axis=dim, keepdims=keepdim)), None)

    # ------------------------------------------------------------------ elementwise math
    def exp(self):
        return apply(U.Exp, self._true_float())

    def log(self):
        return apply(U.Log, self._true_float())

    def sqrt(self):
        return apply(U.Sqrt, self._true_float())

    def rsqrt(self):
        return 1 / self.sqrt()

    def abs(self):
        return apply(U.Abs, self)

    __abs__ = abs

    def sin(self):
        return apply(U.Sin, self._true_float())

    def cos(self):
        return apply(U.Cos, self._true_float())

    def square(self):
        return apply(M.PowScalar, self, exponent=2)

    def reciprocal(self):
        return 1 / self

    def log1p(self):
        return (self + 1).log()

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            out = self
            if min is not None:
                out = maximum(out, min)
            if max is not None:
                out = minimum(out, max)
            return out
        return apply(U.Clamp, self, lo=min, hi=max)

    clip = clamp

    def relu(self):
        return apply(A.Relu, self)

    def sigmoid(self):
        return apply(A.Sigmoid, self._true_float())

    def tanh(self):
        return apply(A.Tanh, self._true_float())

    def softmax(self, dim, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        return apply(A.Softmax, x._true_float(), dim=_one_dim(dim, self.ndim))

    def log_softmax(self, dim, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        return apply(A.LogSoftmax, x._true_float(), dim=_one_dim(dim, self.ndim))

    def maximum(self, other):
        return maximum(self, other)

    def minimum(self, other):
        return minimum(self, other)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        if x._data.dtype.kind == "b":
            x = x._cast(np.int64)
        return apply(R.Sum, x, axes=normalize_dims(dim, self.ndim), keepdim=keepdim)

    def mean(self, dim=None, keepdim=False, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        if not _is_float(x._data):
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {x.dtype} (call .float() first)")
        return apply(R.Mean, x, axes=normalize_dims(dim, self.ndim), keepdim=keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        axes = normalize_dims(dim, self.ndim)
        n = self._data.size if axes is None else int(np.prod([self._data.shape[a] for a in axes]))
        centered = self - self.mean(dim=axes, keepdim=True)
        return (centered * centered).sum(dim=axes, keepdim=keepdim) / builtins.max(n - correction, 0)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return self.var(dim, unbiased, keepdim, correction=correction).sqrt()

    def prod(self, dim=None, keepdim=False):
        axis = None if dim is None else _one_dim(dim, self.ndim)
        return apply(R.Prod, self, axis=axis, keepdim=keepdim)

    def _extreme(self, dim, keepdim, is_max):
        if isinstance(dim, Tensor):  # max(other) is the elementwise maximum
            return (maximum if is_max else minimum)(self, dim)
        if dim is None:
            if self._data.size == 0:
                raise RuntimeError("max(): Expected reduction dim to be specified for input.numel() == 0")
            return apply(R.AMaxMin, self, axes=None, is_max=is_max)
        axis = _one_dim(dim, self.ndim)
        values = apply(R.MaxMin, self, axis=axis, keepdim=keepdim, is_max=is_max)
        fn = self._data.argmax if is_max else self._data.argmin
        idx = fn(axis=axis)
        if keepdim:
            idx = xp_of(idx).expand_dims(idx, axis)
        return values_indices(values, Tensor._wrap(idx.astype(np.int64), None))

    def max(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, True)

    def min(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, False)

    def amax(self, dim=(), keepdim=False):
        """Maximum over `dim` (an int or a tuple; all dims by default); ties share the gradient evenly."""
        axes = None if dim is None or dim == () else normalize_dims(dim, self.ndim)
        return apply(R.AMaxMin, self, axes=axes, keepdim=keepdim, is_max=True)

    def amin(self, dim=(), keepdim=False):
        """Minimum over `dim` (an int or a tuple; all dims by default); ties share the gradient evenly."""
        axes = None if dim is None or dim == () else normalize_dims(dim, self.ndim)
        return apply(R.AMaxMin, self, axes=axes, keepdim=keepdim, is_max=False)

    def argmax(self, dim=None, keepdim=False):
        return _arg_extreme(self, dim, keepdim, True)

    def argmin(self, dim=None, keepdim=False):
        return _arg_extreme(self, dim, keepdim, False)

    # ------------------------------------------------------------------ shape
    def _shape_arg(self, shape) -> tuple:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
            shape = tuple(shape[0])
        return tuple(_pyint(s) for s in shape)

    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (dt.dtype, np.dtype)):
            raise NotImplementedError("view(dtype) is not supported; use .to(dtype)")
        shape = self._shape_arg(shape)
        new = _resolve_shape(shape, self._data.size, "view", self.shape)
        return apply(S.Reshape, self, shape=new)

    def reshape(self, *shape):
        return self.view(*shape)

    def view_as(self, other):
        return self.view(other.shape)

    reshape_as = view_as

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        s = self._data.shape
        start, end = start_dim % self.ndim, end_dim % self.ndim
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        mid = 1
        for n in s[start:end + 1]:
            mid *= n
        return self.reshape(s[:start] + (mid,) + s[end + 1:])

    def unflatten(self, dim, sizes):
        dim = _one_dim(dim, self.ndim)
        s = self._data.shape
        sizes = _resolve_shape(tuple(sizes), s[dim], "unflatten", (s[dim],))
        return self.reshape(s[:dim] + tuple(sizes) + s[dim + 1:])

    def permute(self, *dims):
        dims = self._shape_arg(dims)
        if sorted(d % self.ndim for d in dims) != list(range(self.ndim)):
            raise RuntimeError(f"permute: dims {dims} are not a permutation of the {self.ndim} dimensions of a "
                               f"tensor of shape {tuple(self.shape)}")
        return apply(S.Permute, self, dims=tuple(d % self.ndim for d in dims))

    def transpose(self, dim0, dim1):
        n = builtins.max(self.ndim, 1)
        d0, d1 = normalize_dims(dim0, n)[0], normalize_dims(dim1, n)[0]
        if self.ndim < 2 or d0 == d1:
            return self
        dims = list(range(self.ndim))
        dims[d0], dims[d1] = dims[d1], dims[d0]
        return as_torch_node(apply(S.Permute, self, dims=tuple(dims)), "TransposeBackward0")

    swapaxes = transpose

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return as_torch_node(self.transpose(0, 1), "TBackward0", self) if self.ndim == 2 else self

    @property
    def T(self):
        return self.permute(*reversed(range(self.ndim))) if self.ndim > 1 else self

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def squeeze(self, dim=None):
        s = self._data.shape
        if dim is None:
            new = tuple(n for n in s if n != 1)
        else:
            axes = normalize_dims(dim, builtins.max(self.ndim, 1)) if self.ndim else ()
            new = tuple(n for i, n in enumerate(s) if not (i in axes and n == 1))
        version = 0 if dim is None else 2 if isinstance(dim, (tuple, list)) else 1
        return self if new == s else as_torch_node(self.reshape(new), f"SqueezeBackward{version}", self)

    def unsqueeze(self, dim):
        n = self.ndim + 1
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
        d = dim % n
        s = self._data.shape
        return as_torch_node(self.reshape(s[:d] + (1,) + s[d:]), "UnsqueezeBackward0", self)

    def expand(self, *sizes):
        sizes = self._shape_arg(sizes)
        s = self._data.shape
        if len(sizes) < len(s):
            raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal "
                               f"to the number of dimensions in the tensor ({len(s)})")
        lead = len(sizes) - len(s)
        target = []
        for i, n in enumerate(sizes):
            cur = s[i - lead] if i >= lead else 1
            if n == -1:
                if i < lead:
                    raise RuntimeError("expand: -1 is not allowed in a leading, non-existing dimension")
                n = cur
            if cur != 1 and cur != n:
                raise RuntimeError(f"The expanded size of the tensor ({n}) must match the existing size ({cur}) "
                                   f"at non-singleton dimension {i}. Target sizes: {list(sizes)}. Tensor sizes: "
                                   f"{list(s)}")
            target.append(n)
        target = tuple(target)
        return self if target == s else apply(S.Expand, self, shape=target)

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        return self.expand(shape)

    def repeat(self, *sizes):
        sizes = self._shape_arg(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(f"repeat: number of repeat dims ({len(sizes)}) can not be smaller than the number of "
                               f"dimensions of the tensor ({self.ndim}, shape {list(self._data.shape)})")
        x = self
        if len(sizes) > x.ndim:
            x = x.reshape((1,) * (len(sizes) - x.ndim) + x._data.shape)
        # expand an inserted axis before each dim, then merge: differentiable through Expand + Reshape
        s = x._data.shape
        inter = x.reshape(tuple(v for n in s for v in (1, n)))
        target = tuple(v for r, n in zip(sizes, s) for v in (r, n))
        return inter.expand(target).reshape(tuple(r * n for r, n in zip(sizes, s)))

    def split(self, split_size_or_sections, dim=0):
        return split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return chunk(self, chunks, dim)

    def unbind(self, dim=0):
        dim = _one_dim(dim, self.ndim)
        return tuple(self.select(dim, i) for i in range(self._data.shape[dim]))

    def select(self, dim, index):
        idx = [slice(None)] * self.ndim
        idx[_one_dim(dim, self.ndim)] = index
        return self[tuple(idx)]

    def narrow(self, dim, start, length):
        idx = [slice(None)] * self.ndim
        idx[_one_dim(dim, self.ndim)] = slice(start, start + length)
        return self[tuple(idx)]

    def flip(self, *dims):
        dims = self._shape_arg(dims)
        return apply(S.Flip, self, axes=tuple(d % self.ndim for d in dims))

    def masked_fill(self, mask, value):
        mask = mask._data if isinstance(mask, Tensor) else xp_of(self._data).asarray(mask)
        if mask.shape != self._data.shape:
            _broadcast_or_raise("masked_fill", ("input", "mask"), (self._data.shape, mask.shape))
        v = self._operand(value)
        out = apply(S.Where, v._cast(self._data.dtype) if v._data.dtype != self._data.dtype else v, self, cond=mask)
        return as_torch_node(out, "MaskedFillBackward0", self)

    def where(self, condition, other):
        return where(condition, self, other)

    def matmul(self, other):
        return matmul(self, other)

    mm = bmm = matmul

    def dot(self, other):
        return matmul(self, other)

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, index):
        index, advanced = _convert_index(index)
        return apply(S.GetItem, self, index=index, advanced=advanced)

    def __setitem__(self, index, value):
        index, _ = _convert_index(index)
        v = self._operand(value)
        if is_grad_enabled() and (self.requires_grad or v.requires_grad):
            self._check_leaf_write()
            if v._data.dtype != self._data.dtype:
                v = v._cast(self._data.dtype)
            out = apply(S.SetItem, self._alias(), v, index=index)
            self._data, self._ctx, self.requires_grad = out._data, out._ctx, out.requires_grad
        else:
            self._data[index] = v._data
            self._version += 1

    # ------------------------------------------------------------------ in-place updates
    def _alias(self) -> Tensor:
        """A second handle on this tensor's current value and graph node, for in-place ops that rebind self.

        The graph must reference the old value through the alias: if it referenced `self`, rebinding `self._ctx`
        to the new node would make that node its own input and cut the history before it.
        """
        t = Tensor._wrap(self._data, self._ctx)
        t.requires_grad = self.requires_grad
        return t

    def _inplace(self, op) -> Tensor:
        """Make `op(self)` the new value of self: in place without a graph, rebinding the graph node otherwise."""
        result = op(self._alias())
        if result._data.shape != self._data.shape:
            raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast "
                               f"shape {list(result._data.shape)}")
        if is_grad_enabled() and result.requires_grad:
            self._check_leaf_write()
            if result._data.dtype != self._data.dtype:  # in place keeps the dtype (as torch)
                result = result._cast(self._data.dtype)
            self._data, self._ctx, self.requires_grad = result._data, result._ctx, True
        else:
            self._data[...] = result._data
            self._version += 1
        return self

    def add_(self, other, alpha=1):
        return self._inplace(lambda s: s + (other * alpha if alpha != 1 else other))

    def sub_(self, other, alpha=1):
        return self._inplace(lambda s: s - (other * alpha if alpha != 1 else other))

    def mul_(self, other):
        return self._inplace(lambda s: s * other)

    def div_(self, other):
        return self._inplace(lambda s: s / other)

    def pow_(self, exponent):
        return self._inplace(lambda s: s**exponent)

    def clamp_(self, min=None, max=None):
        return self._inplace(lambda s: s.clamp(min, max))

    def masked_fill_(self, mask, value):
        return self._inplace(lambda s: s.masked_fill(mask, value))

    def relu_(self):
        return self._inplace(lambda s: s.relu())

    def _check_leaf_write(self) -> None:
        if self._ctx is None and self.requires_grad and is_grad_enabled():
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation "
                               "(wrap the update in `with nnstudio.no_grad():`)")

    def _overwrite(self, values) -> Tensor:
        """Write `values` (an array or a number, broadcast) into self. Under autograd a non-leaf keeps requiring
        grad with a zero gradient to its old history (the new values do not depend on it), as torch's fill_."""
        self._check_leaf_write()
        if is_grad_enabled() and self.requires_grad:
            xp = xp_of(self._data)
            const = Tensor._wrap(xp.broadcast_to(xp.asarray(values, dtype=self._data.dtype), self._data.shape), None)
            return self._inplace(lambda s: where(Tensor._wrap(xp.ones(s._data.shape, bool), None), const, s))
        self._data[...] = values
        self._version += 1
        return self

    def copy_(self, src, non_blocking=False):
        src = self._operand(src)
        if is_grad_enabled() and src.requires_grad:
            self._check_leaf_write()
            return self._inplace(lambda s: src.expand(s.shape)._cast(s._data.dtype).clone())
        return self._overwrite(to_device(src._data, self.device))

    def zero_(self):
        return self._overwrite(0)

    def fill_(self, value):
        return self._overwrite(value.item() if isinstance(value, Tensor) else value)

    def uniform_(self, a=0.0, b=1.0):
        from ._random import generator

        self._check_leaf_write()
        return self._overwrite(to_device(generator().uniform(a, b, self._data.shape), self.device))

    def normal_(self, mean=0.0, std=1.0):
        from ._random import generator

        self._check_leaf_write()
        return self._overwrite(to_device(generator().normal(mean, std, self._data.shape), self.device))

    def __iadd__(self, o):
        return self.add_(o)

    def __isub__(self, o):
        return self.sub_(o)

    def __imul__(self, o):
        return self.mul_(o)

    def __itruediv__(self, o):
        return self.div_(o)

    # ------------------------------------------------------------------ factories on an instance
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from .creation import tensor

        return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from .creation import zeros

        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from .creation import ones

        return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from .creation import full

        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


# ---------------------------------------------------------------------- helpers and free functions
def _looks_like_dtype(a) -> bool:
    try:
        dt.to_numpy_dtype(a)
        return a is not None
    except TypeError:
        return False


def _one_dim(dim, ndim: int) -> int:
    if not isinstance(dim, (_pyint, np.integer)):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    return normalize_dims(_pyint(dim), builtins.max(ndim, 1))[0]


def _promote(a: Tensor, b: Tensor):
    """torch's promotion between two tensors: a float beats an int; wider floats win."""
    da, db = a._data.dtype, b._data.dtype
    if da.kind == "f" and db.kind != "f":
        target = da
    elif db.kind == "f" and da.kind != "f":
        target = db
    else:
        target = np.promote_types(da, db)
    return a._cast(target), b._cast(target)


def _check_broadcast(fn, a: Tensor, b: Tensor) -> None:
    sa, sb = a._data.shape, b._data.shape
    if sa == sb or not sa or not sb:
        return
    for x, y in zip(reversed(sa), reversed(sb)):
        if x != y and x != 1 and y != 1:
            op = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**"}.get(fn.__name__, fn.__name__)
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}): cannot "
                               f"broadcast shapes {list(sa)} and {list(sb)} for '{op}'")


def _broadcast_or_raise(op: str, names: tuple, shapes: tuple) -> None:
    """Raise a RuntimeError naming `op` and every operand's shape when the shapes do not broadcast."""
    ndim = builtins.max(len(s) for s in shapes)
    for i in range(1, ndim + 1):
        sizes = {s[-i] for s in shapes if len(s) >= i and s[-i] != 1}
        if len(sizes) > 1:
            listed = ", ".join(f"{n} {list(s)}" for n, s in zip(names, shapes))
            raise RuntimeError(f"{op}: shapes do not broadcast ({listed}): sizes {sorted(sizes)} at dimension "
                               f"{ndim - i} from the left of the broadcast shape")


def _resolve_shape(shape: tuple, size: int, op: str, old) -> tuple:
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred (-1), got shape {list(shape)}")
    known = 1
    for n in shape:
        if n != -1:
            if n < 0:
                raise RuntimeError(f"{op}: invalid shape dimension {n} in {list(shape)}")
            known *= n
    if unknown:
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size} "
                               f"(a tensor of shape {list(old)})")
        shape = tuple(size // known if n == -1 else n for n in shape)
    elif known != size:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size} "
                           f"(a tensor of shape {list(old)})")
    return shape


def _convert_index(index):
    """Tensors in an index become arrays; report whether NumPy will use advanced (array) indexing."""
    items = index if isinstance(index, tuple) else (index,)
    out, advanced = [], False
    for it in items:
        if isinstance(it, Tensor):
            it = it._data
        elif isinstance(it, list):
            it = np.asarray(it)
        if is_array(it):
            advanced = True
            if it.dtype.kind == "b":
                it = it.nonzero() if it.ndim > 1 else it.nonzero()[0]
                if isinstance(it, tuple):
                    out.extend(it)
                    continue
            elif it.dtype.kind not in "iu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        out.append(it)
    return (tuple(out) if isinstance(index, tuple) or len(out) > 1 else out[0]), advanced


def _arg_extreme(x: Tensor, dim, keepdim, is_max):
    fn = x._data.argmax if is_max else x._data.argmin
    if dim is None:
        return Tensor._wrap(xp_of(x._data).asarray(fn()).astype(np.int64), None)
    axis = _one_dim(dim, x.ndim)
    idx = fn(axis=axis)
    if keepdim:
        idx = xp_of(idx).expand_dims(idx, axis)
    return Tensor._wrap(idx.astype(np.int64), None)


def _as_tensor(x, like: Tensor | None = None) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if like is not None:
        return like._operand(x)
    return Tensor._wrap(_infer_numpy(x), None)


def matmul(a, b) -> Tensor:
    """Matrix product with batch broadcasting; a clear error names both shapes when they do not fit."""
    a, b = _as_tensor(a), _as_tensor(b, a)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    ka = a._data.shape[-1]
    kb = b._data.shape[-2] if b.ndim > 1 else b._data.shape[0]
    if ka != kb:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat_str(a)} and {_mat_str(b)}): "
                           f"inner dimensions {ka} and {kb} differ")
    if a.ndim > 2 or b.ndim > 2:
        _broadcast_or_raise("matmul batch dimensions", ("a", "b"), (a._data.shape[:-2], b._data.shape[:-2]))
    if a._data.dtype != b._data.dtype:
        a, b = _promote(a, b)
    return apply(L.MatMul, a, b)


def _mat_str(t: Tensor) -> str:
    s = t._data.shape
    if len(s) <= 2:
        return "x".join(str(n) for n in s)
    return str(list(s))


def maximum(a, b) -> Tensor:
    a = _as_tensor(a)
    return a._binary(M.Maximum, b)


def minimum(a, b) -> Tensor:
    a = _as_tensor(a)
    return a._binary(M.Minimum, b)


def where(condition, input=None, other=None) -> Tensor:
    """Elementwise select: `input` where `condition` is true, else `other` (scalars allowed)."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if input is None and other is None:
        return tuple(Tensor._wrap(i.astype(np.int64), None) for i in cond.nonzero())
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        ref = Tensor._wrap(xp_of(cond).zeros((), dt.get_default_dtype().np), None)
        input, other = ref._operand(input), ref._operand(other)
    elif not isinstance(input, Tensor):
        input = other._operand(input)
    else:
        other = input._operand(other)
    if not (cond.shape == input._data.shape == other._data.shape):
        _broadcast_or_raise("where", ("condition", "input", "other"), (cond.shape, input._data.shape,
                                                                       other._data.shape))
    if input._data.dtype != other._data.dtype:
        input, other = _promote(input, other)
    return apply(S.Where, input, other, cond=cond)


def cat(tensors, dim: int = 0) -> Tensor:
    """Concatenate tensors along an existing dimension (shapes must agree elsewhere)."""
    tensors = [t for t in tensors]
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    tensors = [_as_tensor(t) for t in tensors]
    ref = tensors[0]
    d = _one_dim(dim, ref.ndim)
    for i, t in enumerate(tensors):
        if t.ndim != ref.ndim or any(a != b for j, (a, b) in enumerate(zip(t.shape, ref.shape)) if j != d):
            raise RuntimeError(f"cat(): sizes of tensors must match except in dimension {d}: tensor 0 has shape "
                               f"{list(ref.shape)} but tensor {i} has shape {list(t.shape)}")
    if any(t._data.dtype != ref._data.dtype for t in tensors):
        target = np.result_type(*[t._data.dtype for t in tensors])
        tensors = [t._cast(target) for t in tensors]
    return apply(S.Cat, *tensors, dim=d)


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dimension."""
    tensors = [_as_tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    n = tensors[0].ndim + 1
    d = dim % n
    return as_torch_node(cat([t.unsqueeze(d) for t in tensors], dim=d), "StackBackward0", *tensors)


def split(x: Tensor, split_size_or_sections, dim: int = 0):
    """Split into pieces of a given size (last one smaller) or of the given list of sizes."""
    d = _one_dim(dim, x.ndim)
    n = x._data.shape[d]
    if isinstance(split_size_or_sections, (_pyint, np.integer)):
        step = _pyint(split_size_or_sections)
        if step <= 0:
            raise RuntimeError(f"split expects split_size be positive, but got split_size={step}")
        sizes = [builtins.min(step, n - s) for s in range(0, n, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={sizes}")
    out, start = [], 0
    for s in sizes:
        out.append(x.narrow(d, start, s))
        start += s
    return tuple(out)


def chunk(x: Tensor, chunks: int, dim: int = 0):
    """Split into `chunks` nearly equal pieces (torch's rule: ceil(n / chunks) each)."""
    n = x._data.shape[_one_dim(dim, x.ndim)]
    step = -(-n // chunks) if chunks > 0 else 0
    if step == 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0")
    return split(x, step, dim)


__all__ = ["Tensor", "Size", "matmul", "maximum", "minimum", "where", "cat", "concat", "concatenate", "stack",
           "split", "chunk", "no_grad"]
