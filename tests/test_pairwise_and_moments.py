"""torch.cdist, torch.var_mean and torch.std_mean: values and gradients against PyTorch, float64 gradchecks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck

import nnstudio

rng = np.random.default_rng(0)
P_VALUES = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")]


def _both(fn, *arrays, cotangent_seed=1):
    """fn(lib, *tensors) under nnstudio and torch: outputs and input gradients of a weighted sum."""
    res = []
    for lib in (nnstudio, torch):
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]
        outs = fn(lib, *ts)
        outs = outs if isinstance(outs, tuple) else (outs,)
        w = np.random.default_rng(cotangent_seed)
        total = sum((o * lib.tensor(w.standard_normal(tuple(o.shape)))).sum() for o in outs)
        total.backward()
        res.append(([o.detach().numpy() for o in outs], [t.grad.numpy() for t in ts]))
    return res


def _assert_match(res, rtol=1e-6, atol=1e-8):
    (ours_out, ours_g), (theirs_out, theirs_g) = res
    for a, b in zip(ours_out + ours_g, theirs_out + theirs_g):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("p", P_VALUES)
def test_cdist_batched_and_2d_match_torch(p):
    x1, x2 = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3))
    _assert_match(_both(lambda lib, a, b: lib.cdist(a, b, p=p), x1, x2))
    _assert_match(_both(lambda lib, a, b: lib.cdist(a, b, p=p), x1[0], x2[1]))


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.0, float("inf")])
def test_cdist_gradcheck(p):
    gradcheck(lambda a, b: nnstudio.cdist(a, b, p=p), [rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))])


def test_cdist_large_sets_use_matrix_products_like_torch_and_broadcast_batches():
    x1, x2 = rng.standard_normal((30, 8)).astype(np.float32), rng.standard_normal((3, 27, 8)).astype(np.float32)
    _assert_match(_both(lambda lib, a, b: lib.cdist(a, b), x1, x2), rtol=1e-4, atol=1e-5)
    x1 = rng.standard_normal((40, 6))
    gradcheck(lambda a, b: nnstudio.cdist(a, b), [x1, rng.standard_normal((30, 6))])
    for mode in ("use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"):
        a, b = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
        ours = nnstudio.cdist(nnstudio.tensor(a), nnstudio.tensor(b), compute_mode=mode)
        np.testing.assert_allclose(ours.numpy(), torch.cdist(torch.tensor(a), torch.tensor(b)).numpy(), rtol=1e-10)


def test_cdist_zero_distance_has_torchs_zero_gradient():
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0, 0.0]])
    for p in P_VALUES:
        _assert_match(_both(lambda lib, a, b, p=p: lib.cdist(a, b, p=p), x, y))


def test_cdist_errors_as_torch():
    with pytest.raises(RuntimeError, match="only supports floating-point dtypes, X1 got"):
        nnstudio.cdist(nnstudio.ones(3, 2, dtype=nnstudio.long), nnstudio.ones(3, 2))
    with pytest.raises(RuntimeError, match="same number of columns. X1: 2 X2: 3"):
        nnstudio.cdist(nnstudio.ones(3, 2), nnstudio.ones(3, 3))
    with pytest.raises(RuntimeError, match="at least 2D tensors, X1 got: 1D"):
        nnstudio.cdist(nnstudio.ones(3), nnstudio.ones(3))
    with pytest.raises(RuntimeError, match="non-negative p"):
        nnstudio.cdist(nnstudio.ones(3, 2), nnstudio.ones(3, 2), p=-1)
    with pytest.raises(RuntimeError, match="do not broadcast"):
        nnstudio.cdist(nnstudio.ones(2, 3, 2), nnstudio.ones(3, 3, 2))


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": (0, 2), "keepdim": True}, {"dim": 1, "correction": 0},
                                    {"dim": -1, "unbiased": False, "keepdim": True}, {"correction": 2}])
def test_moments_match_torch(name, kwargs):
    x = rng.standard_normal((3, 4, 5))
    _assert_match(_both(lambda lib, a: getattr(lib, name)(a, **kwargs), x))
    gradcheck(lambda a: getattr(nnstudio, name)(a, **kwargs), [x])


def test_moments_positional_overloads_as_torch():
    x = rng.standard_normal((3, 4))
    for args in [(True,), (False,), (1, False, True), (0,)]:
        for name in ("var_mean", "std_mean"):
            ours = getattr(nnstudio, name)(nnstudio.tensor(x), *args)
            theirs = getattr(torch, name)(torch.tensor(x), *args)
            for a, b in zip(ours, theirs):
                assert tuple(a.shape) == tuple(b.shape)
                np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
