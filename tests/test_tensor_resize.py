"""Tensor.resize_ / resize_as_ / resize / resize_as and torch.resize_as_ against torch: shapes, kept elements,
the deprecated copies, the refusal for tensors that require grad."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

CASES = {
    "shrink": lambda L: L.arange(6.0).resize_(2, 2),
    "same size": lambda L: L.arange(6.0).resize_((3, 2)),
    "size object": lambda L: L.arange(6.0).resize_(L.Size([1, 6])),
    "as": lambda L: L.arange(6.0).resize_as_(L.zeros(2, 2)),
    "function": lambda L: L.resize_as_(L.arange(6.0), L.zeros(3)),
    "copy": lambda L: L.arange(6.0).resize(3, 2),
    "copy as": lambda L: L.arange(6.0).resize_as(L.zeros(2, 3)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = CASES[name](nnstudio), CASES[name](torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_in_place_keeps_the_object_and_grows_with_the_first_elements_first():
    a = nnstudio.arange(4.0)
    assert a.resize_(2, 3) is a and a.shape == (2, 3)
    np.testing.assert_array_equal(a.reshape(-1)[:4].numpy(), [0, 1, 2, 3])
    b = nnstudio.arange(6.0)
    with pytest.warns(UserWarning, match="deprecated"):
        c = b.resize(2, 3)
    assert b.shape == (6,) and c.shape == (2, 3)


def test_a_tensor_that_requires_grad_cannot_be_resized():
    for lib in (nnstudio, torch):
        with pytest.raises(RuntimeError, match="require grad"):
            lib.ones(2, requires_grad=True).resize_(3)
