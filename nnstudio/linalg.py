"""`nnstudio.linalg`: torch.linalg's norms, composed from differentiable primitives.

vector_norm: (sum |x|^ord)^(1/ord) over `dim` (all elements by default); ord inf / -inf give max / min |x|,
ord 0 counts the non-zero elements. matrix_norm: 'fro' and the induced 1 / -1 / inf / -inf norms of the matrices
in `dim`. norm: torch.linalg.norm's dispatch between the two.
"""

from __future__ import annotations

import math

import numpy as np

from . import return_types
from ._backend import to_device, xp_of
from ._dtype import int32
from ._tensor.functions import write_out
from .autograd import apply
from .creation import zeros
from .ops import decompositions as D
from .ops import reduction as R
from .ops._util import normalize_dims
from .tensor import Tensor, _as_tensor, _promote, cat, maximum, stack, where


def _check_float(x: Tensor, op: str) -> None:
    if not x.is_floating_point() and not x.is_complex():
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{x.dtype.name.capitalize()}")


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The `ord` norm of x over `dim` (an int or a tuple; None flattens). Shape: x reduced over dim."""
    x = _as_tensor(x)
    if dtype is not None:
        x = x.to(dtype)
    _check_float(x, "linalg.vector_norm")
    if x._data.dtype.kind == "c":  # the norm of the magnitudes (real), as torch
        x = x.abs()
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
        moved = A.movedim((d0, d1), (-2, -1))
        s = svdvals(moved)
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            out = out.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return out
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




# ---------------------------------------------------------------------- decompositions and solvers



def _square(A, op: str, floating: bool = True) -> Tensor:
    A = _as_tensor(A)
    if floating:
        _check_float(A, op)
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    return A


def _matrix(A, op: str) -> Tensor:
    A = _as_tensor(A)
    _check_float(A, op)
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    return A


def _numpy_linalg_error(op: str, exc: Exception) -> RuntimeError:
    return RuntimeError(f"{op}: The diagonal element 1 is zero, the inversion could not be completed because the "
                        f"input matrix is singular ({exc})") if "ingular" in str(exc) else RuntimeError(f"{op}: {exc}")


def _apply(op: str, fn, *tensors, **options) -> Tensor:
    try:
        return apply(fn, *tensors, **options)
    except np.linalg.LinAlgError as exc:
        if fn is D.Cholesky:
            raise RuntimeError(f"{op}: The factorization could not be completed because the input is not "
                               "positive-definite.") from None
        raise _numpy_linalg_error(op, exc) from None


def inv(A, *, out=None) -> Tensor:
    """The inverse of each square matrix in A (..., n, n); singular matrices raise."""
    A = _square(A, "linalg.inv")
    return _out(_apply("linalg.inv", D.Inv, A), out, "linalg.inv")


def inv_ex(A, *, check_errors: bool = False, out=None):
    """(inverse, info) with info 0 (a singular input raises, as with check_errors=True)."""
    result = inv(A)
    return return_types.linalg_inv_ex((result, zeros(result.shape[:-2], dtype=int32)))


def det(A, *, out=None) -> Tensor:
    """The determinant of each square matrix: (..., n, n) -> (...)."""
    A = _square(A, "linalg.det")
    return _out(apply(D.Det, A), out, "linalg.det")


def slogdet(A, *, out=None):
    """(sign, log|det|) of each square matrix; the gradient flows through log|det| (sign is constant)."""
    A = _square(A, "linalg.slogdet")
    sign = Tensor._wrap(xp_of(A._data).linalg.slogdet(A._data)[0].astype(A._data.dtype), None)
    return return_types.linalg_slogdet((sign, apply(D.LogAbsDet, A)))


def logdet(A) -> Tensor:
    """log det A: nan where det < 0, -inf where det = 0 (torch.logdet)."""
    sign, logabs = slogdet(A)
    return logabs + (sign < 0).to(logabs.dtype) * math.nan if bool((sign < 0).any()) else logabs


def _as_matrix_rhs(A: Tensor, B: Tensor, op: str):
    """B as (..., n, k) and whether it was a vector (torch: B is a vector when B.ndim == 1 or when
    B.shape == A.shape[:-1])."""
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation AX = B ({A.shape[-2]}x"
                           f"{A.shape[-1]} and {Bm.shape[-2]}x{Bm.shape[-1]})")
    return Bm, vector


def solve(A, B, *, left: bool = True, out=None) -> Tensor:
    """X with A X = B (left) or X A = B; A (..., n, n), B (..., n, k) or (..., n); batch dims broadcast."""
    A = _square(A, "linalg.solve")
    B = _as_tensor(B)
    if not left:
        return solve(A.mT, B.mT).mT
    if A._data.dtype != B._data.dtype:
        A, B = _promote(A, B)
    Bm, vector = _as_matrix_rhs(A, B, "linalg.solve")
    X = _apply("linalg.solve", D.Solve, A, Bm)
    return _out(X.squeeze(-1) if vector else X, out, "linalg.solve")


def solve_ex(A, B, *, left: bool = True, check_errors: bool = False, out=None):
    result = solve(A, B, left=left)
    return return_types.linalg_solve_ex((result, zeros(_as_tensor(A).shape[:-2], dtype=int32)))


def solve_triangular(A, B, *, upper: bool, left: bool = True, unitriangular: bool = False, out=None) -> Tensor:
    """X with A X = B for a triangular A (only its upper or lower triangle is read)."""
    A, B = _as_tensor(A), _as_tensor(B)
    if not left:
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    A = _square(A, "linalg.solve_triangular")
    if B.dim() < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    return _out(_apply("linalg.solve_triangular", D.SolveTriangular, A, B, upper=bool(upper),
                       unitriangular=bool(unitriangular)), out, "linalg.solve_triangular")


def cholesky(A, *, upper: bool = False, out=None) -> Tensor:
    """The lower (or upper) Cholesky factor of each symmetric positive-definite matrix."""
    A = _square(A, "linalg.cholesky")
    L = _apply("linalg.cholesky", D.Cholesky, A)
    return _out(L.mT if upper else L, out, "linalg.cholesky")


def cholesky_ex(A, *, upper: bool = False, check_errors: bool = False, out=None):
    L = cholesky(A, upper=upper)
    return return_types.linalg_cholesky_ex((L, zeros(L.shape[:-2], dtype=int32)))


def qr(A, mode: str = "reduced", *, out=None):
    """(Q, R) with A = Q R: mode 'reduced' (Q: (..., m, k)), 'complete' (Q square) or 'r' (Q empty)."""
    A = _matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    m, n = A.shape[-2:]
    if mode == "complete" and m > n:
        if A.requires_grad:
            raise NotImplementedError("linalg.qr: mode='complete' with m > n is not differentiable in nnstudio; "
                                      "use mode='reduced'")
        q, r = np.linalg.qr(A.detach().cpu().numpy(), mode="complete")
        return return_types.linalg_qr((_const(q, A), _const(r, A)))
    if m < n:
        if A.requires_grad:
            raise NotImplementedError(f"linalg.qr: the gradient for a wide matrix ({m}x{n}) is not implemented in "
                                      "nnstudio")
        q, r = np.linalg.qr(A.detach().cpu().numpy(), mode="reduced")
        return return_types.linalg_qr((_const(q, A), _const(r, A)))
    packed = apply(D.QRPair, A)
    Q, R = packed[..., :m, :], packed[..., m:, :]
    if mode == "r":
        return return_types.linalg_qr((_const(np.zeros((0,), dtype=A._data.dtype), A), R))
    return return_types.linalg_qr((Q, R))


def eigh(A, UPLO: str = "L", *, out=None):
    """(eigenvalues ascending, eigenvectors as columns) of each symmetric matrix (only the UPLO triangle is read)."""
    A = _square(A, "linalg.eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    packed = apply(D.EighPair, A, uplo=UPLO)
    return return_types.linalg_eigh((packed[..., 0, :], packed[..., 1:, :]))


def eigvalsh(A, UPLO: str = "L", *, out=None) -> Tensor:
    """The eigenvalues (ascending) of each symmetric matrix."""
    return _out(eigh(A, UPLO).eigenvalues, out, "linalg.eigvalsh")


def svd(A, full_matrices: bool = True, *, driver=None, out=None):
    """(U, S, Vh) with A = U diag(S) Vh; S descending. full_matrices=True (torch's default) gives square U and
    Vh; its gradient is implemented for square A or full_matrices=False."""
    A = _matrix(A, "linalg.svd")
    m, n = A.shape[-2:]
    if full_matrices and m != n:
        if A.requires_grad:
            raise NotImplementedError("linalg.svd: the gradient with full_matrices=True for a non-square matrix is "
                                      "not implemented in nnstudio; pass full_matrices=False")
        u, s, vh = np.linalg.svd(A.detach().cpu().numpy(), full_matrices=True)
        return return_types.linalg_svd((_const(u, A), _const(s, A), _const(vh, A)))
    packed = apply(D.SVDPair, A)
    return return_types.linalg_svd((packed[..., :m, :], packed[..., m, :], packed[..., m + 1:, :].mT))


def svdvals(A, *, driver=None, out=None) -> Tensor:
    """The singular values (descending) of each matrix."""
    A = _matrix(A, "linalg.svdvals")
    return _out(svd(A, full_matrices=False).S, out, "linalg.svdvals")


def _cutoff(s: Tensor, shape, atol, rtol):
    eps = np.finfo(s._data.dtype).eps
    smax = s.detach().amax(dim=-1, keepdim=True) if s.numel() else s.detach()
    if rtol is None:
        rtol = max(shape[-2:]) * eps if atol is None or atol == 0 else 0.0
    tol = smax * rtol
    if atol is not None:
        tol = maximum(tol, _as_tensor(atol, s)) if isinstance(atol, Tensor) else maximum(tol, s.new_full((), atol))
    return tol


def pinv(A, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """The Moore-Penrose pseudo-inverse (through the SVD; singular values at or below the tolerance count as 0)."""
    A = _matrix(A, "linalg.pinv")
    U, S, Vh = svd(A, full_matrices=False)
    keep = S > _cutoff(S, A.shape, atol, rtol)
    s_inv = where(keep, 1 / where(keep, S, S.new_ones(())), S.new_zeros(()))
    return _out((Vh.mT * s_inv.unsqueeze(-2)) @ U.mT, out, "linalg.pinv")


def matrix_rank(A, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """The number of singular values above the tolerance (int64; no gradient)."""
    A = _matrix(A, "linalg.matrix_rank")
    S = svdvals(A.detach())
    return _out((S > _cutoff(S, A.shape, atol, rtol)).sum(-1), out, "linalg.matrix_rank")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of A X = B (through the pseudo-inverse); residuals when m > n and A has full
    rank, rank, and empty singular values (torch's default 'gelsy' driver)."""
    A, B = _matrix(A, "linalg.lstsq"), _as_tensor(B)
    vector = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vector else B
    X = pinv(A, rtol=rcond) @ Bm
    m, n = A.shape[-2:]
    rank = matrix_rank(A, rtol=rcond)
    if m > n and bool((rank == n).all()):
        residuals = ((A @ X - Bm) ** 2).sum(-2)
    else:
        residuals = A.new_zeros((0,))
    return return_types.linalg_lstsq((X.squeeze(-1) if vector else X, residuals, rank, A.new_zeros((0,))))


def matrix_power(A, n: int, *, out=None) -> Tensor:
    """A @ A @ ... (n times); n = 0 gives the identity, n < 0 powers of the inverse."""
    A = _square(A, "linalg.matrix_power", floating=False)  # integer matrices too, as torch, for n >= 0
    if int(n) != n:
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    n = int(n)
    if n < 0:
        _check_float(A, "linalg.inv")
    if n == 0:
        eye = _const(np.broadcast_to(np.eye(A.shape[-1], dtype=A._data.dtype), tuple(A.shape)).copy(), A)
        return _out(eye, out, "linalg.matrix_power")
    base = inv(A) if n < 0 else A
    result, power = None, base
    k = abs(n)
    while k:  # square and multiply
        if k & 1:
            result = power if result is None else result @ power
        k >>= 1
        if k:
            power = power @ power
    return _out(result, out, "linalg.matrix_power")


def matrix_exp(A) -> Tensor:
    """exp(A) = I + A + A^2/2! + ... of each square matrix."""
    A = _square(A, "linalg.matrix_exp")
    return apply(D.MatrixExp, A)


def cross(input, other, *, dim: int = -1, out=None) -> Tensor:
    """The cross product of 3-vectors along `dim` (input and other broadcast)."""
    a, b = _as_tensor(input), _as_tensor(other)
    if a.shape[dim] != 3 or b.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[dim]} and "
                           f"{b.shape[dim]}")
    shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    a, b = a.expand(*shape), b.expand(*shape)
    a0, a1, a2 = a.unbind(dim)
    b0, b1, b2 = b.unbind(dim)
    return _out(stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim=dim), out, "linalg.cross")


def vecdot(x, y, *, dim: int = -1, out=None) -> Tensor:
    """sum(x * y) along `dim` (broadcasting)."""
    return _out((_as_tensor(x) * _as_tensor(y)).sum(dim), out, "linalg.vecdot")


def multi_dot(tensors, *, out=None) -> Tensor:
    """The product of a chain of matrices (the first may be a vector, the last too)."""
    tensors = [_as_tensor(t) for t in tensors]
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    result = tensors[0]
    for t in tensors[1:]:
        result = result @ t
    return _out(result, out, "linalg.multi_dot")


def matmul(input, other, *, out=None) -> Tensor:
    return _out(_as_tensor(input) @ other, out, "linalg.matmul")


def diagonal(A, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return _as_tensor(A).diagonal(offset, dim1, dim2)


def cond(A, p=None, *, out=None) -> Tensor:
    """The condition number: s_max / s_min for p None or 2 (s_min / s_max for -2), else norm(A) norm(A^-1)."""
    A = _matrix(A, "linalg.cond")
    if p in (None, 2, -2):
        S = svdvals(A)
        ratio = S[..., 0] / S[..., -1]
        return _out(ratio if p != -2 else 1 / ratio, out, "linalg.cond")
    return _out(matrix_norm(A, p) * matrix_norm(inv(A), p), out, "linalg.cond")


def tensorinv(A, ind: int = 2, *, out=None) -> Tensor:
    """The inverse of A seen as a matrix from its first `ind` dims to the rest."""
    A = _as_tensor(A)
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    return _out(inv(A.reshape(math.prod(rows), math.prod(cols))).reshape(*cols, *rows), out, "linalg.tensorinv")


def tensorsolve(A, B, dims=None, *, out=None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B."""
    A, B = _as_tensor(A), _as_tensor(B)
    if dims is not None:
        order = [d for d in range(A.dim()) if d not in [d % A.dim() for d in dims]] + [d % A.dim() for d in dims]
        A = A.permute(*order)
    xshape = tuple(A.shape[B.dim():])
    X = solve(A.reshape(B.numel(), math.prod(xshape)), B.reshape(-1))
    return _out(X.reshape(*xshape), out, "linalg.tensorsolve")


def vander(x, *, N=None) -> Tensor:
    """The Vandermonde matrix with increasing powers x^0, x^1, ..., x^(N-1) along a new last dim."""
    x = _as_tensor(x)
    N = x.shape[-1] if N is None else N
    if N <= 0:
        raise RuntimeError(f"N must be greater than 1, got {N}")
    ones = x.new_ones(tuple(x.shape) + (1,))
    if N == 1:
        return ones
    return cat([ones, x.unsqueeze(-1).expand(*x.shape, N - 1).cumprod(-1)], dim=-1)


def lu_factor(A, *, pivot: bool = True, out=None):
    """(LU, pivots) of each matrix (partial pivoting, 1-based int32 pivots as LAPACK/torch; no gradient)."""
    A = _matrix(A, "linalg.lu_factor")
    arr = A.detach().cpu().numpy()
    sl = D.scipy_linalg(np)
    parts = _each_matrix(arr, sl.lu_factor)
    lus, pivs = zip(*parts) if parts else ((), ())
    lu = np.stack(lus).reshape(arr.shape) if lus else arr.copy()
    piv = (np.stack(pivs) + 1).astype(np.int32).reshape(arr.shape[:-2] + (min(arr.shape[-2:]),)) if pivs else \
        np.zeros(arr.shape[:-2] + (0,), np.int32)
    return return_types.linalg_lu_factor((_const(lu, A), _const(piv, A)))


def lu_factor_ex(A, *, pivot: bool = True, check_errors: bool = False, out=None):
    """(LU, pivots, info) as lu_factor, with info 0 per matrix (a singular U is factored all the same, as LAPACK)."""
    LU, piv = lu_factor(A, pivot=pivot)
    return return_types.linalg_lu_factor_ex((LU, piv, _const(np.zeros(LU.shape[:-2], np.int32), LU)))


def _lapack(name: str, dtype):
    """scipy's LAPACK routine `name` (without the s/d prefix) for a float32 or float64 array."""
    from scipy.linalg import lapack

    return getattr(lapack, ("s" if dtype == np.float32 else "d") + name)


def _each_matrix(arr: np.ndarray, fn) -> list:
    return [fn(m) for m in arr.reshape((-1,) + arr.shape[-2:])]


def ldl_factor_ex(A, *, hermitian: bool = False, check_errors: bool = False, out=None):
    """(LD, pivots, info): the Bunch-Kaufman LDL^T factorisation of each symmetric matrix (its lower triangle
    read), in LAPACK's sytrf format as torch: L below the diagonal, the 1x1 / 2x2 blocks of D on it, pivots
    1-based (negative for a 2x2 block); no gradient (torch has none either)."""
    A = _square(A, "linalg.ldl_factor")
    arr = A.detach().cpu().numpy()
    if arr.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"linalg.ldl_factor: expected a float32 or float64 matrix, got {A.dtype}")
    sytrf = _lapack("sytrf", arr.dtype)
    parts = _each_matrix(arr, lambda m: sytrf(m, lower=1))
    ld = np.tril(np.stack([p[0] for p in parts])).reshape(arr.shape) if parts else arr.copy()
    piv = np.stack([p[1] for p in parts]).astype(np.int32).reshape(arr.shape[:-1]) if parts else \
        np.zeros(arr.shape[:-1], np.int32)
    info = np.array([p[2] for p in parts], np.int32).reshape(arr.shape[:-2])
    if check_errors and (info != 0).any():
        raise LinAlgError(f"linalg.ldl_factor: the factorization failed (info {int(info[info != 0][0])}); D is "
                          "singular")
    return return_types.linalg_ldl_factor_ex((_const(ld, A), _const(piv, A), _const(info, A)))


def ldl_factor(A, *, hermitian: bool = False, out=None):
    """(LD, pivots) of ldl_factor_ex; a singular D raises LinAlgError as in torch."""
    LD, piv, _ = ldl_factor_ex(A, hermitian=hermitian, check_errors=True)
    return return_types.linalg_ldl_factor((LD, piv))


def ldl_solve(LD, pivots, B, *, hermitian: bool = False, out=None) -> Tensor:
    """X with A X = B from ldl_factor's (LD, pivots) (no gradient)."""
    ld, piv, b = (t.detach().cpu().numpy() for t in (_as_tensor(LD), _as_tensor(pivots), _as_tensor(B)))
    if b.shape[-2] != ld.shape[-1]:
        raise RuntimeError(f"linalg.ldl_solve: B has {b.shape[-2]} rows, the factored matrices are "
                           f"{ld.shape[-1]}x{ld.shape[-1]}")
    sytrs = _lapack("sytrs", ld.dtype)
    flat_ld, flat_p = ld.reshape((-1,) + ld.shape[-2:]), piv.reshape((-1, piv.shape[-1]))
    flat_b = np.broadcast_to(b, ld.shape[:-2] + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    x = np.stack([sytrs(m, p, r.astype(ld.dtype), lower=1)[0] for m, p, r in zip(flat_ld, flat_p, flat_b)])
    return _out(_const(x.reshape(ld.shape[:-2] + b.shape[-2:]), _as_tensor(B)), out, "linalg.ldl_solve")


def geqrf(input, *, out=None):
    """(a, tau): LAPACK's QR of each matrix, R on and above the diagonal of `a`, the Householder vectors below
    it with their scales `tau` (torch.geqrf; no gradient, as torch's)."""
    A = _matrix(input, "geqrf")
    arr = A.detach().cpu().numpy()
    geq = _lapack("geqrf", arr.dtype)
    parts = _each_matrix(arr, geq)
    k = min(arr.shape[-2:])
    a = np.stack([p[0] for p in parts]).reshape(arr.shape) if parts else arr.copy()
    tau = np.stack([p[1] for p in parts]).reshape(arr.shape[:-2] + (k,)) if parts else \
        np.zeros(arr.shape[:-2] + (k,), arr.dtype)
    return return_types.geqrf((_const(a, A), _const(tau, A)))


def ormqr(input, tau, other, left: bool = True, transpose: bool = False, *, out=None) -> Tensor:
    """op(Q) @ other (left) or other @ op(Q), Q the full m x m product of geqrf's reflectors, op(Q) = Q^T when
    `transpose` (differentiable, composed)."""
    A, tau, C = _matrix(input, "ormqr"), _as_tensor(tau), _as_tensor(other)
    m = A.shape[-2]
    if (C.shape[-2] if left else C.shape[-1]) != m:
        raise RuntimeError(f"ormqr: other's {'rows' if left else 'columns'} ({C.shape[-2] if left else C.shape[-1]}) "
                           f"must match input's rows ({m})")
    Q = _reflectors(A, tau)
    Q = Q.mT if transpose else Q
    return _out(Q @ C if left else C @ Q, out, "ormqr")


def _reflectors(A: Tensor, tau: Tensor) -> Tensor:
    """The full (..., m, m) product H_0 ... H_{k-1}, H_i = I - tau_i v_i v_i^T (v_i: column i of A below the
    diagonal, 1 on it)."""
    m = A.shape[-2]
    eye = _const(np.broadcast_to(np.eye(m, dtype=A._data.dtype), tuple(A.shape[:-2]) + (m, m)).copy(), A)
    below = A.tril(-1)
    Q = eye
    rows = _const(np.arange(m), A)
    for i in range(tau.shape[-1]):
        v = below[..., :, i] + (rows == i).to(A.dtype)
        Q = Q - (Q @ v.unsqueeze(-1)) * tau[..., i, None, None] * v.unsqueeze(-2)
    return Q


def lu(A, *, pivot: bool = True, out=None):
    """(P, L, U) with A = P L U (no gradient)."""
    A = _matrix(A, "linalg.lu")
    arr = A.detach().cpu().numpy()
    sl = D.scipy_linalg(np)
    parts = _each_matrix(arr, sl.lu)
    k = min(arr.shape[-2:])
    P = np.stack([p for p, _, _ in parts]).reshape(arr.shape[:-2] + (arr.shape[-2], arr.shape[-2]))
    L = np.stack([lo for _, lo, _ in parts]).reshape(arr.shape[:-2] + (arr.shape[-2], k))
    U = np.stack([u for _, _, u in parts]).reshape(arr.shape[:-2] + (k, arr.shape[-1]))
    return return_types.linalg_lu((_const(P, A), _const(L, A), _const(U, A)))


def lu_solve(LU, pivots, B, *, left: bool = True, adjoint: bool = False, out=None) -> Tensor:
    """X with A X = B from lu_factor's (LU, pivots) (no gradient)."""
    lu_, piv, b = (t.detach().cpu().numpy() for t in (_as_tensor(LU), _as_tensor(pivots), _as_tensor(B)))
    sl = D.scipy_linalg(np)
    flat_lu = lu_.reshape((-1,) + lu_.shape[-2:])
    flat_p = piv.reshape((-1, piv.shape[-1])) - 1
    flat_b = np.broadcast_to(b, lu_.shape[:-2] + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    x = np.stack([sl.lu_solve((m, p), r, trans=1 if adjoint else 0) for m, p, r in zip(flat_lu, flat_p, flat_b)])
    return _out(_const(x.reshape(lu_.shape[:-2] + b.shape[-2:]), _as_tensor(B)), out, "linalg.lu_solve")


def eig(A, *, out=None):
    raise NotImplementedError("linalg.eig returns complex eigenvalues, and nnstudio has no complex dtypes yet; "
                              "for symmetric matrices use linalg.eigh")


def eigvals(A, *, out=None):
    raise NotImplementedError("linalg.eigvals returns complex values, and nnstudio has no complex dtypes yet; "
                              "for symmetric matrices use linalg.eigvalsh")


def householder_product(A, tau, *, out=None) -> Tensor:
    """The product of Householder reflectors H_i = I - tau_i v_i v_i^T (v_i: column i of A below the diagonal,
    1 on it), first n columns: torch.linalg.householder_product (differentiable, composed)."""
    A, tau = _matrix(A, "linalg.householder_product"), _as_tensor(tau)
    return _out(_reflectors(A, tau)[..., :, :A.shape[-1]], out, "linalg.householder_product")


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: raised for singular or non-positive-definite inputs."""


def _const(arr, like: Tensor) -> Tensor:
    return Tensor._wrap(to_device(np.asarray(arr), like.device), None)


def _out(result: Tensor, out, name: str) -> Tensor:
    return result if out is None else write_out(result, out, name)


__all__ = ["vector_norm", "matrix_norm", "norm", "inv", "inv_ex", "det", "slogdet", "solve", "solve_ex",
           "solve_triangular", "cholesky", "cholesky_ex", "qr", "eigh", "eigvalsh", "svd", "svdvals", "pinv",
           "matrix_rank", "lstsq", "matrix_power", "matrix_exp", "cross", "vecdot", "multi_dot", "matmul",
           "diagonal", "cond", "tensorinv", "tensorsolve", "vander", "lu_factor", "lu_factor_ex", "lu", "lu_solve",
           "ldl_factor", "ldl_factor_ex", "ldl_solve", "eig",
           "eigvals", "householder_product", "LinAlgError"]
