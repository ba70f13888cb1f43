"""`torch.sparse`: products and reductions of COO sparse tensors (stored densely, see nnstudio/_tensor/sparse.py),
and `sparse_coo_tensor` / `spmm`, which nnstudio also exports at the top level."""

from __future__ import annotations

from ..tensor import Tensor

__all__ = ["FloatTensor", "DoubleTensor", "LongTensor", "addmm", "log_softmax", "mm", "softmax", "spmm",
           "sparse_coo_tensor", "sum"]


def _pkg():
    import nnstudio

    return nnstudio


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad: bool = False, check_invariants=None, is_coalesced=None) -> Tensor:
    """A COO tensor of `size` holding `values` (nnz, *dense) at `indices` (sparse_dim, nnz); entries at repeated
    indices are summed (as coalesce does). Differentiable in `values`."""
    torch = _pkg()
    indices = torch.as_tensor(indices).long()
    values = torch.as_tensor(values) if not isinstance(values, Tensor) else values
    if dtype is not None:
        values = values.to(dtype)
    if indices.ndim != 2:
        raise RuntimeError(f"sparse_coo_tensor: indices must be sparse_dim x nnz, but got: {list(indices.shape)}")
    nnz = indices.shape[1]
    if values.ndim == 0 or values.shape[0] != nnz:
        raise RuntimeError(f"sparse_coo_tensor: indices and values must have same nnz, but got nnz from indices: "
                           f"{nnz}, nnz from values: {values.shape[0] if values.ndim else 0}")
    sparse_dim = indices.shape[0]
    if size is None:
        size = tuple(int(m) + 1 for m in indices.max(1)[0].tolist()) if nnz else (0,) * sparse_dim
        size = size + tuple(values.shape[1:])
    size = tuple(size)
    if nnz and any(int(m) >= s for m, s in zip(indices.max(1)[0].tolist(), size)):
        raise RuntimeError(f"sparse_coo_tensor: size is inconsistent with indices: for dim 0, size is {size[0]} "
                           f"but found index {int(indices.max())}")
    dense = torch.zeros(size, dtype=values.dtype, device=device if device is not None else values.device)
    if nnz:
        dense = dense.index_put(tuple(indices[i] for i in range(sparse_dim)), values.to(dense.device),
                                accumulate=True)
    out = dense.to_sparse()
    if requires_grad:
        out = out.detach().requires_grad_(True)
        out.__dict__["_sparse_coo"] = True
    return out


def mm(mat1: Tensor, mat2: Tensor, reduce: str = "sum") -> Tensor:
    """mat1 @ mat2 for a sparse (n, m) mat1 and a dense or sparse (m, p) mat2 -> dense (n, p) (sparse when both
    are sparse, as torch)."""
    if reduce != "sum":
        raise NotImplementedError(f"torch.sparse.mm: nnstudio supports reduce='sum' only, got {reduce!r}")
    out = mat1 @ mat2
    return out.to_sparse() if mat1.is_sparse and mat2.is_sparse else out


def spmm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """sparse (n, m) @ dense (m, p) -> dense (n, p)."""
    return mat1 @ mat2


def addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1.0, alpha: float = 1.0) -> Tensor:
    """beta * mat + alpha * (mat1 @ mat2)."""
    return beta * mat + alpha * (mat1 @ mat2)


def sum(input: Tensor, dim=None, dtype=None) -> Tensor:  # noqa: A001 - torch's name
    """The sum of the stored entries (all, or over `dim`: a sparse result, dense when every dim is summed)."""
    if dim is None:
        return input.sum() if dtype is None else input.sum().to(dtype)
    out = input.sum(dim)
    return out.to_sparse() if input.is_sparse and out.ndim else out


def _masked(input: Tensor, dim: int, fn) -> Tensor:
    """softmax over the stored entries only (unstored ones count as -inf, so they stay 0), as torch's sparse
    softmax."""
    torch = _pkg()
    mask = input != 0
    filled = torch.where(mask, input, torch.full_like(input, float("-inf")))
    out = fn(filled, dim)
    return torch.where(mask, out, torch.zeros_like(out)).to_sparse()


def softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _masked(input if dtype is None else input.to(dtype), dim, lambda x, d: x.softmax(d))


def log_softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _masked(input if dtype is None else input.to(dtype), dim, lambda x, d: x.log_softmax(d))


class _LegacySparse(type):
    """`torch.sparse.FloatTensor(indices, values, size)`: the old constructor of a COO tensor."""

    def __call__(cls, indices, values, size=None):
        torch = _pkg()
        return sparse_coo_tensor(indices, values, size, dtype=getattr(torch, cls._dtype_name))


class FloatTensor(metaclass=_LegacySparse):
    _dtype_name = "float32"


class DoubleTensor(metaclass=_LegacySparse):
    _dtype_name = "float64"


class LongTensor(metaclass=_LegacySparse):
    _dtype_name = "int64"
