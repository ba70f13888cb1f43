"""Arithmetic and comparison: + - * / ** % //, torch's type promotion, == < & and friends, isclose, clamp."""

from __future__ import annotations

import builtins
import numbers
from typing import TYPE_CHECKING

from .. import return_types
from .._backend import xp_of
from ..autograd import apply
from ..ops import arithmetic as M
from ..ops import unary as U
from .base import TensorBase, as_tensor, wrap
from .functions import maximum, minimum
from .promotion import check_broadcast, promote

if TYPE_CHECKING:
    from . import Tensor

_pyfloat, _pybool = builtins.float, builtins.bool



class ArithmeticMixin:
    """Operators and comparisons; every binary op goes through `_binary` (promotion, broadcast check)."""

    __slots__ = ()

    def _binary(self, fn, other, reverse=False) -> Tensor:
        other = self._operand(other)
        a, b = (other, self) if reverse else (self, other)
        if a._data.dtype != b._data.dtype:
            a, b = promote(a, b)
        check_broadcast(fn, a, b)
        return apply(fn, a, b)

    def __add__(self, other):
        return self._binary(M.Add, other)

    def __radd__(self, other):
        return self._binary(M.Add, other, True)

    def __sub__(self, other):
        return self._binary(M.Sub, other)

    def __rsub__(self, other):
        return self._binary(M.Sub, other, True)

    def __mul__(self, other):
        return self._binary(M.Mul, other)

    def __rmul__(self, other):
        return self._binary(M.Mul, other, True)

    def __truediv__(self, other):
        return self._true_float()._binary(M.Div, other)

    def __rtruediv__(self, other):
        return self._true_float()._binary(M.Div, other, True)

    def __floordiv__(self, other):
        return self.floor_divide(other)

    def __rfloordiv__(self, other):
        return self._operand(other).floor_divide(self)

    def __mod__(self, other):
        return self.remainder(other)

    def __rmod__(self, other):
        return self._operand(other).remainder(self)

    def __lshift__(self, other):
        return self.bitwise_left_shift(other)

    def __rshift__(self, other):
        return self.bitwise_right_shift(other)

    def __neg__(self):
        return apply(M.Neg, self)

    def __pos__(self):
        return self

    def __pow__(self, other):
        if isinstance(other, numbers.Number) and not isinstance(other, _pybool):
            if self._data.dtype.kind != "f" and isinstance(other, _pyfloat):
                return self.float().__pow__(other)
            return apply(M.PowScalar, self, exponent=other)
        return self._binary(M.Pow, other)

    def __rpow__(self, other):
        return self._binary(M.Pow, other, True)

    def add(self, other, alpha=1):
        """self + alpha * other (torch's `add(other, *, alpha=1)`)."""
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, alpha=1):
        """self - alpha * other."""
        return self - (other * alpha if alpha != 1 else other)

    mul = multiply = __mul__

    true_divide = __truediv__

    def div(self, other, *, rounding_mode: str | None = None):
        """self / other; `rounding_mode="trunc"` rounds toward zero, `"floor"` down (both have zero gradient)."""
        if rounding_mode is None:
            return self / other
        if rounding_mode in ("floor", "trunc"):
            return self._rounded_divide(other, rounding_mode)
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"{rounding_mode!r}")

    divide = div

    def _rounded_divide(self, other, mode: str) -> Tensor:
        """Division rounded down (`mode="floor"`, Python's //) or toward zero, in the promoted dtype (integers stay
        integers); a float result keeps a zero gradient, as torch's DivBackward."""
        floor = self.floor_divide(other)
        if floor._data.dtype.kind != "f":
            if mode == "floor":
                return floor
            rem = self.remainder(other)._data
            inexact = (rem != 0) & ((self._data < 0) != (self._operand(other)._data < 0))
            return wrap(floor._data + inexact.astype(floor._data.dtype), None)
        quotient = self / other
        if mode == "trunc":
            return quotient.trunc()
        out = quotient.floor()  # zero gradient; the values are Python's //, which floor(a / b) can miss by one
        out._data = floor._data
        return out

    neg = negative = __neg__

    def pow(self, exponent):
        """self ** exponent (a number or a tensor)."""
        return self.__pow__(exponent)

    subtract = sub

    def __hash__(self) -> int:  # by identity, as torch (defined here because __eq__ is elementwise)
        return id(self)

    def _compare(self, other, op):
        o = self._operand(other)._data
        return wrap(op(self._data, o), None)

    def __eq__(self, other):
        if other is None:  # torch: `t == None` is False, not an error
            return False
        return self._compare(other, lambda a, b: a == b)

    def __ne__(self, other):
        if other is None:
            return True
        return self._compare(other, lambda a, b: a != b)

    def _order(self, other, op, kernel: str):
        """An ordering comparison: complex values have no order (torch's NotImplementedError)."""
        o = self._operand(other)._data
        if self._data.dtype.kind == "c" or o.dtype.kind == "c":
            from .promotion import scalar_name

            raise NotImplementedError(f'"{kernel}_cpu" not implemented for '
                                      f"'{scalar_name(self._data.dtype if self._data.dtype.kind == 'c' else o.dtype)}'")
        return wrap(op(self._data, o), None)

    def __lt__(self, other):
        return self._order(other, lambda a, b: a < b, "lt")

    def __le__(self, other):
        return self._order(other, lambda a, b: a <= b, "le")

    def __gt__(self, other):
        return self._order(other, lambda a, b: a > b, "gt")

    def __ge__(self, other):
        return self._order(other, lambda a, b: a >= b, "ge")

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __and__(self, other):
        return self._compare(other, lambda a, b: a & b)

    def __or__(self, other):
        return self._compare(other, lambda a, b: a | b)

    def __xor__(self, other):
        return self._compare(other, lambda a, b: a ^ b)

    def __invert__(self):
        return wrap(~self._data, None)

    logical_not = __invert__

    def equal(self, other: Tensor) -> bool:
        return self.shape == other.shape and _pybool((self._data == other._data).all())

    def allclose(self, other, rtol=1e-5, atol=1e-8, equal_nan: bool = False) -> bool:
        return _pybool(xp_of(self._data).allclose(self._data, self._operand(other)._data, rtol=rtol, atol=atol,
                                                   equal_nan=equal_nan))

    def isnan(self):
        return wrap(xp_of(self._data).isnan(self._data), None)

    def isinf(self):
        return wrap(xp_of(self._data).isinf(self._data), None)

    def isfinite(self):
        return wrap(xp_of(self._data).isfinite(self._data), None)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
        if self._data.dtype.kind == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        if isinstance(min, TensorBase) or isinstance(max, TensorBase):
            out = self
            if min is not None:
                out = maximum(out, min)
            if max is not None:
                out = minimum(out, max)
            return out
        return apply(U.Clamp, self, lo=min, hi=max)

    clip = clamp

    def maximum(self, other):
        return maximum(self, other)

    def minimum(self, other):
        return minimum(self, other)

    def clamp_min(self, min) -> Tensor:
        return self.clamp(min=min)

    def clamp_max(self, max) -> Tensor:
        return self.clamp(max=max)

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        other = as_tensor(other)
        xp = xp_of(self._data)
        return wrap(xp.isclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan), None)

    def logical_and(self, other) -> Tensor:
        return wrap(xp_of(self._data).logical_and(self._data, as_tensor(other)._data), None)

    def logical_or(self, other) -> Tensor:
        return wrap(xp_of(self._data).logical_or(self._data, as_tensor(other)._data), None)

    def logical_xor(self, other) -> Tensor:
        return wrap(xp_of(self._data).logical_xor(self._data, as_tensor(other)._data), None)

    def bitwise_not(self) -> Tensor:
        return ~self

    def bitwise_and(self, other) -> Tensor:
        return self & other

    def bitwise_or(self, other) -> Tensor:
        return self | other

    def bitwise_xor(self, other) -> Tensor:
        return self ^ other

    def signbit(self) -> Tensor:
        return wrap(xp_of(self._data).signbit(self._data), None)

    def isposinf(self) -> Tensor:
        return wrap(xp_of(self._data).isposinf(self._data), None)

    def isneginf(self) -> Tensor:
        return wrap(xp_of(self._data).isneginf(self._data), None)

    def greater(self, other) -> Tensor:
        return self > other

    def greater_equal(self, other) -> Tensor:
        return self >= other

    def less(self, other) -> Tensor:
        return self < other

    def less_equal(self, other) -> Tensor:
        return self <= other

    def not_equal(self, other) -> Tensor:
        return self != other

    def frexp(self):
        """(mantissa, exponent) with input = mantissa * 2 ** exponent, |mantissa| in [0.5, 1)."""
        if self._data.dtype.kind != "f":
            raise RuntimeError("torch.frexp() only supports floating-point dtypes")
        xp = xp_of(self._data)
        _, exponent = xp.frexp(self._data)
        scale = wrap(xp.ldexp(xp.ones_like(self._data), -exponent), None)  # 2 ** -exponent, exact
        return return_types.frexp((self * scale, wrap(exponent.astype("int32"), None)))

    def is_nonzero(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no' if self._data.size == 0 else 'more than one'} "
                               "values is ambiguous")
        return _pybool(self.item() != 0)

    def is_same_size(self, other) -> bool:
        return tuple(self.shape) == tuple(other.shape)

    def is_signed(self) -> bool:
        return self._data.dtype.kind in "fic"

    def is_neg(self) -> bool:
        return False

    def resolve_neg(self) -> Tensor:
        return self

    def float_power(self, exponent) -> Tensor:
        """input ** exponent computed in float64 (as torch)."""
        e = exponent.double() if isinstance(exponent, TensorBase) else exponent
        return self.double() ** e

