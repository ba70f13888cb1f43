"""scatter_reduce (sum, prod, mean, amax, amin; include_self or not): values and gradients against PyTorch,
float64 numerical gradient checks, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck

import nnstudio

REDUCE = ["sum", "prod", "mean", "amax", "amin"]
rng = np.random.default_rng(0)
SELF = rng.standard_normal((4, 5))
SRC = rng.standard_normal((3, 5))
INDEX = rng.integers(0, 4, size=(3, 5))  # dim 0: rows of self


def _both(reduce, include_self, dim=0, index=INDEX, a=SELF, src=SRC):
    out = []
    for lib in (nnstudio, torch):
        x = lib.tensor(a, requires_grad=True)
        s = lib.tensor(src, requires_grad=True)
        y = x.scatter_reduce(dim, lib.tensor(index), s, reduce, include_self=include_self)
        (y * lib.tensor(np.arange(y.numel()).reshape(y.shape) % 3 - 1.0)).sum().backward()
        out.append((y.detach().numpy(), x.grad.numpy(), s.grad.numpy()))
    return out


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCE)
def test_values_and_gradients_match_torch(reduce, include_self):
    ours, theirs = _both(reduce, include_self)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduce", REDUCE)
def test_along_the_last_dim_with_ties_and_zeros(reduce):
    a = np.array([[1.0, 0.0, 2.0], [3.0, 3.0, -1.0]])
    src = np.array([[2.0, 0.0, 2.0, 5.0], [3.0, 0.0, 0.0, 3.0]])  # ties for amax/amin, zeros for prod
    index = np.array([[0, 0, 2, 1], [1, 2, 2, 1]])
    for include_self in (True, False):
        ours, theirs = _both(reduce, include_self, dim=1, index=index, a=a, src=src)
        for x, y in zip(ours, theirs):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCE)
def test_gradcheck(reduce, include_self):
    index = nnstudio.tensor(INDEX)
    gradcheck(lambda a, s: a.scatter_reduce(0, index, s, reduce, include_self=include_self), [SELF, SRC])


@pytest.mark.parametrize("reduce", REDUCE)
def test_an_index_smaller_than_src_uses_its_leading_block(reduce):
    # torch's forward allows it (its backward then fails on the shape), so values vs torch, gradients numerically
    src = rng.standard_normal((3, 6))
    ours = nnstudio.tensor(SELF).scatter_reduce(0, nnstudio.tensor(INDEX), nnstudio.tensor(src), reduce)
    theirs = torch.tensor(SELF).scatter_reduce(0, torch.tensor(INDEX), torch.tensor(src), reduce)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    index = nnstudio.tensor(INDEX)
    gradcheck(lambda a, s: a.scatter_reduce(0, index, s, reduce, include_self=False), [SELF, src])


def test_integer_mean_floors_and_function_form_and_in_place_as_torch():
    a, i, s = [10, -20, 30], [0, 0, 1], [1, -2, 4]
    for reduce in REDUCE:
        ours = nnstudio.scatter_reduce(nnstudio.tensor(a), 0, nnstudio.tensor(i), nnstudio.tensor(s), reduce)
        theirs = torch.scatter_reduce(torch.tensor(a), 0, torch.tensor(i), torch.tensor(s), reduce)
        assert ours.tolist() == theirs.tolist() and ours.dtype == nnstudio.int64
    t = nnstudio.zeros(3)
    assert t.scatter_reduce_(0, nnstudio.tensor(i), nnstudio.tensor([1.0, 2.0, 4.0]), "sum") is t
    assert t.tolist() == [3.0, 4.0, 0.0]


def test_nan_propagates_through_amax():
    out = nnstudio.tensor([1.0, 2.0, 3.0]).scatter_reduce(0, nnstudio.tensor([0, 0, 1]),
                                                          nnstudio.tensor([1.0, float("nan"), 2.0]), "amax")
    assert np.isnan(out[0].item()) and out[1:].tolist() == [2.0, 3.0]


def test_errors_name_the_problem():
    a, i = nnstudio.zeros(3), nnstudio.tensor([0, 1])
    with pytest.raises(RuntimeError, match="reduce argument must be either sum, prod, mean, amax or amin"):
        a.scatter_reduce(0, i, nnstudio.ones(2), "max")
    with pytest.raises(RuntimeError, match="out of bounds"):
        a.scatter_reduce(0, nnstudio.tensor([0, 3]), nnstudio.ones(2), "sum")
    with pytest.raises(RuntimeError, match="self.dtype to be equal to src.dtype"):
        a.scatter_reduce(0, i, nnstudio.ones(2, dtype=nnstudio.float64), "sum")
    with pytest.raises(RuntimeError, match="int32/int64 for index"):
        a.scatter_reduce(0, nnstudio.tensor([0.0, 1.0]), nnstudio.ones(2), "sum")
