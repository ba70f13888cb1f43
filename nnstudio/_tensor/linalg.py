"""Matrix products and norms as methods (@, matmul, mm, bmm, dot, outer, norm, ...) and torch.cdist."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import return_types
from ..autograd import apply
from ..autograd.names import as_torch_node
from ..ops.pairwise import CDist
from .base import TensorBase
from .functions import matmul, tensordot

if TYPE_CHECKING:
    from . import Tensor




def _fused(base: Tensor, product: Tensor, beta, alpha) -> Tensor:
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # torch ignores self then (its NaNs do not propagate); the shapes still broadcast
        shape = np.broadcast_shapes(tuple(base.shape), tuple(scaled.shape))
        scaled = scaled.expand(*shape) if shape != tuple(scaled.shape) else scaled
        return scaled + (base * 0).nan_to_num(0.0, 0.0, 0.0) if base.requires_grad else scaled  # zero gradient
    return (base if beta == 1 else base * beta) + scaled


def _check_3d(b1: Tensor, b2: Tensor, op: str) -> None:
    if b1.dim() != 3 or b2.dim() != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {b1.dim()}D and {b2.dim()}D for {op})")


class LinalgMixin:
    """Products of matrices and vectors, and norms."""

    __slots__ = ()

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(self._operand(other), self)

    def matmul(self, other):
        return matmul(self, other)

    def mm(self, mat2) -> Tensor:
        """(n, m) @ (m, p) -> (n, p): both must be matrices (matmul broadcasts, mm does not)."""
        mat2 = self._operand(mat2)
        if self.dim() != 2 or mat2.dim() != 2:
            bad = "self" if self.dim() != 2 else "mat2"
            raise RuntimeError(f"{bad} must be a matrix (mm got shapes {list(self.shape)} and {list(mat2.shape)})")
        return matmul(self, mat2)

    def bmm(self, mat2) -> Tensor:
        """(b, n, m) @ (b, m, p) -> (b, n, p), the batch sizes equal (no broadcasting)."""
        mat2 = self._operand(mat2)
        _check_3d(self, mat2, "bmm")
        if self.shape[0] != mat2.shape[0]:
            raise RuntimeError(f"bmm: batch sizes differ: {list(self.shape)} and {list(mat2.shape)}")
        return as_torch_node(matmul(self, mat2), "BmmBackward0", self, mat2)

    def dot(self, tensor) -> Tensor:
        """(n,) . (n,) -> a 0-d tensor."""
        tensor = self._operand(tensor)
        if self.dim() != 1 or tensor.dim() != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.dim()}D and {tensor.dim()}D tensors")
        return matmul(self, tensor)

    def outer(self, vec2: Tensor) -> Tensor:
        """(n,) x (m,) -> (n, m) with out[i, j] = self[i] * vec2[j]."""
        if self.dim() != 1 or vec2.dim() != 1:
            raise RuntimeError(f"outer: expected 1-D tensors, got shapes {list(self.shape)} and {list(vec2.shape)}")
        return self.unsqueeze(1) * vec2.unsqueeze(0)

    # ------------------------------------------------------------------ fused products (beta * self + alpha * ...)
    def addmm(self, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
        """beta * self + alpha * (mat1 @ mat2); self broadcasts to the (n, p) result (beta=0 ignores self)."""
        return _fused(self, matmul(mat1, mat2), beta, alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1) -> Tensor:
        """beta * self + alpha * (mat @ vec)."""
        return _fused(self, matmul(mat, vec), beta, alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1) -> Tensor:
        """beta * self + alpha * outer(vec1, vec2)."""
        return _fused(self, vec1.outer(vec2), beta, alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
        """beta * self + alpha * sum_b (batch1[b] @ batch2[b])."""
        return _fused(self, matmul(batch1, batch2).sum(0), beta, alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
        """beta * self + alpha * (batch1 @ batch2), batch by batch."""
        _check_3d(batch1, batch2, "baddbmm")
        return _fused(self, matmul(batch1, batch2), beta, alpha)

    def mv(self, vec) -> Tensor:
        """(n, m) @ (m,) -> (n,)."""
        if self.dim() != 2 or vec.dim() != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {self.dim()}, {vec.dim()}")
        return matmul(self, vec)

    def ger(self, vec2) -> Tensor:
        return self.outer(vec2)

    def inner(self, other) -> Tensor:
        """The sum over the last dims of self and other (a scalar for 1-D inputs)."""
        if self.dim() == 0 or other.dim() == 0:
            return self * other
        return tensordot(self, other, dims=([-1], [-1]))

    def vdot(self, other) -> Tensor:
        if self.dim() != 1 or other.dim() != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.dim()}D and {other.dim()}D tensors")
        return (self.conj() * other).sum()  # the first argument conjugated, as torch

    def kron(self, other) -> Tensor:
        """The Kronecker product: out[i*q + k, j*r + l] = self[i, j] * other[k, l] (any number of dims)."""
        other = self._operand(other)
        nd = max(self.dim(), other.dim())
        a = self.reshape((1,) * (nd - self.dim()) + tuple(self.shape))
        b = other.reshape((1,) * (nd - other.dim()) + tuple(other.shape))
        a_exp = a.reshape(tuple(v for n in a.shape for v in (n, 1)))
        b_exp = b.reshape(tuple(v for n in b.shape for v in (1, n)))
        return (a_exp * b_exp).reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))

    def cross(self, other, dim=None) -> Tensor:
        """The cross product of 3-vectors along `dim` (default: the first dim of size 3, as torch.cross)."""
        from .. import linalg as LA

        if dim is None:
            dim = next((i for i, n in enumerate(np.broadcast_shapes(tuple(self.shape), tuple(other.shape)))
                        if n == 3), -1)
        return LA.cross(self, other, dim=dim)

    # ------------------------------------------------------------------ torch.linalg as methods
    def det(self) -> Tensor:
        from .. import linalg as LA

        return LA.det(self)

    def logdet(self) -> Tensor:
        from .. import linalg as LA

        return LA.logdet(self)

    def slogdet(self):
        from .. import linalg as LA

        return return_types.slogdet(LA.slogdet(self))

    def inverse(self) -> Tensor:
        from .. import linalg as LA

        return LA.inv(self)

    def pinverse(self, rcond: float = 1e-15) -> Tensor:
        from .. import linalg as LA

        return LA.pinv(self, rtol=rcond)

    def cholesky(self, upper: bool = False) -> Tensor:
        from .. import linalg as LA

        return LA.cholesky(self, upper=upper)

    def cholesky_solve(self, input2, upper: bool = False) -> Tensor:
        """X with A X = self, where A = L L^T for the Cholesky factor `input2` (upper: A = U^T U)."""
        from .. import linalg as LA

        L = input2.mT if upper else input2
        y = LA.solve_triangular(L, self, upper=False)
        return LA.solve_triangular(L.mT, y, upper=True)

    def cholesky_inverse(self, upper: bool = False) -> Tensor:
        """The inverse of A = L L^T from its Cholesky factor self (upper: A = U^T U)."""
        from .. import linalg as LA

        L = self.mT if upper else self
        return LA.inv(L @ L.mT)

    def geqrf(self):
        """(a, tau): LAPACK's Householder QR (see linalg.geqrf)."""
        from .. import linalg as LA

        return LA.geqrf(self)

    def orgqr(self, input2) -> Tensor:
        """The first n columns of Q from geqrf's (a, tau): linalg.householder_product."""
        from .. import linalg as LA

        return LA.householder_product(self, input2)

    def ormqr(self, input2, input3, left: bool = True, transpose: bool = False) -> Tensor:
        """op(Q) @ input3 (or input3 @ op(Q)) for Q from geqrf's (self, tau=input2)."""
        from .. import linalg as LA

        return LA.ormqr(self, input2, input3, left, transpose)

    def qr(self, some: bool = True):
        from .. import linalg as LA

        return return_types.qr(LA.qr(self, "reduced" if some else "complete"))

    def svd(self, some: bool = True, compute_uv: bool = True):
        """torch.svd: (U, S, V) with V (not Vh); `some` gives the reduced factors."""
        from .. import linalg as LA

        U, S, Vh = LA.svd(self, full_matrices=not some)
        if not compute_uv:
            return return_types.svd((U.new_zeros(U.shape), S, Vh.new_zeros(Vh.shape)))
        return return_types.svd((U, S, Vh.mT))

    def matrix_power(self, n: int) -> Tensor:
        from .. import linalg as LA

        return LA.matrix_power(self, n)

    def matrix_exp(self) -> Tensor:
        from .. import linalg as LA

        return LA.matrix_exp(self)

    def triangular_solve(self, A, upper: bool = True, transpose: bool = False, unitriangular: bool = False):
        """torch.triangular_solve(b, A): (solution of A X = b, a copy of A)."""
        from .. import linalg as LA

        M = A.mT if transpose else A
        X = LA.solve_triangular(M, self, upper=upper != transpose, unitriangular=unitriangular)
        return return_types.triangular_solve((X, A.clone()))

    def lu_solve(self, LU_data, LU_pivots) -> Tensor:
        from .. import linalg as LA

        return LA.lu_solve(LU_data, LU_pivots, self)

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
        """torch.norm: 'fro' (and any number p) is a vector norm over `dim`, 'nuc' a matrix norm."""
        from ..linalg import tensor_norm

        return tensor_norm(self, p, dim, keepdim, dtype)

    def lu(self, pivot: bool = True, get_infos: bool = False):
        from .functions import lu

        return lu(self, pivot, get_infos)

    def solve(self, A):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. `torch.solve` is "
                           "deprecated in favor of `torch.linalg.solve`.")

    def lstsq(self, A):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. `torch.lstsq` is "
                           "deprecated in favor of `torch.linalg.lstsq`.")

    def symeig(self, eigenvectors: bool = False, upper: bool = True):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. `torch.symeig` is "
                           "deprecated in favor of `torch.linalg.eigh`.")

    def eig(self, eigenvectors: bool = False):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. `torch.eig` is "
                           "deprecated in favor of `torch.linalg.eig`.")


# ---------------------------------------------------------------------- torch.cdist

_MODES = {"use_mm_for_euclid_dist_if_necessary": None, "use_mm_for_euclid_dist": True,
          "donot_use_mm_for_euclid_dist": False}


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"
          ) -> Tensor:
    """Distances d[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p.

    x1: (*B1, P, M), x2: (*B2, R, M) with broadcastable batch dims B1, B2 -> (*B, P, R). p >= 0 (inf allowed).
    For p = 2 the default mode uses matrix products when P > 25 or R > 25, as torch (faster, a little less
    exact for near points); compute_mode="donot_use_mm_for_euclid_dist" always uses the differences.
    """
    for name, t in (("X1", x1), ("X2", x2)):
        if not isinstance(t, TensorBase):
            raise TypeError(f"cdist(): {name} must be a Tensor, got {type(t).__name__}")
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {t.dtype}")
        if t.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: "
                           f"{x2.shape[-1]} (shapes {list(x1.shape)} and {list(x2.shape)})")
    if x1._data.dtype != x2._data.dtype:
        raise RuntimeError(f"cdist(): X1 and X2 must have the same dtype, got {x1.dtype} and {x2.dtype}")
    p = float(p)
    if p < 0 or np.isnan(p):
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode; expected one of {list(_MODES)}")
    try:
        batch = tuple(np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2])))
    except ValueError:
        raise RuntimeError(f"cdist(): the batch dims of X1 {list(x1.shape)} and X2 {list(x2.shape)} do not "
                           f"broadcast") from None
    if tuple(x1.shape[:-2]) != batch:
        x1 = x1.expand(*batch, *x1.shape[-2:])
    if tuple(x2.shape[:-2]) != batch:
        x2 = x2.expand(*batch, *x2.shape[-2:])
    return apply(CDist, x1, x2, p=p, use_mm=_MODES[compute_mode])
