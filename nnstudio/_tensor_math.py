"""torch's math functions beyond the core set: `einsum`, `cumsum` / `cumprod`, `diag` / `diagonal` /
`diag_embed` / `trace` and `logsumexp`, each a thin call to its primitive in `ops/`. Importing this module
attaches the methods to `Tensor` (replacing the gradient-less `cumsum` and the shift-only `logsumexp`)."""

from __future__ import annotations

import numpy as np

from .autograd import apply
from .ops import diagonal as D
from .ops import reduction as R
from .ops import scan as C
from .ops._util import normalize_dims
from .ops.einsum import Einsum, parse_equation
from .tensor import Tensor, _as_tensor, _promote


def _dim(x: Tensor, dim: int) -> int:
    nd = max(x.dim(), 1)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return int(dim) % nd


def einsum(equation: str, *operands) -> Tensor:
    """Sum of products over the letters of `equation` ('ij,jk->ik', 'bij,bjk', '...ij->...ji', 'ii->i').

    Operands may be given one by one or as one list. Letters not in the output are summed; without '->' the
    output holds, in alphabetical order after the '...' dimensions, the letters that appear exactly once.
    torch's sublist format works too: einsum(a, [0, 1], b, [1, 2], [0, 2]) is einsum('AB,BC->AC', a, b).
    """
    if not isinstance(equation, str):  # the sublist format: einsum(op1, [0, 1], op2, [1, 2], [0, 2])
        from ._einsum_sublist import sublist_to_equation

        equation, operands = sublist_to_equation((equation, *operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    tensors = [_as_tensor(t) for t in operands]
    ins, out, sizes = parse_equation(equation, [tuple(t.shape) for t in tensors])
    if any(t._data.dtype != tensors[0]._data.dtype for t in tensors):
        ref = tensors[0]
        for t in tensors[1:]:
            ref, _ = _promote(ref, t)
        tensors = [t._cast(ref._data.dtype) for t in tensors]
    return apply(Einsum, *tensors, ins=tuple(ins), out=out, sizes=sizes)


def cumsum(self: Tensor, dim: int, *, dtype=None) -> Tensor:
    """z_i = x_0 + ... + x_i along `dim`; integers and booleans sum as int64 (as torch)."""
    x = self if dtype is None else self.to(dtype)
    if x._data.dtype.kind in "bui":
        x = x._cast(np.int64)
    return apply(C.Cumsum, x, axis=_dim(self, dim)) if x.ndim else x.clone()


def cumprod(self: Tensor, dim: int, *, dtype=None) -> Tensor:
    """z_i = x_0 * ... * x_i along `dim` (gradient exact when some x are zero)."""
    x = self if dtype is None else self.to(dtype)
    if x._data.dtype.kind in "bui":
        x = x._cast(np.int64)
    return apply(C.Cumprod, x, axis=_dim(self, dim)) if x.ndim else x.clone()


def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The `offset` diagonal of dims dim1, dim2, as a new last dimension."""
    d1, d2 = _dim(self, dim1), _dim(self, dim2)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(D.Diagonal, self, offset=int(offset), dim1=d1, dim2=d2)


def diag_embed(self: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor whose (dim1, dim2) matrices have the last dimension of `self` on their `offset` diagonal."""
    nd = self.dim() + 1
    for d in (dim1, dim2):
        if not -nd <= d < nd:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
    if dim1 % nd == dim2 % nd:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    x = self if self.dim() else self.reshape(1)
    return apply(D.DiagEmbed, x, offset=int(offset), dim1=dim1 % nd, dim2=dim2 % nd)


def diag(self: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D input becomes a square matrix with it on the `diagonal`; a 2-D input gives that diagonal."""
    if self.dim() == 1:
        return diag_embed(self, diagonal)
    if self.dim() == 2:
        return globals()["diagonal"](self, diagonal)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.dim()}D (shape {list(self.shape)})")


def trace(self: Tensor) -> Tensor:
    """Sum of the main diagonal of a matrix (integers give int64)."""
    if self.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.dim()} (shape "
                           f"{list(self.shape)})")
    return diagonal(self).sum()


def logsumexp(self: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over `dim` (an int or a tuple), stable for large values and for -inf."""
    x = self if self._data.dtype.kind == "f" else self.float()
    axes = normalize_dims(dim, self.dim()) if dim is not None and dim != () else None
    return apply(R.LogSumExp, x, axes=axes, keepdim=keepdim)


METHODS = {"cumsum": cumsum, "cumprod": cumprod, "diagonal": diagonal, "diag_embed": diag_embed, "diag": diag,
           "trace": trace, "logsumexp": logsumexp}
for _name, _fn in METHODS.items():
    setattr(Tensor, _name, _fn)


def _function(name: str):
    method = METHODS[name]

    def fn(input, *args, **kwargs):
        return method(_as_tensor(input), *args, **kwargs)

    fn.__name__, fn.__doc__ = name, method.__doc__
    return fn


globals().update({n: _function(n) for n in METHODS})

__all__ = ["einsum", *METHODS]
