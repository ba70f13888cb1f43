"""Order statistics and running reductions against torch 2.13: values, indices, gradients, gradcheck, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.torch_cases import run_case

import nnstudio

rng = np.random.default_rng(7)
X = rng.standard_normal((4, 5))
XN = X.copy()
XN[1, 2] = np.nan
INTS = rng.integers(0, 3, (4, 6))

CASES = {
    "median_all": (lambda L, x: x.median(), [X]),
    "median_dim": (lambda L, x: tuple(x.median(1)), [X]),
    "median_keepdim": (lambda L, x: tuple(L.median(x, 0, keepdim=True)), [X]),
    "median_even_count": (lambda L, x: tuple(x.median(-1)), [X[:, :4]]),
    "nanmedian_dim": (lambda L, x: tuple(x.nanmedian(1)), [XN]),
    "kthvalue": (lambda L, x: tuple(x.kthvalue(2, 0)), [X]),
    "kthvalue_keep": (lambda L, x: tuple(L.kthvalue(x, 3, -1, True)), [X]),
    "cummax": (lambda L, x: tuple(x.cummax(1)), [X]),
    "cummin": (lambda L, x: tuple(L.cummin(x, 0)), [X]),
    "cummax_ties": (lambda L, x: tuple(x.cummax(0)), [np.array([1.0, 3.0, 3.0, 2.0, 3.0])]),
    "logcumsumexp": (lambda L, x: x.logcumsumexp(1), [X * 10]),
    "quantile_scalar": (lambda L, x: x.quantile(0.3, dim=1), [X]),
    "quantile_vector": (lambda L, x: L.quantile(x, L.tensor([0.1, 0.5, 0.9], dtype=L.float64)), [X]),
    "quantile_keepdim_all": (lambda L, x: x.quantile(L.tensor([0.2, 0.6], dtype=L.float64), keepdim=True), [X]),
    "quantile_lower": (lambda L, x: x.quantile(0.35, dim=0, interpolation="lower"), [X]),
    "quantile_higher": (lambda L, x: x.quantile(0.35, dim=0, interpolation="higher"), [X]),
    "quantile_midpoint": (lambda L, x: x.quantile(0.35, dim=0, keepdim=True, interpolation="midpoint"), [X]),
    "quantile_nearest": (lambda L, x: x.quantile(0.35, dim=0, interpolation="nearest"), [X]),
    "nanquantile": (lambda L, x: x.nanquantile(0.4, dim=1), [XN]),
    "nansum": (lambda L, x: x.nansum(1), [XN]),
    "nanmean": (lambda L, x: L.nanmean(x, 0), [XN]),
    "aminmax": (lambda L, x: tuple(x.aminmax(dim=1)), [X]),
    "diff": (lambda L, x: x.diff(), [X]),
    "diff_n2_dim0": (lambda L, x: L.diff(x, 2, 0), [X]),
    "diff_prepend_append": (lambda L, x, p: x.diff(dim=1, prepend=p, append=p), [X, X[:, :2]]),
    "dist": (lambda L, x, y: L.dist(x, y, 3), [X, X[::-1].copy()]),
    "cov": (lambda L, x: x.cov(), [X]),
    "cov_correction0": (lambda L, x: L.cov(x, correction=0), [X]),
    "cov_weights": (lambda L, x: L.cov(x, fweights=L.tensor([1, 2, 1, 3, 1]),
                                       aweights=L.tensor([0.5, 1.0, 2.0, 1.0, 0.3], dtype=L.float64)), [X]),
    "corrcoef": (lambda L, x: x.corrcoef(), [X]),
    "renorm": (lambda L, x: x.renorm(2, 0, 1.0), [X]),
    "msort": (lambda L, x: L.msort(x), [X]),
}


NO_GRADCHECK = {"cummax_ties"}  # ties: the derivative jumps there, finite differences cannot follow


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    run_case(fn, arrays, check=name not in NO_GRADCHECK)


def test_mode_values_and_indices():
    for dim in (0, 1):
        ours, theirs = nnstudio.tensor(INTS).mode(dim), torch.tensor(INTS).mode(dim)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


def test_median_with_nan_is_nan_like_torch():
    ours, theirs = nnstudio.tensor(XN).median(1), torch.tensor(XN).median(1)
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


def test_histc_bucketize_searchsorted_histogram():
    np.testing.assert_allclose(nnstudio.histc(nnstudio.tensor(X), 5).numpy(), torch.histc(torch.tensor(X), 5).numpy())
    np.testing.assert_allclose(nnstudio.tensor(X).histc(4, -1, 1).numpy(), torch.tensor(X).histc(4, -1, 1).numpy())
    bounds = np.array([-1.0, 0.0, 1.0])
    for right in (False, True):
        np.testing.assert_array_equal(
            nnstudio.bucketize(nnstudio.tensor(X), nnstudio.tensor(bounds), right=right).numpy(),
            torch.bucketize(torch.tensor(X), torch.tensor(bounds), right=right).numpy())
    seq = np.sort(rng.standard_normal((4, 6)), axis=1)
    for side in ("left", "right"):
        np.testing.assert_array_equal(
            nnstudio.searchsorted(nnstudio.tensor(seq), nnstudio.tensor(X), side=side).numpy(),
            torch.searchsorted(torch.tensor(seq), torch.tensor(X), side=side).numpy())
    ours, theirs = nnstudio.histogram(nnstudio.tensor(X), 4), torch.histogram(torch.tensor(X), 4)
    np.testing.assert_allclose(ours.hist.numpy(), theirs.hist.numpy())
    np.testing.assert_allclose(ours.bin_edges.numpy(), theirs.bin_edges.numpy())
    assert nnstudio.bucketize(nnstudio.tensor([0.5]), nnstudio.tensor([1.0]), out_int32=True).dtype == nnstudio.int32


@pytest.mark.parametrize("call, kind", [
    (lambda L: L.tensor([1.0, 2.0]).kthvalue(3), RuntimeError),
    (lambda L: L.tensor([1.0, 2.0]).quantile(1.5), RuntimeError),
    (lambda L: L.tensor([1, 2]).quantile(0.5), RuntimeError),
    (lambda L: L.tensor([1.0, 2.0]).quantile(0.5, interpolation="cubic"), RuntimeError),
    (lambda L: L.tensor([1.0, 2.0]).median(dim=3), IndexError),
    (lambda L: L.searchsorted(L.tensor([[1.0, 2.0]]), L.tensor([[1.0], [2.0]])), RuntimeError),
])
def test_errors_match_torch(call, kind):
    with pytest.raises(kind):
        call(torch)
    with pytest.raises(kind):
        call(nnstudio)
