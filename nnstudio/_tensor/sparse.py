"""COO sparse tensors on dense storage: `to_sparse`, `is_sparse`, `to_dense`, `indices`, `values`, `coalesce`.

nnstudio keeps a sparse tensor's values densely (zeros where no entry is stored) and marks it with the
`sparse_coo` layout; its indices are the positions of its nonzeros in row-major order, which is torch's
coalesced order. Products with `torch.sparse.mm` / `spmm` are dense matmuls, so their values and gradients
are torch's. Explicit zeros stored by `sparse_coo_tensor` are not kept (nnz counts nonzeros only).
"""

from __future__ import annotations

from .. import _dtype


class SparseMixin:
    __slots__ = ()

    @property
    def is_sparse(self) -> bool:
        return self.__dict__.get("_sparse_coo", False)

    @property
    def layout(self):
        return _dtype.sparse_coo if self.is_sparse else _dtype.strided

    def to_sparse(self, sparse_dim: int | None = None, *, layout=None, blocksize=None, dense_dim=None):
        """The same values marked as a COO sparse tensor (differentiable, like torch's to_sparse)."""
        if layout is not None and layout is not _dtype.sparse_coo:
            raise RuntimeError(f"to_sparse: nnstudio supports layout=torch.sparse_coo only, got {layout}")
        if sparse_dim is not None and sparse_dim != self.ndim:
            raise RuntimeError(f"to_sparse: nnstudio keeps every dim sparse (sparse_dim={self.ndim}), got "
                               f"sparse_dim={sparse_dim}")
        from ..autograd.names import as_torch_node

        out = as_torch_node(self * 1, "ToSparseBackward1", self) if self.requires_grad else self.clone()
        out.__dict__["_sparse_coo"] = True
        return out

    def to_sparse_coo(self):
        return self.to_sparse()

    def to_dense(self, dtype=None, *, masked_grad=None):
        """A strided tensor with the same values (a copy that keeps the graph)."""
        out = self * 1 if self.requires_grad else self.clone()
        out.__dict__.pop("_sparse_coo", None)
        return out if dtype is None else out.to(dtype)

    def _check_sparse(self, what: str) -> None:
        if not self.is_sparse:
            raise RuntimeError(f"{what}: expected a sparse tensor (layout torch.sparse_coo), got a strided one "
                               f"(call .to_sparse() first)")

    def indices(self):
        """(ndim, nnz) int64 positions of the stored entries, in coalesced (row-major) order."""
        self._check_sparse("indices")
        from .._backend import xp_of
        from .base import wrap

        xp = xp_of(self._data)
        return wrap(xp.stack(xp.nonzero(self._data)).astype(xp.int64), None)

    def values(self):
        """The stored entries (nnz,), differentiable."""
        self._check_sparse("values")
        idx = self.indices()
        return self[tuple(idx[i] for i in range(self.ndim))]

    def _values(self):
        return self.values()

    def _indices(self):
        return self.indices()

    def coalesce(self):
        """Dense storage is always coalesced: the tensor itself."""
        self._check_sparse("coalesce")
        return self

    def is_coalesced(self) -> bool:
        self._check_sparse("is_coalesced")
        return True

    def _nnz(self) -> int:
        self._check_sparse("_nnz")
        return int((self._data != 0).sum())

    def sparse_dim(self) -> int:
        return self.ndim if self.is_sparse else 0

    def dense_dim(self) -> int:
        return 0
