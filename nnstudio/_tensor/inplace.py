"""In-place methods (`name_`): one path, `_inplace`, for all of them, with torch's dtype rule.

`self.name_(...)` computes `self.name(...)` and makes it self's new value: written into the buffer without
autograd, recorded as a new graph node otherwise (a leaf that requires grad refuses outside `no_grad()`). The
result must be castable to self's dtype by torch's rule (`promotion.can_cast`): `tensor([1, 2, 3]).div_(2)`
raises "result type Float can't be cast to the desired output type Long", as torch.

The twins of the elementwise table (`acos_`, `erfinv_`, ...) and of the listed methods (`sigmoid_`, `scatter_`,
...) are generated at class creation from `TWINS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._backend import to_device, to_numpy, xp_of
from ..autograd import is_grad_enabled
from ..ops.pointwise import TABLE
from . import views
from .base import TensorBase, wrap
from .base import wrap as wrap_
from .functions import where
from .indexing import index_put
from .promotion import check_cast

if TYPE_CHECKING:
    from . import Tensor


def _from_to(name: str, low, high, kw: dict):
    """torch's `from` / `to` keywords of uniform_ / random_ (`from` is a Python keyword: passed as **{"from": x})."""
    if "from" in kw:
        low = kw.pop("from")
    if "to" in kw:
        high = kw.pop("to")
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument {next(iter(kw))!r}")
    return low, high


class _InplaceWritten:
    """The in-place methods with their own arguments or behaviour."""

    __slots__ = ()

    def _inplace(self, op, name: str = "in-place operation") -> Tensor:
        """Make `op(self)` the new value of self: in place without a graph, rebinding the graph node otherwise.

        op: a function of (an alias of) self returning the new value, shaped like self; `name` is for errors.
        """
        views.refresh(self)
        result = op(views.operand(self))
        rd, sd = result._data.dtype, self._data.dtype
        if rd != sd:
            check_cast(rd, sd)
        if result._data.shape != self._data.shape:
            raise RuntimeError(f"{name}: output with shape {list(self._data.shape)} doesn't match the broadcast "
                               f"shape {list(result._data.shape)}")
        if is_grad_enabled() and result.requires_grad:
            self._check_leaf_write()
            if rd != sd:  # in place keeps the dtype (as torch)
                result = result._cast(sd)
            if not views.write_back(self, result):
                self._data, self._ctx, self.requires_grad = result._data, result._ctx, True
        else:
            self._data[...] = result._data
            self._version += 1
            views.written(self)
        return self

    def index_put_(self, indices, values, accumulate: bool = False) -> Tensor:
        """In-place `index_put`: self[indices] = values (or += with `accumulate`); returns self."""
        return self._inplace(lambda s: index_put(s, indices, values, accumulate, "index_put_"), "index_put_")

    def add_(self, other, alpha=1):
        return self._inplace(lambda s: s + (other * alpha if alpha != 1 else other), "add_")

    def sub_(self, other, alpha=1):
        return self._inplace(lambda s: s - (other * alpha if alpha != 1 else other), "sub_")

    def mul_(self, other):
        return self._inplace(lambda s: s * other, "mul_")

    def div_(self, other, *, rounding_mode: str | None = None):
        return self._inplace(lambda s: s.div(other, rounding_mode=rounding_mode), "div_")

    def pow_(self, exponent):
        return self._inplace(lambda s: s**exponent, "pow_")

    def clamp_(self, min=None, max=None):
        return self._inplace(lambda s: s.clamp(min, max), "clamp_")

    def masked_fill_(self, mask, value):
        return self._inplace(lambda s: s.masked_fill(mask, value), "masked_fill_")

    def relu_(self):
        return self._inplace(lambda s: s.relu(), "relu_")

    def _overwrite(self, values) -> Tensor:
        """Write `values` (an array or a number, broadcast) into self. Under autograd a non-leaf keeps requiring
        grad with a zero gradient to its old history (the new values do not depend on it), as torch's fill_."""
        self._check_leaf_write()
        if is_grad_enabled() and self.requires_grad:
            xp = xp_of(self._data)
            const = wrap(xp.broadcast_to(xp.asarray(values, dtype=self._data.dtype), self._data.shape), None)
            return self._inplace(lambda s: where(wrap(xp.ones(s._data.shape, bool), None), const, s))
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
        return self._overwrite(value.item() if isinstance(value, TensorBase) else value)

    def uniform_(self, a=0.0, b=1.0, *, generator=None, **kw):
        """Uniform on [a, b); torch's keywords are `from` and `to` (`uniform_(**{"from": -1, "to": 1})`)."""
        from .._random import rng_of, uniform

        a, b = _from_to("uniform_", a, b, kw)
        self._check_leaf_write()
        values = uniform(rng_of(generator), self._data.shape, self._data.dtype, a, b)  # float32: no float64 copy
        return self._overwrite(to_device(values, self.device))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        from .._random import normal, rng_of

        self._check_leaf_write()
        values = normal(rng_of(generator), self._data.shape, self._data.dtype, mean, std)
        return self._overwrite(to_device(values, self.device))

    def _draw_(self, name: str, draw, generator=None) -> Tensor:
        """Fill self with `draw(numpy_generator, shape)` from `generator`'s stream (None: the library's) (no
        gradient; a leaf requiring grad refuses)."""
        from .._random import rng_of

        self._check_leaf_write()
        values = draw(rng_of(generator), self._data.shape).astype(self._data.dtype, copy=False)
        return self._overwrite(to_device(values, self.device))

    def random_(self, from_=0, to=None, *, generator=None, **kw) -> Tensor:
        """Integers uniform in [from, to) (to None: [0, from) when from is given alone, as torch's random_(to));
        torch's keyword for from_ is `from` (`random_(**{"from": 0, "to": 3})`)."""
        from_, to = _from_to("random_", from_, to, kw)
        lo, hi = (0, from_) if to is None and from_ else (from_, to)
        if hi is None:  # torch's full range: [0, 2**mantissa digits] for floats, [0, max] for integers
            return self._draw_("random_", lambda g, shape: g.random_full(shape, self._data.dtype), generator)
        return self._draw_("random_", lambda g, shape: g.randint(lo, hi, shape), generator)

    def exponential_(self, lambd: float = 1.0, *, generator=None) -> Tensor:
        return self._draw_("exponential_", lambda g, shape: g.exponential_array(shape, lambd), generator)

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> Tensor:
        return self._draw_("cauchy_", lambda g, shape: median + sigma * np.tan(
            np.pi * (g.uniform_array(shape, np.float64) - 0.5)), generator)  # torch's transform of a float64 U

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator=None) -> Tensor:
        return self._draw_("log_normal_", lambda g, shape: g.log_normal_array(shape, mean, std), generator)

    def geometric_(self, p: float, *, generator=None) -> Tensor:
        return self._draw_("geometric_", lambda g, shape: np.ceil(
            np.log(g.uniform_array(shape, np.float64)) / np.log1p(-p)), generator)  # torch's transform

    def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
        if isinstance(p, TensorBase):  # torch: a float32 uniform per element against its probability
            probs = np.broadcast_to(to_numpy(p._data), self._data.shape)
            return self._draw_("bernoulli_", lambda g, shape: g.bernoulli_tensor(probs), generator)
        return self._draw_("bernoulli_", lambda g, shape: g.bernoulli_scalar(float(p), shape), generator)

    def fill_diagonal_(self, fill_value, wrap: bool = False) -> Tensor:
        """Write fill_value on the main diagonal (all dims of equal size for more than 2 dims); `wrap` continues
        below a tall matrix's square part, as NumPy's fill_diagonal."""
        mask = np.zeros(tuple(self.shape), dtype=bool)
        np.fill_diagonal(mask, True, wrap=wrap)
        m = wrap_(to_device(mask, self.device), None)
        return self._inplace(lambda s: s.masked_fill(m, fill_value), "fill_diagonal_")

    def _view_inplace(self, op, name: str) -> Tensor:
        """A view op in place (t_, squeeze_, ...): self takes the new shape (and graph node)."""
        result = op(self._alias())
        if is_grad_enabled() and result.requires_grad:
            self._check_leaf_write()
            self._data, self._ctx = result._data, result._ctx
        else:
            self._data = result._data
        return self

    def t_(self) -> Tensor:
        return self._view_inplace(lambda s: s.t(), "t_")

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        return self._view_inplace(lambda s: s.transpose(dim0, dim1), "transpose_")

    def swapaxes_(self, axis0: int, axis1: int) -> Tensor:
        return self._view_inplace(lambda s: s.transpose(axis0, axis1), "swapaxes_")

    def swapdims_(self, dim0: int, dim1: int) -> Tensor:
        return self._view_inplace(lambda s: s.transpose(dim0, dim1), "swapdims_")

    def squeeze_(self, dim=None) -> Tensor:
        return self._view_inplace(lambda s: s.squeeze(dim), "squeeze_")

    def unsqueeze_(self, dim: int) -> Tensor:
        return self._view_inplace(lambda s: s.unsqueeze(dim), "unsqueeze_")

    def as_strided_(self, size, stride, storage_offset: int = 0) -> Tensor:
        return self._view_inplace(lambda s: s.as_strided(size, stride, storage_offset), "as_strided_")

    def apply_(self, callable) -> Tensor:
        """self[i] = callable(self[i]) for every element (slow: Python per element; no gradient)."""
        fn = np.vectorize(callable, otypes=[self._data.dtype])
        return self._overwrite(to_device(fn(to_numpy(self._data)), self.device))

    def map_(self, tensor, callable) -> Tensor:
        """self[i] = callable(self[i], tensor[i]) (tensor broadcast to self; no gradient)."""
        fn = np.vectorize(callable, otypes=[self._data.dtype])
        other = np.broadcast_to(to_numpy(tensor._data), self._data.shape)
        return self._overwrite(to_device(fn(to_numpy(self._data), other), self.device))

    def map2_(self, x, y, callable) -> Tensor:
        """self[i] = callable(self[i], x[i], y[i]) (x and y broadcast to self; no gradient; CPU arrays)."""
        fn = np.vectorize(callable, otypes=[self._data.dtype])
        xs = [np.broadcast_to(to_numpy(t._data), self._data.shape) for t in (x, y)]
        return self._overwrite(to_device(fn(to_numpy(self._data), *xs), self.device))

    def set_(self, source=None, storage_offset: int = 0, size=None, stride=None) -> Tensor:
        """Make self a view of `source`'s memory: all of it, or the window of `size` and `stride` (in elements)
        from element `storage_offset` of its flat memory; with no source, an empty tensor. Self then shares
        memory with source (writes show in both); refused on a tensor that requires grad, as torch's."""
        self._check_leaf_write()
        if self.requires_grad and is_grad_enabled():
            raise RuntimeError("set_: a tensor that requires grad cannot be set to other memory; call it under "
                               "torch.no_grad() or on a detached tensor")
        xp = xp_of(self._data)
        if source is None:
            self._data = xp.empty((0,), dtype=self._data.dtype)
            return self
        src = source._data
        if src.dtype != self._data.dtype:
            raise RuntimeError(f"Could not set tensor of type {self.dtype} to a storage of type {source.dtype}")
        if size is None and not storage_offset and stride is None:
            self._data = src
            return self
        if not src.flags.c_contiguous:
            raise RuntimeError("set_: a window (storage_offset, size, stride) needs a contiguous source tensor")
        size = tuple(int(n) for n in (src.shape if size is None else size))
        if stride is None:
            stride = tuple(int(np.prod(size[i + 1:])) for i in range(len(size)))
        flat = src.reshape(-1)
        last = int(storage_offset) + sum((n - 1) * st for n, st in zip(size, stride)) if all(size) else -1
        if storage_offset < 0 or last >= flat.size:
            raise RuntimeError(f"set_: size {list(size)}, stride {list(stride)} and storage_offset "
                               f"{storage_offset} reach past the source's {flat.size} elements")
        self._data = xp.lib.stride_tricks.as_strided(flat[int(storage_offset):], size,
                                                     tuple(int(st) * src.itemsize for st in stride))
        return self

    def __iadd__(self, o):
        return self.add_(o)

    def __isub__(self, o):
        return self.sub_(o)

    def __imul__(self, o):
        return self.mul_(o)

    def __itruediv__(self, o):
        return self.div_(o)


# method name -> the out-of-place method it updates self with (besides every table op that has an in-place form)
TWINS = {"absolute_": "abs", "negative_": "neg", "neg_": "neg", "sigmoid_": "sigmoid", "tanh_": "tanh",
         "square_": "square", "clamp_min_": "clamp_min", "clamp_max_": "clamp_max", "clip_": "clamp",
         "arccos_": "acos", "arcsin_": "asin", "arctan_": "atan", "arccosh_": "acosh", "arcsinh_": "asinh",
         "arctanh_": "atanh", "arctan2_": "atan2", "lerp_": "lerp", "addcmul_": "addcmul", "addcdiv_": "addcdiv",
         "scatter_": "scatter", "scatter_add_": "scatter_add", "index_add_": "index_add",
         "scatter_reduce_": "scatter_reduce", "index_fill_": "index_fill", "masked_scatter_": "masked_scatter",
         "tril_": "tril", "triu_": "triu", "logical_not_": "logical_not", "logical_and_": "logical_and",
         "logical_or_": "logical_or", "logical_xor_": "logical_xor", "float_power_": "float_power",
         "true_divide_": "div", "divide_": "div", "multiply_": "mul", "subtract_": "sub", "fill_diagonal_": None,
         "eq_": "eq", "ne_": "ne", "lt_": "lt", "le_": "le", "gt_": "gt", "ge_": "ge", "addmm_": "addmm",
         "baddbmm_": "baddbmm", "addmv_": "addmv", "addr_": "addr", "renorm_": "renorm", "cumsum_": "cumsum",
         "cumprod_": "cumprod", "put_": "put",
         "index_copy_": "index_copy", "masked_fill_": None, "greater_": "greater", "greater_equal_": "greater_equal",
         "less_": "less", "less_equal_": "less_equal", "not_equal_": "not_equal", "bitwise_and_": "bitwise_and",
         "bitwise_or_": "bitwise_or", "bitwise_xor_": "bitwise_xor", "bitwise_not_": "bitwise_not",
         "addbmm_": "addbmm", "conj_physical_": "conj_physical", "mvlgamma_": "mvlgamma",
         "index_reduce_": "index_reduce", "bitwise_left_shift_": "bitwise_left_shift",
         "bitwise_right_shift_": "bitwise_right_shift"}


def _twin(name: str, method: str):
    def inplace(self, *args, **kwargs):
        return self._inplace(lambda s: getattr(s, method)(*args, **kwargs), name)

    inplace.__name__ = inplace.__qualname__ = name
    inplace.__doc__ = f"In place `{method}`: self = self.{method}(...); returns self."
    return inplace


def _generated() -> dict:
    names = {f"{op.name}_": op.name for op in TABLE if op.inplace and op.method}
    names.update({k: v for k, v in TWINS.items() if v is not None and k not in names})
    return {name: _twin(name, method) for name, method in names.items()}


InplaceMixin = type("InplaceMixin", (_InplaceWritten,), {
    "__slots__": (), "__module__": __name__, "__doc__": "Methods that change the tensor's own values.",
    **_generated()})

__all__ = ["InplaceMixin"]
