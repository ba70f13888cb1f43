"""Rearranging, selecting and the free functions added with issue 14 (rot90, unfold, tensor_split, take,
take_along_dim, index_fill / index_copy, *_scatter, block_diag, cartesian_prod, ...) against torch 2.13."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.torch_cases import run_case

import nnstudio

rng = np.random.default_rng(5)
X = rng.standard_normal((3, 4))
X3 = rng.standard_normal((2, 3, 4))
V = rng.standard_normal(5)


def idx(L, values):
    return L.tensor(values)


CASES = {
    "rot90": (lambda L, x: x.rot90(), [X]),
    "rot90_k3_dims": (lambda L, x: L.rot90(x, 3, [1, 2]), [X3]),
    "rot90_k2": (lambda L, x: x.rot90(2, (0, 1)), [X]),
    "fliplr": (lambda L, x: L.fliplr(x), [X]),
    "flipud": (lambda L, x: x.flipud(), [X]),
    "moveaxis": (lambda L, x: L.moveaxis(x, 0, -1), [X3]),
    "swapdims": (lambda L, x: x.swapdims(0, 2), [X3]),
    "adjoint": (lambda L, x: x.adjoint(), [X3]),
    "mH": (lambda L, x: x.mH, [X3]),
    "H": (lambda L, x: x.H, [X]),
    "ravel": (lambda L, x: L.ravel(x), [X3]),
    "unfold": (lambda L, x: x.unfold(1, 2, 1), [X]),
    "unfold_step": (lambda L, x: x.unfold(-1, 2, 2), [X3]),
    "tensor_split_int": (lambda L, x: L.tensor_split(x, 3, dim=1), [X]),
    "tensor_split_indices": (lambda L, x: x.tensor_split([1, 3], dim=1), [X]),
    "hsplit": (lambda L, x: L.hsplit(x, 2), [X]),
    "vsplit": (lambda L, x: x.vsplit([1]), [X]),
    "dsplit": (lambda L, x: L.dsplit(x, 2), [X3]),
    "split_with_sizes": (lambda L, x: x.split_with_sizes([1, 3], 1), [X]),
    "diagflat": (lambda L, x: L.diagflat(x, 1), [X[:2, :2].copy()]),
    "narrow_copy": (lambda L, x: x.narrow_copy(1, 1, 2), [X]),
    "sum_to_size": (lambda L, x: x.sum_to_size(1, 4), [X]),
    "take": (lambda L, x: L.take(x, idx(L, [[0, 5], [11, 3]])), [X]),
    "take_along_dim": (lambda L, x: L.take_along_dim(x, idx(L, [[0], [2], [1]]), dim=1), [X]),
    "take_along_dim_flat": (lambda L, x: x.take_along_dim(idx(L, [3, 0])), [X]),
    "index_fill": (lambda L, x: x.index_fill(1, idx(L, [0, 2]), -1.5), [X]),
    "index_copy": (lambda L, x, s: x.index_copy(0, idx(L, [2, 0]), s), [X, rng.standard_normal((2, 4))]),
    "masked_scatter": (lambda L, x, s: x.masked_scatter(L.tensor([[True, False, True, False]] * 3), s),
                       [X, rng.standard_normal(8)]),
    "put": (lambda L, x, s: x.put(idx(L, [1, 7]), s), [X, rng.standard_normal(2)]),
    "put_accumulate": (lambda L, x, s: x.put(idx(L, [1, 1]), s, accumulate=True), [X, rng.standard_normal(2)]),
    "select_scatter": (lambda L, x, s: L.select_scatter(x, s, 0, 1), [X, rng.standard_normal(4)]),
    "slice_scatter": (lambda L, x, s: x.slice_scatter(s, 1, 0, 4, 2), [X, rng.standard_normal((3, 2))]),
    "diagonal_scatter": (lambda L, x, s: L.diagonal_scatter(x, s, 1), [X, rng.standard_normal(3)]),
    "block_diag": (lambda L, a, b, c: L.block_diag(a, b, c), [X, V, np.array(2.0)]),
    "cartesian_prod": (lambda L, a, b: L.cartesian_prod(a, b), [V[:2].copy(), V[2:].copy()]),
    "combinations": (lambda L, a: L.combinations(a, 2), [V]),
    "combinations_repl": (lambda L, a: L.combinations(a, 3, with_replacement=True), [V[:3].copy()]),
    "broadcast_tensors": (lambda L, a, b: L.broadcast_tensors(a, b), [X, V[:4].copy()]),
    "atleast_3d": (lambda L, a, b: L.atleast_3d(a, b), [X, V]),
    "atleast_2d_one": (lambda L, a: L.atleast_2d(a), [V]),
    "dstack": (lambda L, a, b: L.dstack([a, b]), [X, X]),
    "column_stack": (lambda L, a, b: L.column_stack([a, b]), [V, V]),
    "row_stack": (lambda L, a, b: L.row_stack([a, b]), [V, V]),
    "trapezoid": (lambda L, y: L.trapezoid(y), [X]),
    "trapezoid_x": (lambda L, y, x: L.trapezoid(y, x), [X, np.cumsum(rng.uniform(0.1, 1, 4))]),
    "trapz_dx": (lambda L, y: L.trapz(y, dx=0.5, dim=0), [X]),
    "cumulative_trapezoid": (lambda L, y: L.cumulative_trapezoid(y, dim=1), [X]),
    "rsub": (lambda L, x: L.rsub(x, 2.0, alpha=3), [X]),
    "lerp": (lambda L, a, b: L.lerp(a, b, 0.3), [X, X[::-1].copy()]),
    "lerp_tensor_weight": (lambda L, a, b, w: a.lerp(b, w), [X, X[::-1].copy(), rng.uniform(0, 1, (3, 4))]),
    "addcmul": (lambda L, a, b, c: L.addcmul(a, b, c, value=0.5), [X, X, X[::-1].copy()]),
    "addcdiv": (lambda L, a, b, c: a.addcdiv(b, c, value=2), [X, X, rng.uniform(0.5, 2, (3, 4))]),
    "float_power": (lambda L, a: L.float_power(a, 2), [X]),
    "angle": (lambda L, a: a.angle(), [X]),
    "frexp": (lambda L, a: tuple(L.frexp(a)), [X]),
    "logspace": (lambda L: L.logspace(0, 2, 5, dtype=L.float64), []),
    "hann_window": (lambda L: L.hann_window(6, dtype=L.float64), []),
    "hamming_window": (lambda L: L.hamming_window(5, periodic=False, dtype=L.float64), []),
    "blackman_window": (lambda L: L.blackman_window(7, dtype=L.float64), []),
    "bartlett_window": (lambda L: L.bartlett_window(6, dtype=L.float64), []),
    "kaiser_window": (lambda L: L.kaiser_window(6, dtype=L.float64), []),
    "as_strided": (lambda L, x: x.as_strided((2, 2), (1, 2), 1), [X]),
    "as_strided_scatter": (lambda L, x, s: L.as_strided_scatter(x, s, (2,), (3,), 1), [X, rng.standard_normal(2)],
                           {"grad": False}),  # torch's gradient of the scattered copy is not the plain one
    "permute_copy": (lambda L, x: L.permute_copy(x, (2, 0, 1)), [X3]),
    "unbind_copy": (lambda L, x: L.unbind_copy(x, 1), [X]),
    "transpose_copy": (lambda L, x: L.transpose_copy(x, 0, 1), [X]),
    "pdist": (lambda L, x: L.pdist(x), [X]),
    "pdist_p1": (lambda L, x: L.pdist(x, 1), [X]),
    "nuclear_norm": (lambda L, x: L.nuclear_norm(x), [X]),
    "frobenius_norm": (lambda L, x: L.frobenius_norm(x, (0, 1)), [X]),
    "vander": (lambda L, x: L.vander(x, 3), [V[:3].copy()], {"grad": False}),  # torch's own backward fails
    "vander_increasing": (lambda L, x: L.vander(x, increasing=True), [V[:3].copy()], {"grad": False}),
    "gradient": (lambda L, x: L.gradient(x), [X]),
    "gradient_dim_spacing": (lambda L, x: L.gradient(x, spacing=2.0, dim=1), [X]),
    "hardshrink": (lambda L, x: x.hardshrink(0.7), [X]),
    "prelu": (lambda L, x, w: L.prelu(x, w), [X3, rng.uniform(0.1, 0.3, 3)]),
    "index_reduce_amax": (lambda L, x, s: x.index_reduce(0, idx(L, [0, 2, 0]), s, "amax"),
                          [X, rng.standard_normal((3, 4))], {"grad": False}),  # torch's own backward fails here
    "index_reduce_mean": (lambda L, x, s: x.index_reduce(1, idx(L, [1, 1]), s, "mean", include_self=False),
                          [X, rng.standard_normal((3, 2))], {"grad": False}),
    "mvlgamma": (lambda L, x: x.mvlgamma(3), [rng.uniform(1.5, 3, (2, 3))]),
    "fill": (lambda L, x: L.fill(x, 2.5), [X]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, arrays, *opts = CASES[name]
    run_case(fn, arrays, **(opts[0] if opts else {}))


@pytest.mark.parametrize("call", [
    lambda L: L.tril_indices(4, 3, -1),
    lambda L: L.triu_indices(3, 5, 1),
    lambda L: L.unravel_index(L.tensor([1, 7, -1]), (3, 4)),
    lambda L: L.isin(L.tensor([1, 2, 3, 4]), L.tensor([2, 4])),
    lambda L: L.tensor([1, 1, 2, 2, 2, 1]).unique_consecutive(return_inverse=True, return_counts=True),
    lambda L: L.argwhere(L.tensor([[0, 1], [2, 0]])),
    lambda L: L.gcd(L.tensor([12, 18]), L.tensor([8, 27])),
    lambda L: L.lcm(L.tensor([4, 6]), L.tensor([6, 4])),
    lambda L: L.tensor([1, 8]) << 2,
    lambda L: L.bitwise_right_shift(L.tensor([16, 9]), L.tensor([2, 1])),
    lambda L: L.broadcast_shapes((3, 1), (1, 4)),
    lambda L: L.result_type(L.tensor([1, 2]), 1.5),
    lambda L: L.promote_types(L.int32, L.float32),
    lambda L: L.can_cast(L.float32, L.int64),
])
def test_integer_results_match_torch(call):
    ours, theirs = call(nnstudio), call(torch)
    ours, theirs = (ours, theirs) if isinstance(theirs, tuple) else ((ours,), (theirs,))
    for a, b in zip(ours, theirs):
        if isinstance(b, torch.Tensor):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
            assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        elif isinstance(b, torch.dtype):
            assert str(a).split(".")[-1] == str(b).split(".")[-1]
        else:
            assert tuple(a) == tuple(b) if isinstance(b, tuple) else a == b


@pytest.mark.parametrize("call, kind", [
    (lambda L: L.ones(3, 4).rot90(1, [0, 0]), RuntimeError),
    (lambda L: L.ones(3).rot90(), RuntimeError),
    (lambda L: L.ones(3, 4).unfold(1, 5, 1), RuntimeError),
    (lambda L: L.ones(3, 4).take(L.tensor([12])), IndexError),
    (lambda L: L.ones(3).vsplit(2), RuntimeError),
    (lambda L: L.block_diag(L.ones(2, 2, 2)), RuntimeError),
    (lambda L: L.combinations(L.ones(2, 2)), RuntimeError),
])
def test_errors_match_torch(call, kind):
    with pytest.raises(kind):
        call(torch)
    with pytest.raises(kind):
        call(nnstudio)


def test_inplace_function_forms_exist_and_write():
    x = nnstudio.tensor([0.25, 0.5])
    assert nnstudio.acos_(x) is x
    np.testing.assert_allclose(x.numpy(), torch.acos(torch.tensor([0.25, 0.5])).numpy())


def test_inplace_view_ops_change_the_shape_like_torch():
    for name, args in (("t_", ()), ("transpose_", (0, 1)), ("swapdims_", (0, 1)), ("unsqueeze_", (1,)),
                       ("squeeze_", ()), ("as_strided_", ((2, 2), (2, 1)))):
        ours, theirs = nnstudio.tensor(X[:2, :3]), torch.tensor(X[:2, :3])
        assert getattr(ours, name)(*args) is ours
        getattr(theirs, name)(*args)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_fill_diagonal_and_inplace_comparisons_match_torch():
    for wrap in (False, True):
        ours, theirs = nnstudio.zeros(5, 3), torch.zeros(5, 3)
        ours.fill_diagonal_(2.0, wrap=wrap)
        theirs.fill_diagonal_(2.0, wrap=wrap)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    for name in ("greater_", "less_equal_", "not_equal_"):
        ours, theirs = nnstudio.tensor(X), torch.tensor(X)
        getattr(ours, name)(0.1)
        getattr(theirs, name)(0.1)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_random_fills_have_the_right_range_and_dtype():
    nnstudio.manual_seed(0)
    x = nnstudio.empty(2000)
    assert 0 <= float(x.random_(5, 10).min()) and float(x.max()) < 10 and float(x.min()) >= 5
    assert float(x.exponential_(2.0).min()) >= 0 and abs(float(x.mean()) - 0.5) < 0.1
    assert float(x.log_normal_(0.0, 0.5).min()) > 0
    assert set(x.bernoulli_(0.3).unique().tolist()) <= {0.0, 1.0}
    assert float(x.geometric_(0.5).min()) >= 1
    assert x.cauchy_().shape == (2000,)
    assert x.dtype == nnstudio.float32


@pytest.mark.parametrize("name", ["solve", "lstsq", "symeig", "eig", "matrix_rank"])
def test_removed_functions_raise_as_torch(name):
    with pytest.raises(RuntimeError, match="deprecated since version 1.9 and is now removed"):
        getattr(torch, name)(*[torch.eye(2)] * (2 if name in ("solve", "lstsq") else 1))
    with pytest.raises(RuntimeError, match="deprecated since version 1.9 and is now removed"):
        getattr(nnstudio, name)(*[nnstudio.eye(2)] * (2 if name in ("solve", "lstsq") else 1))


def test_complex_only_names_refuse_real_tensors_as_torch():
    for lib in (torch, nnstudio):
        with pytest.raises(RuntimeError, match="imag is not implemented for tensors with non-complex dtypes"):
            lib.ones(2).imag
        with pytest.raises(RuntimeError, match="view_as_real is only supported for complex tensors"):
            lib.view_as_real(lib.ones(2))


def test_lu_and_lu_unpack_match_torch():
    ours, theirs = nnstudio.lu(nnstudio.tensor(X[:3, :3])), torch.linalg.lu_factor(torch.tensor(X[:3, :3]))
    for a, b in zip(nnstudio.lu_unpack(*ours), torch.lu_unpack(*theirs)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-12)
