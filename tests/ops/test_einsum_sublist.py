"""einsum's sublist format (einsum(op1, [0, 1], op2, [1, 2], [0, 2])) against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck

import nnstudio

rng = np.random.default_rng(0)
A, B, C = rng.standard_normal((2, 3)), rng.standard_normal((3, 4)), rng.standard_normal((5, 2, 3))

CASES = [
    lambda lib, a, b, c: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]),
    lambda lib, a, b, c: lib.einsum(a, [0, 1], b, [1, 2]),  # implicit output
    lambda lib, a, b, c: lib.einsum(a, [27, 1], b, [1, 2]),  # 'b' after 'C': torch's order
    lambda lib, a, b, c: lib.einsum(a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2]),
    lambda lib, a, b, c: lib.einsum(c, [..., 0, 1], a, [0, 1], [...]),
    lambda lib, a, b, c: lib.einsum(a, [0, 1], [1, 0]),
    lambda lib, a, b, c: lib.einsum(a, [0, 1], []),
    lambda lib, a, b, c: lib.einsum(c, (3, 51, 30), b, [30, 7], [51, 3, 7]),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_values_and_gradients_match_torch(case):
    res = []
    for lib in (nnstudio, torch):
        ts = [lib.tensor(x, requires_grad=True) for x in (A, B, C)]
        out = CASES[case](lib, *ts)
        out.sum().backward()
        res.append([out.detach().numpy()] + [t.grad.numpy() if t.grad is not None else None for t in ts])
    for ours, theirs in zip(*res):
        if theirs is None:
            assert ours is None
        else:
            assert ours.shape == theirs.shape
            np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_gradcheck():
    gradcheck(lambda a, b: nnstudio.einsum(a, [0, 1], b, [1, 2], [0, 2]), [A, B])


def test_errors():
    a = nnstudio.tensor(A)
    with pytest.raises(ValueError, match=r"valid range \[0, 52\)"):
        nnstudio.einsum(a, [0, 52])
    with pytest.raises(ValueError, match=r"valid range \[0, 52\)"):
        nnstudio.einsum(a, [-1, 0])
    with pytest.raises(TypeError, match="subscripts are ints"):
        nnstudio.einsum(a, ["i", "j"])
    with pytest.raises(RuntimeError, match="does not match the number of dimensions"):
        nnstudio.einsum(a, [0])
    with pytest.raises(TypeError, match="expected a sublist"):
        nnstudio.einsum(a, [0, 1], a, a)
