"""Matrix functions and decompositions on `xp.linalg` (NumPy / CuPy), batched over leading dims, with the
standard adjoint formulas (real matrices; `mT` below is the transpose of the last two dims).

    inv        Y = A^-1                 gA = -Y^T g Y^T
    det        d = det A                gA = g d A^-T
    slogdet    l = log|det A|           gA = g A^-T
    solve      X = A^-1 B               gB = A^-T g,  gA = -gB X^T
    cholesky   A = L L^T                gA = sym(L^-T Phi(L^T gL) L^-1)  (Phi: lower triangle, half diagonal)
    qr         A = Q R (reduced, m>=n)  gA = [gQ + Q (N - Q^T gQ)] R^-T,  N = M + tril(X - X^T, -1),
                                         M = gR R^T, X = Q^T gQ - M
    eigh       A = V diag(w) V^T        gA = V (diag(gw) + skew(V^T gV) / E) V^T,  E_ij = w_j - w_i
    svd        A = U diag(s) V^T        (Townsend's formula, see SVD.backward)
    triangular X = A^-1 B, A triangular gB = A^-T g,  gA = -tri(gB X^T)
    expm       E = exp(A)               gA = the upper-right block of exp([[A^T, g], [0, A^T]])

inv, det, slogdet and solve also run their backward on Tensors under create_graph (`tensor_saves`, see
autograd/engine.py: the inverse and the solve inside are then recorded Inv / Solve nodes), so they have second
derivatives; the others have none yet (create_graph=True raises, naming the op).
"""

from __future__ import annotations

import importlib

from .._backend import xp_of
from ..autograd import Function
from ._util import unbroadcast


def mT(a):
    return a.swapaxes(-1, -2)


def _sym(a):
    return 0.5 * (a + mT(a))


def _inv(a):
    """A^-1 of an array, or of a Tensor as a recorded Inv node (create_graph)."""
    if hasattr(a, "_ctx"):
        from ..autograd import apply

        return apply(Inv, a)
    return xp_of(a).linalg.inv(a)


def _solve(a, b):
    """A^-1 B of arrays, or of Tensors as a recorded Solve node (create_graph)."""
    if hasattr(b, "_ctx"):
        from ..autograd import apply

        return apply(Solve, a, b)
    return xp_of(b).linalg.solve(a, b)


def scipy_linalg(xp):
    """scipy.linalg (or cupyx.scipy.linalg) for the array module `xp`."""
    return importlib.import_module("scipy.linalg" if xp.__name__ == "numpy" else "cupyx.scipy.linalg")


class Inv(Function):
    """Y = A^-1 (batched)."""

    tensor_saves = {"y": "out"}

    def forward(self, a):
        self.y = xp_of(a).linalg.inv(a)
        return self.y

    def backward(self, g):
        y = self.y
        return (-(mT(y) @ g @ mT(y)),)


class Det(Function):
    """d = det A (batched);  gA = g d A^-T."""

    tensor_saves = {"a": 0, "d": "out"}

    def forward(self, a):
        xp = xp_of(a)
        self.a = a
        self.d = xp.linalg.det(a)
        return self.d

    def backward(self, g):
        scale = (g * self.d)[..., None, None]
        return (scale * mT(_inv(self.a)),)


class LogAbsDet(Function):
    """l = log |det A| (the second half of slogdet);  gA = g A^-T."""

    tensor_saves = {"a": 0}

    def forward(self, a):
        xp = xp_of(a)
        self.a = a
        sign, logabs = xp.linalg.slogdet(a)
        return logabs

    def backward(self, g):
        return (g[..., None, None] * mT(_inv(self.a)),)


class Solve(Function):
    """X = A^-1 B for B of shape (..., n, k) (batch dims broadcast)."""

    tensor_saves = {"a": 0, "x": "out"}

    def forward(self, a, b):
        xp = xp_of(a)
        self.a, self.b_shape = a, b.shape
        self.x = xp.linalg.solve(a, b)
        return self.x

    def backward(self, g):
        gb = _solve(mT(self.a), g)
        ga = None
        if self.needs_input_grad[0]:
            ga = unbroadcast(-(gb @ mT(self.x)), self.a.shape)
        return ga, unbroadcast(gb, self.b_shape) if self.needs_input_grad[1] else None


class SolveTriangular(Function):
    """X = A^-1 B with A upper or lower triangular (left=True), as torch.linalg.solve_triangular."""

    def forward(self, a, b, upper=False, unitriangular=False):
        xp = xp_of(a)
        self.upper, self.unit = upper, unitriangular
        a = xp.triu(a) if upper else xp.tril(a)
        if unitriangular:
            n = a.shape[-1]
            a = a - a * xp.eye(n, dtype=a.dtype) + xp.eye(n, dtype=a.dtype)
        self.a, self.b_shape = a, b.shape
        self.x = xp.linalg.solve(a, xp.broadcast_to(b, a.shape[:-2] + b.shape[-2:]) if b.ndim < a.ndim else b)
        return self.x

    def backward(self, g):
        xp = xp_of(g)
        gb = xp.linalg.solve(mT(self.a), g)
        ga = None
        if self.needs_input_grad[0]:
            ga = -(gb @ mT(self.x))
            ga = xp.triu(ga, 1 if self.unit else 0) if self.upper else xp.tril(ga, -1 if self.unit else 0)
            ga = unbroadcast(ga, self.a.shape)
        return ga, unbroadcast(gb, self.b_shape) if self.needs_input_grad[1] else None


class Cholesky(Function):
    """L with A = L L^T (lower);  the gradient is symmetric, as torch's."""

    def forward(self, a):
        xp = xp_of(a)
        self.l = xp.linalg.cholesky(a)
        return self.l

    def backward(self, g):
        xp = xp_of(g)
        l = self.l
        n = l.shape[-1]
        phi = xp.tril(mT(l) @ g)
        phi = phi - 0.5 * phi * xp.eye(n, dtype=g.dtype)
        linv = xp.linalg.inv(l)
        return (_sym(mT(linv) @ phi @ linv),)


class QRPair(Function):
    """(Q, R) of A = Q R (reduced, m >= n) packed as the (m + n, n) stack [Q; R] (one output per primitive);
    `linalg.qr` slices it back into Q (the first m rows) and R (the last n rows)."""

    def forward(self, a):
        xp = xp_of(a)
        m, n = a.shape[-2:]
        if m < n:
            raise RuntimeError(f"linalg.qr: the gradient is only implemented for m >= n here (got a {m}x{n} "
                               "matrix); use mode='r' or transpose the problem")
        self.q, self.r = xp.linalg.qr(a, mode="reduced")
        self.m = m
        return xp.concatenate([self.q, self.r], axis=-2)

    def backward(self, g):
        xp = xp_of(g)
        gq, gr = g[..., :self.m, :], g[..., self.m:, :]
        q, r = self.q, self.r
        m_ = gr @ mT(r)
        x = mT(q) @ gq - m_
        n_ = m_ + xp.tril(x - mT(x), -1)
        b = gq + q @ (n_ - mT(q) @ gq)
        return (mT(xp.linalg.solve(r, mT(b))),)


class EighPair(Function):
    """(w, V) of a symmetric A = V diag(w) V^T, packed as the (n + 1, n) stack [w; V] (w as the first row)."""

    def forward(self, a, uplo="L"):
        xp = xp_of(a)
        self.w, self.v = xp.linalg.eigh(a, UPLO=uplo)
        return xp.concatenate([self.w[..., None, :], self.v], axis=-2)

    def backward(self, g):
        xp = xp_of(g)
        gw, gv = g[..., 0, :], g[..., 1:, :]
        w, v = self.w, self.v
        e = w[..., None, :] - w[..., :, None]
        n = w.shape[-1]
        eye = xp.eye(n, dtype=bool)
        e = xp.where(eye, 1, e)
        inner = mT(v) @ gv
        inner = 0.5 * (inner - mT(inner))  # the skew part: what a symmetric perturbation can change (as torch)
        inner = xp.where(eye, 0, inner / e)
        inner = inner + gw[..., :, None] * xp.eye(n, dtype=g.dtype)
        return (v @ inner @ mT(v),)


class SVDPair(Function):
    """(U, S, Vh) of A (reduced), packed as the stack [U; S; Vh^T] along the last-but-one axis: (m + 1 + n, k)."""

    def forward(self, a):
        xp = xp_of(a)
        self.u, self.s, self.vh = xp.linalg.svd(a, full_matrices=False)
        self.m = a.shape[-2]
        return xp.concatenate([self.u, self.s[..., None, :], mT(self.vh)], axis=-2)

    def backward(self, g):
        xp = xp_of(g)
        m = self.m
        gu, gs, gv = g[..., :m, :], g[..., m, :], g[..., m + 1:, :]
        u, s, v = self.u, self.s, mT(self.vh)
        k = s.shape[-1]
        eye = xp.eye(k, dtype=bool)
        s2 = s * s
        f = s2[..., None, :] - s2[..., :, None]
        f = xp.where(eye, 0, 1 / xp.where(eye, 1, f))
        utgu = mT(u) @ gu
        vtgv = mT(v) @ gv
        j = f * (utgu - mT(utgu))
        kk = f * (vtgv - mT(vtgv))
        sd = s[..., None, :] * xp.eye(k, dtype=g.dtype)
        inner = j @ sd + sd @ kk + gs[..., :, None] * xp.eye(k, dtype=g.dtype)
        ga = u @ inner @ mT(v)
        sinv = 1 / s
        n_rows, n_cols = u.shape[-2], v.shape[-2]
        if n_rows > k:
            ga = ga + (gu - u @ utgu) * sinv[..., None, :] @ mT(v)
        if n_cols > k:
            ga = ga + u @ mT((gv - v @ vtgv) * sinv[..., None, :])
        return (ga,)


class MatrixExp(Function):
    """E = exp(A) (batched, scipy.linalg.expm);  gA from the block-triangular exponential."""

    def forward(self, a):
        xp = xp_of(a)
        self.a = a
        return xp.asarray(scipy_linalg(xp).expm(a))

    def backward(self, g):
        xp = xp_of(g)
        n = self.a.shape[-1]
        at = mT(self.a)
        top = xp.concatenate([at, g], axis=-1)
        bottom = xp.concatenate([xp.zeros_like(at), at], axis=-1)
        big = xp.asarray(scipy_linalg(xp).expm(xp.concatenate([top, bottom], axis=-2)))
        return (big[..., :n, n:],)


__all__ = ["Inv", "Det", "LogAbsDet", "Solve", "SolveTriangular", "Cholesky", "QRPair", "EighPair", "SVDPair",
           "MatrixExp"]
