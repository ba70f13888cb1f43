"""Elementwise math as Tensor methods: everything in the table (`nnstudio/ops/pointwise.py`) becomes a method
here, generated at class creation; activations with their own primitives (relu, sigmoid, tanh, softmax) and
the composed ones (square, lerp, addcmul, addcdiv) are written out below.

`TENSOR_NS` is the table's namespace over Tensors: `op.derivatives[i](x, out, g, TENSOR_NS)` with Tensor
arguments records the derivative itself as a graph (for higher-order gradients).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .. import _dtype as dt
from ..autograd import apply
from ..ops import activation as A
from ..ops import arithmetic as M
from ..ops._util import wrap_dim
from ..ops.pointwise import FUNCTIONS, TABLE, Pointwise
from .promotion import check_broadcast, promote

if TYPE_CHECKING:
    from . import Tensor


class _TensorNamespace:
    """The table's functions over Tensors: `ns.cos` is `nnstudio.cos`, `ns.i1` is `nnstudio.special.i1`."""

    def __getattr__(self, name: str):
        root = importlib.import_module("nnstudio")
        fn = getattr(root, name, None)
        if fn is None:
            fn = getattr(importlib.import_module("nnstudio.special"), name)
        if name == "clip":
            fn = root.clamp
        self.__dict__[name] = fn
        return fn


TENSOR_NS = _TensorNamespace()


def _binder(op: Pointwise):
    """Bind positional and keyword arguments to the op's parameters (names and defaults from the table)."""
    names = [n for n, _ in op.params]
    defaults = dict(op.params)

    def bind(args: tuple, kwargs: dict) -> dict:
        if len(args) > len(names):
            raise TypeError(f"{op.name}() takes {len(names) + op.arity - 1} argument(s) after the input but "
                            f"{len(args) + op.arity - 1} were given")
        params = dict(defaults)
        params.update(zip(names, args))
        for key in kwargs:
            if key not in defaults:
                raise TypeError(f"{op.name}() got an unexpected keyword argument '{key}'")
        params.update(kwargs)
        return params

    return bind


def _float_of(t: Tensor) -> Tensor:
    return t if t._data.dtype.kind in "fc" else t._cast(dt.get_default_dtype().np)


def _refuse_integers(op: Pointwise, t: Tensor) -> None:
    """torch's NotImplementedError for a kernel that has no loop for t's dtype."""
    from .promotion import scalar_name

    kernel = op.extra.get("kernel", op.name)
    raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{scalar_name(t)}\'')


def _unary_method(op: Pointwise, fn):
    to_float = op.dtype == "float"
    differentiable = op.derivatives is not None
    if op.dtype == "float_only":
        bind = _binder(op)

        def method(self, *args, **kwargs):
            if self._data.dtype.kind != "f":
                _refuse_integers(op, self)
            return apply(fn, self, **bind(args, kwargs))
    elif not op.params:
        if to_float:
            def method(self):
                return apply(fn, self if self._data.dtype.kind == "f" else _float_of(self))
        else:
            def method(self):
                return apply(fn, self)
    else:
        bind = _binder(op)

        def method(self, *args, **kwargs):
            x = _float_of(self) if to_float else self
            return apply(fn, x, **bind(args, kwargs))
    if not differentiable:  # no gradient (as torch's airy_ai): the result has no history
        differentiable_method = method

        def method(self, *args, **kwargs):
            return differentiable_method(self.detach(), *args, **kwargs)

    return method


def _binary_method(op: Pointwise, fn):
    to_float = op.dtype == "float"
    bind = _binder(op)
    differentiable = op.derivatives is not None

    def method(self, other, *args, **kwargs):
        b = self._operand(other)
        a = self
        if a._data.dtype != b._data.dtype:
            a, b = promote(a, b)
        if to_float and a._data.dtype.kind != "f":
            a, b = _float_of(a), _float_of(b)
        if op.dtype == "float_only" and a._data.dtype.kind != "f":
            _refuse_integers(op, a)
        if op.dtype == "int_only" and a._data.dtype.kind == "f":
            _refuse_integers(op, a)
        check_broadcast(fn, a, b)
        params = bind(args, kwargs) if (args or kwargs) else {}
        if not differentiable:
            a, b = a.detach(), b.detach()
        return apply(fn, a, b, **params)

    return method


def _table_calls() -> dict:
    """Every table row as a callable `(tensor, *args, **kwargs)`: the method where torch has one, and what
    `nnstudio.special` calls for the rows that only live there."""
    calls = {}
    for op in TABLE:
        fn = FUNCTIONS[op.name]
        m = _unary_method(op, fn) if op.arity == 1 else _binary_method(op, fn)
        m.__name__ = m.__qualname__ = op.name
        m.__doc__ = f"Elementwise {op.doc} (see `nnstudio.ops.pointwise`)."
        calls[op.name] = m
    return calls


TABLE_CALLS = _table_calls()


class _ElementwiseWritten:
    """The elementwise methods that are not table rows."""

    __slots__ = ()

    def __abs__(self):
        return self.abs()

    def absolute(self):
        return self.abs()

    def arccos(self):
        return self.acos()

    def arcsin(self):
        return self.asin()

    def arctan(self):
        return self.atan()

    def arccosh(self):
        return self.acosh()

    def arcsinh(self):
        return self.asinh()

    def arctanh(self):
        return self.atanh()

    def arctan2(self, other):
        return self.atan2(other)

    def positive(self):
        """The input itself (as torch: no copy, no new node)."""
        return self

    def square(self):
        return apply(M.PowScalar, self, exponent=2)

    def relu(self):
        return apply(A.Relu, self)

    def sigmoid(self):
        if self._data.dtype.kind == "c":  # torch's complex sigmoid, composed (holomorphic: torch's gradient)
            return 1 / (1 + (-self).exp())
        return apply(A.Sigmoid, self._true_float())

    def tanh(self):
        return apply(A.Tanh, self._true_float())

    def softmax(self, dim, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        return apply(A.Softmax, x._true_float(), dim=wrap_dim(dim, self.ndim))

    def log_softmax(self, dim, dtype=None):
        x = self if dtype is None else self._cast(dt.to_numpy_dtype(dtype))
        return apply(A.LogSoftmax, x._true_float(), dim=wrap_dim(dim, self.ndim))

    def hardshrink(self, lambd: float = 0.5):
        """x where |x| > lambd, else 0."""
        return self.masked_fill(self.abs() <= lambd, 0)

    def prelu(self, weight):
        """max(0, x) + weight * min(0, x), weight per channel (dim 1) or one value."""
        w = weight.reshape((1, -1) + (1,) * (self.dim() - 2)) if weight.numel() > 1 and self.dim() > 1 else weight
        return self.clamp(min=0) + w * self.clamp(max=0)

    def lerp(self, end, weight):
        """self + weight * (end - self), elementwise (weight a number or a tensor)."""
        return self + weight * (end - self)

    def addcmul(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 * tensor2."""
        return self + value * tensor1 * tensor2

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 / tensor2."""
        return self + value * (tensor1 / tensor2)



ElementwiseMixin = type("ElementwiseMixin", (_ElementwiseWritten,), {
    "__slots__": (), "__module__": __name__, "__doc__": "Elementwise math: the table's methods and the written ones.",
    **{op.name: TABLE_CALLS[op.name] for op in TABLE if op.method}})

__all__ = ["ElementwiseMixin", "TENSOR_NS", "TABLE_CALLS"]
