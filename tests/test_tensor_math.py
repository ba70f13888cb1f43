"""cumsum / cumprod / diag / diagonal / diag_embed / trace / logsumexp: values and gradients against torch,
float64 gradcheck, and torch's errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnstudio
from tests.helpers.gradcheck import gradcheck
from tests.helpers.parity import check_function_parity

rng = np.random.default_rng(1)
X = rng.standard_normal((3, 4)).astype(np.float32)
X3 = rng.standard_normal((2, 3, 4)).astype(np.float32)
V = rng.standard_normal((4,)).astype(np.float32)
ZEROS = np.array([[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 3.0, 0.5]], dtype=np.float32)

CASES = [
    ("cumsum dim 1", lambda lib, x: x.cumsum(1), X),
    ("cumsum dim -3", lambda lib, x: lib.cumsum(x, dim=-3), X3),
    ("cumprod dim 0", lambda lib, x: x.cumprod(0), X),
    ("cumprod dim -1", lambda lib, x: lib.cumprod(x, -1), X3),
    ("cumprod with zeros", lambda lib, x: x.cumprod(1), ZEROS),
    ("diag of vector", lambda lib, x: lib.diag(x), V),
    ("diag of vector offset", lambda lib, x: x.diag(2), V),
    ("diag of vector neg offset", lambda lib, x: x.diag(-1), V),
    ("diag of matrix", lambda lib, x: lib.diag(x), X),
    ("diag of matrix offset", lambda lib, x: x.diag(1), X),
    ("diag of matrix neg offset", lambda lib, x: x.diag(-2), X),
    ("diagonal", lambda lib, x: x.diagonal(), X),
    ("diagonal dims", lambda lib, x: lib.diagonal(x, offset=1, dim1=2, dim2=0), X3),
    ("diagonal empty", lambda lib, x: x.diagonal(5), X),
    ("diag_embed", lambda lib, x: lib.diag_embed(x), X),
    ("diag_embed dims", lambda lib, x: x.diag_embed(offset=-1, dim1=0, dim2=2), X),
    ("trace", lambda lib, x: lib.trace(x), X),
    ("logsumexp dim", lambda lib, x: x.logsumexp(1), X),
    ("logsumexp keepdim", lambda lib, x: lib.logsumexp(x, dim=0, keepdim=True), X),
    ("logsumexp tuple", lambda lib, x: x.logsumexp((0, 2)), X3),
    ("logsumexp large", lambda lib, x: (x * 1000).logsumexp(-1), X),
]


@pytest.mark.parametrize("fn, x", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matches_torch(fn, x):
    check_function_parity(fn, [x])


@pytest.mark.parametrize("fn, x", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gradcheck(fn, x):
    gradcheck(lambda t: fn(nnstudio, t), [x])


@pytest.mark.parametrize("expr", ["x.cumsum(0)", "x.cumprod(1)", "lib.trace(x)", "x.diag()", "x.diagonal(1)",
                                  "(x > 0).cumsum(1)", "x.cumsum(1, dtype=lib.float64)"])
def test_integer_inputs(expr):
    x = np.arange(-3, 9).reshape(3, 4)
    check_function_parity(lambda lib, t: eval(expr, {"lib": lib, "x": t}), [x])  # noqa: S307


def test_logsumexp_infinities_match_torch():
    x = np.array([[-math.inf, -math.inf], [0.0, -math.inf], [math.inf, 1.0]], dtype=np.float32)
    import torch

    ours, theirs = nnstudio.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a, b = ours.logsumexp(1), theirs.logsumexp(1)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    a.backward(nnstudio.ones(3))
    b.backward(torch.ones(3))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_cumsum_has_gradient_and_grad_fn():
    x = nnstudio.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.cumsum(0)
    assert "CumsumBackward0" in repr(y)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 2.0, 1.0]


@pytest.mark.parametrize("expr, kind, match", [
    ("lib.trace(lib.zeros(3))", RuntimeError, "expected a matrix"),
    ("lib.diag(lib.zeros(2, 2, 2))", RuntimeError, "1D or 2D"),
    ("lib.zeros(3).diagonal()", IndexError, "Dimension out of range"),
    ("lib.zeros(3, 3).diagonal(0, 1, 1)", RuntimeError, "cannot be identical"),
    ("lib.zeros(3, 3).cumsum(2)", IndexError, "Dimension out of range"),
    ("lib.zeros(3, 3).cumprod(-3)", IndexError, "Dimension out of range"),
])
def test_errors_as_torch(expr, kind, match):
    import torch

    with pytest.raises(kind):
        eval(expr, {"lib": torch})  # noqa: S307
    with pytest.raises(kind, match=match):
        eval(expr, {"lib": nnstudio})  # noqa: S307
