"""`nnstudio.linalg`: torch.linalg's norms, composed from differentiable primitives.

vector_norm: (sum |x|^ord)^(1/ord) over `dim` (all elements by default); ord inf / -inf give max / min |x|,
ord 0 counts the non-zero elements. matrix_norm: 'fro' and the induced 1 / -1 / inf / -inf norms of the matrices
in `dim`. norm: torch.linalg.norm's dispatch between the two.
"""

from __future__ import annotations

import math

from .autograd import apply
from .ops import reduction as R
from .ops._util import normalize_dims
from .tensor import Tensor, _as_tensor


def _check_float(x: Tensor, op: str) -> None:
    if not x.is_floating_point():
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{x.dtype.name.capitalize()}")


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The `ord` norm of x over `dim` (an int or a tuple; None flattens). Shape: x reduced over dim."""
    x = _as_tensor(x)
    if dtype is not None:
        x = x.to(dtype)
    _check_float(x, "linalg.vector_norm")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r} (use matrix_norm for 'fro' and "
                           "'nuc')")
    axes = normalize_dims(dim, x.dim()) if dim is not None else None
    if ord == 2:
        return apply(R.L2Norm, x, axes=axes, keepdim=keepdim)
    if x.numel() == 0 and ord < 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                           "operation does not have an identity")
    a = x.abs()
    if ord == math.inf:
        return a.amax(dim=axes, keepdim=keepdim)
    if ord == -math.inf:
        return a.amin(dim=axes, keepdim=keepdim)
    if ord == 0:
        # a zero gradient, as torch's (the count is flat in x)
        return (a * 0 + (x != 0).to(x.dtype)).sum(dim=axes, keepdim=keepdim)
    if ord == 1:
        return a.sum(dim=axes, keepdim=keepdim)
    return (a ** ord).sum(dim=axes, keepdim=keepdim) ** (1.0 / ord)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None) -> Tensor:
    """'fro', 1, -1, inf or -inf norm of the matrices spanned by the two dims in `dim`."""
    A = _as_tensor(A)
    if dtype is not None:
        A = A.to(dtype)
    _check_float(A, "linalg.matrix_norm")
    if A.dim() < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions, got shape "
                           f"{list(A.shape)}")
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    d0, d1 = (d % A.dim() for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values, which nnstudio does "
                                  "not differentiate yet; use 'fro', 1, -1, inf or -inf")
    if ord in (1, -1):  # max / min over columns of the column sums
        summed, over = d0, d1
    elif ord in (math.inf, -math.inf):  # max / min over rows of the row sums
        summed, over = d1, d0
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    sums = A.abs().sum(dim=summed, keepdim=True)
    out = sums.amax(dim=over, keepdim=True) if ord > 0 else sums.amin(dim=over, keepdim=True)
    return out if keepdim else out.squeeze((d0, d1))


def norm(A, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """torch.linalg.norm: a vector norm for dim int (or ord None and dim None), a matrix norm for a 2-tuple dim
    or a 2-D input with an `ord`."""
    A = _as_tensor(A)
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None:
        if ord is None:
            return vector_norm(A, 2, None, keepdim, dtype=dtype)
        if A.dim() not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{A.dim()}D.")
        dim = tuple(range(A.dim()))
    if len(dim) == 1:
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")


def tensor_norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """torch.norm / Tensor.norm: 'fro' (and any number p) is a vector norm over `dim`, 'nuc' a matrix norm."""
    if p == "fro" or p is None:
        if dim is not None and not isinstance(dim, int) and len(dim) > 2:
            raise RuntimeError(f"norm: 'fro' norm over more than two dims is not defined (dim={dim})")
        return vector_norm(input, 2, dim, keepdim, dtype=dtype)
    if p == "nuc":
        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if isinstance(p, str):
        raise RuntimeError(f"norm: unknown p {p!r} (use a number, 'fro' or 'nuc')")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


__all__ = ["vector_norm", "matrix_norm", "norm"]
