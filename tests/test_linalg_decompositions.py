"""torch.linalg's decompositions, solvers and matrix functions against torch 2.13: values, gradients (through
gauge-invariant outputs where factors are sign-ambiguous), float64 gradcheck, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.torch_cases import run_case

import nnstudio

rng = np.random.default_rng(11)
A = rng.standard_normal((3, 3)) + 3 * np.eye(3)
AB = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
B = rng.standard_normal((3, 2))
TALL = rng.standard_normal((5, 3))
SPD = (lambda m: m @ m.T + np.eye(3))(rng.standard_normal((3, 3)))
SPDB = np.stack([SPD, SPD + np.eye(3)])
V3 = rng.standard_normal((4, 3))
W3 = rng.standard_normal((4, 3))
QR_A, QR_TAU = torch.geqrf(torch.tensor(TALL))[0].numpy(), torch.geqrf(torch.tensor(TALL))[1].numpy()
SYM_INDEF = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 1.0]])  # 2x2 pivots in Bunch-Kaufman


def sym(L, a):
    return (a + a.mT) / 2


CASES = {
    "inv": (lambda L, a: L.linalg.inv(a), [A]),
    "inv_batched": (lambda L, a: L.linalg.inv(a), [AB]),
    "inverse_method": (lambda L, a: a.inverse(), [A]),
    "inv_ex": (lambda L, a: L.linalg.inv_ex(a).inverse, [A]),
    "det": (lambda L, a: L.linalg.det(a), [AB]),
    "det_method": (lambda L, a: a.det(), [A]),
    "slogdet": (lambda L, a: tuple(L.linalg.slogdet(a)), [A - 4 * np.eye(3)]),
    "logdet": (lambda L, a: L.logdet(a), [SPD]),
    "solve": (lambda L, a, b: L.linalg.solve(a, b), [A, B]),
    "solve_vector": (lambda L, a, b: L.linalg.solve(a, b), [A, B[:, 0]]),
    "solve_batched_broadcast": (lambda L, a, b: L.linalg.solve(a, b), [AB, B]),
    "solve_right": (lambda L, a, b: L.linalg.solve(a, b, left=False), [A, B.T.copy()]),
    "solve_triangular_upper": (lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True), [A, B]),
    "solve_triangular_lower_unit": (lambda L, a, b: L.linalg.solve_triangular(a, b, upper=False,
                                                                             unitriangular=True), [A, B]),
    "cholesky": (lambda L, a: L.linalg.cholesky(sym(L, a)), [SPD]),
    "cholesky_upper_batched": (lambda L, a: L.linalg.cholesky(sym(L, a), upper=True), [SPDB]),
    "cholesky_method": (lambda L, a: sym(L, a).cholesky(), [SPD]),
    "cholesky_solve": (lambda L, b, a: L.cholesky_solve(b, L.linalg.cholesky(sym(L, a))), [B, SPD]),
    "cholesky_inverse": (lambda L, a: L.cholesky_inverse(L.linalg.cholesky(sym(L, a))), [SPD]),
    "qr": (lambda L, a: tuple(L.linalg.qr(a)), [TALL]),
    "qr_square_batched": (lambda L, a: tuple(L.linalg.qr(a)), [AB]),
    "qr_r": (lambda L, a: L.linalg.qr(a, mode="r").R, [TALL], {"grad": False}),
    "eigvalsh": (lambda L, a: L.linalg.eigvalsh(sym(L, a)), [SPD]),
    "eigh_reconstruct": (lambda L, a: (lambda w, v: v @ L.diag_embed(w.exp()) @ v.mT)(*L.linalg.eigh(sym(L, a))),
                         [SPD]),
    "eigh_vectors_gauge": (lambda L, a: L.linalg.eigh(sym(L, a)).eigenvectors, [SPDB], {"gauge": True}),
    "svdvals": (lambda L, a: L.linalg.svdvals(a), [TALL]),
    "svd_gauge": (lambda L, a: tuple(L.linalg.svd(a, full_matrices=False)), [TALL], {"gauge": True}),
    "svd_square": (lambda L, a: (lambda u, s, vh: u @ L.diag_embed(s.sqrt()) @ vh)(*L.linalg.svd(a)), [A]),
    "svd_wide": (lambda L, a: tuple(L.linalg.svd(a, full_matrices=False)), [TALL.T.copy()], {"gauge": True}),
    "torch_svd": (lambda L, a: tuple(L.svd(a)), [TALL], {"gauge": True}),
    "pinv": (lambda L, a: L.linalg.pinv(a), [TALL]),
    "pinverse": (lambda L, a: a.pinverse(), [TALL.T.copy()]),
    "lstsq": (lambda L, a, b: L.linalg.lstsq(a, b).solution, [TALL, rng.standard_normal((5, 2))]),
    "matrix_power_3": (lambda L, a: L.linalg.matrix_power(a, 3), [A]),
    "matrix_power_neg": (lambda L, a: L.matrix_power(a, -2), [A]),
    "matrix_power_0": (lambda L, a: L.linalg.matrix_power(a, 0), [AB], {"grad": False}),
    "matrix_exp": (lambda L, a: L.linalg.matrix_exp(a), [A * 0.3]),
    "matrix_exp_batched": (lambda L, a: a.matrix_exp(), [AB * 0.2]),
    "matrix_norm_nuc": (lambda L, a: L.linalg.matrix_norm(a, "nuc"), [A]),
    "matrix_norm_2": (lambda L, a: L.linalg.matrix_norm(a, 2), [AB]),
    "matrix_norm_neg2": (lambda L, a: L.linalg.matrix_norm(a, -2, keepdim=True), [A]),
    "norm_nuc": (lambda L, a: L.norm(a, p="nuc"), [A]),
    "cond": (lambda L, a: L.linalg.cond(a), [A]),
    "cond_fro": (lambda L, a: L.linalg.cond(a, "fro"), [A], {"grad": False}),  # torch's own backward fails
    "cross": (lambda L, a, b: L.linalg.cross(a, b), [V3, W3]),
    "cross_dim0": (lambda L, a, b: L.cross(a.T, b.T, dim=0), [V3, W3]),
    "vecdot": (lambda L, a, b: L.linalg.vecdot(a, b), [V3, W3]),
    "multi_dot": (lambda L, a, b, c: L.linalg.multi_dot([a, b, c]), [A, B, B.T.copy()]),
    "householder_product": (lambda L, a, t: L.linalg.householder_product(a, t), [TALL, rng.standard_normal(3)]),
    "vander": (lambda L, x: L.linalg.vander(x), [rng.standard_normal(4)]),
    "tensorinv": (lambda L, a: L.linalg.tensorinv(a, 1), [A]),
    "tensorsolve": (lambda L, a, b: L.linalg.tensorsolve(a, b), [A, B[:, 0]]),
    "linalg_diagonal": (lambda L, a: L.linalg.diagonal(a, offset=1), [AB]),
    "triangular_solve": (lambda L, b, a: tuple(L.triangular_solve(b, a)), [B, A]),
    "addmm": (lambda L, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2.0), [B, A, B]),
    "addmm_beta0": (lambda L, c, a, b: L.addmm(c, a, b, beta=0), [B, A, B]),
    "addmv": (lambda L, c, a, v: L.addmv(c, a, v), [B[:, 0], A, B[:, 1]]),
    "addr": (lambda L, c, u, v: c.addr(u, v, alpha=3), [A, B[:, 0], B[:, 1]]),
    "baddbmm": (lambda L, c, a, b: L.baddbmm(c, a, b, beta=2), [AB, AB, AB[::-1].copy()]),
    "addbmm": (lambda L, c, a, b: L.addbmm(c, a, b), [A, AB, AB]),
    "mv": (lambda L, a, v: L.mv(a, v), [A, B[:, 0]]),
    "inner": (lambda L, a, b: L.inner(a, b), [V3, W3]),
    "vdot": (lambda L, a, b: L.vdot(a, b), [B[:, 0], B[:, 1]]),
    "ger": (lambda L, a, b: L.ger(a, b), [B[:, 0], B[:, 1]]),
    "kron": (lambda L, a, b: L.kron(a, b), [A, B]),
    "kron_3d": (lambda L, a, b: L.kron(a, b), [AB, B]),
    "tensordot_int": (lambda L, a, b: L.tensordot(a, b, 1), [AB, B]),
    "tensordot_lists": (lambda L, a, b: L.tensordot(a, b, dims=([1, 0], [1, 0])), [V3, W3]),
    "chain_matmul": (lambda L, a, b: L.chain_matmul(a, b, b.T), [A, B]),
    # LAPACK's own formats (no gradient in torch either, except the composed ormqr / orgqr)
    "lu_factor_ex": (lambda L, a: tuple(L.linalg.lu_factor_ex(a)), [AB], {"grad": False}),
    "ldl_factor": (lambda L, a: tuple(L.linalg.ldl_factor(sym(L, a))), [AB], {"grad": False}),
    "ldl_factor_ex": (lambda L, a: tuple(L.linalg.ldl_factor_ex(sym(L, a))), [SYM_INDEF], {"grad": False}),
    "ldl_solve": (lambda L, a, b: L.linalg.ldl_solve(*L.linalg.ldl_factor(sym(L, a)), b), [AB, B],
                  {"grad": False}),
    "geqrf": (lambda L, a: tuple(L.geqrf(a)), [TALL], {"grad": False}),
    "geqrf_method_wide": (lambda L, a: tuple(a.geqrf()), [TALL.T.copy()], {"grad": False}),
    "orgqr": (lambda L, a, t: L.orgqr(a, t), [QR_A, QR_TAU]),
    "ormqr": (lambda L, a, t, c: L.ormqr(a, t, c), [QR_A, QR_TAU, rng.standard_normal((5, 2))]),
    "ormqr_right_transposed": (lambda L, a, t, c: a.ormqr(t, c, left=False, transpose=True),
                               [QR_A, QR_TAU, rng.standard_normal((2, 5))]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, arrays, *opts = CASES[name]
    run_case(fn, arrays, **(opts[0] if opts else {}))


def test_matrix_rank_lu_and_lstsq_extras_match_torch():
    M = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    assert int(nnstudio.linalg.matrix_rank(nnstudio.tensor(M))) == int(torch.linalg.matrix_rank(torch.tensor(M)))
    lu_n, lu_t = nnstudio.linalg.lu_factor(nnstudio.tensor(A)), torch.linalg.lu_factor(torch.tensor(A))
    np.testing.assert_allclose(lu_n.LU.numpy(), lu_t.LU.numpy())
    np.testing.assert_array_equal(lu_n.pivots.numpy(), lu_t.pivots.numpy())
    for ours, theirs in zip(nnstudio.linalg.lu(nnstudio.tensor(A)), torch.linalg.lu(torch.tensor(A))):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
    x_n = nnstudio.linalg.lu_solve(lu_n.LU, lu_n.pivots, nnstudio.tensor(B))
    np.testing.assert_allclose(x_n.numpy(), torch.linalg.lu_solve(lu_t.LU, lu_t.pivots, torch.tensor(B)).numpy())
    ours, theirs = nnstudio.linalg.lstsq(nnstudio.tensor(TALL), nnstudio.tensor(B[:, :1].repeat(5, 0)[:5])), \
        torch.linalg.lstsq(torch.tensor(TALL), torch.tensor(B[:, :1].repeat(5, 0)[:5]))
    np.testing.assert_allclose(ours.solution.numpy(), theirs.solution.numpy(), atol=1e-10)


@pytest.mark.parametrize("call, kind", [
    (lambda L: L.linalg.inv(L.ones(2, 3, dtype=L.float64)), RuntimeError),
    (lambda L: L.linalg.inv(L.zeros(2, 2, dtype=L.float64)), RuntimeError),
    (lambda L: L.linalg.det(L.ones(3, dtype=L.float64)), RuntimeError),
    (lambda L: L.linalg.cholesky(-L.eye(2, dtype=L.float64)), RuntimeError),
    (lambda L: L.linalg.solve(L.eye(2, dtype=L.float64), L.ones(3, dtype=L.float64)), RuntimeError),
    (lambda L: L.linalg.inv(L.eye(2, dtype=L.int64)), RuntimeError),
    (lambda L: L.linalg.qr(L.eye(2, dtype=L.float64), mode="bogus"), RuntimeError),
    (lambda L: L.linalg.cross(L.ones(2, dtype=L.float64), L.ones(2, dtype=L.float64)), RuntimeError),
    (lambda L: L.linalg.eigh(L.eye(2, dtype=L.float64), UPLO="X"), RuntimeError),
])
def test_errors_match_torch(call, kind):
    with pytest.raises(kind):
        call(torch)
    with pytest.raises(kind):
        call(nnstudio)


def test_linalg_error_messages_name_the_problem():
    with pytest.raises(RuntimeError, match="square matrices, but they are 2 by 3"):
        nnstudio.linalg.inv(nnstudio.ones(2, 3))
    with pytest.raises(RuntimeError, match="not positive-definite"):
        nnstudio.linalg.cholesky(-nnstudio.eye(2))
    with pytest.raises(NotImplementedError, match="complex"):
        nnstudio.linalg.eig(nnstudio.eye(2))
