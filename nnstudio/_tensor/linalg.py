"""Matrix products and norms as methods (@, matmul, mm, bmm, dot, outer, norm, ...) and torch.cdist."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..autograd import apply
from ..ops.pairwise import CDist
from .base import TensorBase
from .functions import matmul

if TYPE_CHECKING:
    from . import Tensor


class LinalgMixin:
    """Products of matrices and vectors, and norms."""

    __slots__ = ()

    def __matmul__(self, o):
        return matmul(self, o)

    def __rmatmul__(self, o):
        return matmul(self._operand(o), self)

    def matmul(self, other):
        return matmul(self, other)

    mm = bmm = matmul

    def dot(self, other):
        return matmul(self, other)

    def outer(self, vec2: Tensor) -> Tensor:
        """(n,) x (m,) -> (n, m) with out[i, j] = self[i] * vec2[j]."""
        if self.dim() != 1 or vec2.dim() != 1:
            raise RuntimeError(f"outer: expected 1-D tensors, got shapes {list(self.shape)} and {list(vec2.shape)}")
        return self.unsqueeze(1) * vec2.unsqueeze(0)

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
        """torch.norm: 'fro' (and any number p) is a vector norm over `dim`, 'nuc' a matrix norm."""
        from ..linalg import tensor_norm

        return tensor_norm(self, p, dim, keepdim, dtype)


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


