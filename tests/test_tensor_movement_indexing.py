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
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    run_case(fn, arrays)


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
