"""`torch.nn.utils.parametrizations.orthogonal`: a weight kept orthogonal (orthonormal columns when it is tall,
rows when it is wide) through a parametrization, with torch's maps, initial value and state_dict keys.

The weight W (..., n, k) is computed from an unconstrained X of the same shape; a wide W is handled as its
transpose. "matrix_exp" and "cayley" turn the lower triangle of X (padded to n x n) into the skew-symmetric
A = X - X^H and take exp(A) or (I - A/2)^-1 (I + A/2), keeping the first k columns; "householder" multiplies the
reflectors stored below X's diagonal, with the signs of X's diagonal. With `use_trivialization=True` (the
default) the map is applied around a stored orthogonal `base` (n, n): W = base @ map(X), and assigning W sets
base to W (orthogonalised by QR when it is not orthogonal; completed with random columns when it is not square)
and X to minus the identity, the point where map(X) is the identity up to signs. State: `parametrizations.weight.
original` and the buffer `parametrizations.weight.0.base`.
"""

from __future__ import annotations

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..modules.module import Module
from . import parametrize

_MAPS = ("matrix_exp", "cayley", "householder")


def _is_orthogonal(q: Tensor, eps: float | None = None) -> bool:
    n, k = q.shape[-2], q.shape[-1]
    from ... import allclose, eye, finfo

    eye_k = eye(k, dtype=q.dtype)
    eps = 10.0 * n * finfo(q.dtype).eps if eps is None else eps
    return bool(allclose(q.mH @ q, eye_k, atol=eps))


def _make_orthogonal(a: Tensor) -> Tensor:
    """The Q of a's QR with the signs that make R's diagonal positive (a unique orthogonalisation)."""
    from ... import linalg

    q, r = linalg.qr(a)
    return q * r.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _Orthogonal(Module):
    """The parametrization: forward maps the unconstrained matrix to an orthogonal one (see the module)."""

    def __init__(self, weight: Tensor, orthogonal_map: str, *, use_trivialization: bool = True) -> None:
        super().__init__()
        if weight.is_complex() and orthogonal_map == "householder":
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, x: Tensor) -> Tensor:
        from ... import cat, eye, linalg, matrix_exp

        n, k = x.shape[-2], x.shape[-1]
        transposed = n < k
        if transposed:
            x = x.mT
            n, k = k, n
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            x = x.tril()
            if n != k:
                x = cat([x, x.new_zeros(n, n - k).expand(*x.shape[:-2], -1, -1)], dim=-1)
            a = x - x.mH
            if self.orthogonal_map == "matrix_exp":
                q = matrix_exp(a)
            else:
                identity = eye(n, dtype=a.dtype)
                q = linalg.solve(identity - 0.5 * a, identity + 0.5 * a)
            if n != k:
                q = q[..., :k]
        else:
            a = x.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (a * a).sum(dim=-2))
            q = linalg.householder_product(a, tau)
            q = q * x.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if "base" in self._buffers:
            q = self.base @ q
        return q.mT if transposed else q

    def right_inverse(self, q: Tensor) -> Tensor:
        from ... import cat, geqrf, randn, zeros_like

        if q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {q.shape}.")
        with no_grad():
            q_init = q
            n, k = q.shape[-2], q.shape[-1]
            transpose = n < k
            if transpose:
                q = q.mT
                n, k = k, n
            if "base" not in self._buffers:
                if self.orthogonal_map != "householder":
                    raise NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley "
                                              "parametrizations when use_trivialization=False.")
                a, tau = geqrf(q)
                diag = a.diagonal(dim1=-2, dim2=-1)
                diag.sign_()
                diag[tau == 0.0] *= -1
                return a.mT if transpose else a
            if n == k:
                q = q.clone() if _is_orthogonal(q) else _make_orthogonal(q)
            else:
                extra = randn(*(tuple(q.shape[:-2]) + (n, n - k)), dtype=q.dtype)
                q = _make_orthogonal(cat([q, extra], dim=-1))
            self.base = q
            neg_identity = zeros_like(q_init)
            neg_identity.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
            return neg_identity


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Keep `module.<name>` (a matrix or a batch of them) orthogonal through a parametrization; returns the module.
    `orthogonal_map`: "matrix_exp" (the default for square or complex weights), "cayley" or "householder" (the
    default otherwise)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        square = weight.shape[-2] == weight.shape[-1]
        orthogonal_map = "matrix_exp" if square or weight.is_complex() else "householder"
    if orthogonal_map not in _MAPS:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    parametrize.register_parametrization(
        module, name, _Orthogonal(weight, orthogonal_map, use_trivialization=use_trivialization), unsafe=True)
    return module
