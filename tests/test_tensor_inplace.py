"""In-place Tensor methods and the scatter family: values, gradients and errors against torch, gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
from tests.helpers.gradcheck import gradcheck
from tests.helpers.parity import check_function_parity

rng = np.random.default_rng(3)
X = rng.standard_normal((3, 4)).astype(np.float32)
POS = (np.abs(X) + 0.5).astype(np.float32)
SRC = rng.standard_normal((2, 4)).astype(np.float32)
IDX = np.array([[0, 1, 2, 0], [2, 0, 0, 1]])  # repeats in column 0 for scatter_add
IDX_UNIQUE = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])  # no position written twice (scatter's winner is unspecified)
ROWS = np.array([2, 0, 2])
SRC3 = rng.standard_normal((3, 4)).astype(np.float32)

UNARY = ["exp_", "sqrt_", "abs_", "neg_", "log_", "sigmoid_", "tanh_", "sin_", "reciprocal_", "square_"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_inplace_on_non_leaf_matches_torch(name):
    def fn(lib, x):
        y = x * 1.5
        out = getattr(y, name)()
        assert out is y
        return y

    check_function_parity(fn, [POS])


@pytest.mark.parametrize("name", UNARY)
def test_unary_inplace_gradcheck(name):
    def fn(x):
        y = x * 1.0
        getattr(y, name)()
        return y

    gradcheck(fn, [POS])


@pytest.mark.parametrize("expr", ["y.clamp_(-0.5, 0.5)", "y.clamp_min_(0.1)", "y.clamp_max_(0.2)",
                                  "y.fill_(2.0)", "y.zero_()", "y.copy_(lib.ones(4))", "y.masked_fill_(y > 0, 3.0)",
                                  "y.add_(x)"])
def test_inplace_keeps_graph_as_torch(expr):
    def fn(lib, x):
        y = x * 2
        eval(expr, {"lib": lib, "x": x, "y": y})  # noqa: S307
        return y

    check_function_parity(fn, [X])


CALLS = [
    ("scatter src", lambda lib, x, s, i: x.scatter(0, i, s), IDX_UNIQUE),
    ("scatter dim 1", lambda lib, x, s, i: lib.scatter(x, 1, i[:, :2], s[:, :2]), IDX_UNIQUE),
    ("scatter value", lambda lib, x, s, i: x.scatter(0, i, 0.5) + s.sum(), IDX),
    ("scatter_add", lambda lib, x, s, i: x.scatter_add(0, i, s), IDX),
    ("scatter_add small index", lambda lib, x, s, i: lib.scatter_add(x, 0, i[:1, :3], s[:1, :3]), IDX),
    ("scatter_ non-leaf", lambda lib, x, s, i: (x * 1).scatter_(0, i, s), IDX_UNIQUE),
    ("scatter_add_ non-leaf", lambda lib, x, s, i: (x * 1).scatter_add_(0, i, s), IDX),
    ("int32 index", lambda lib, x, s, i: x.scatter_add(0, i.int(), s), IDX),
]


@pytest.mark.parametrize("fn, index", [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_scatter_matches_torch(fn, index):
    check_function_parity(fn, [X, SRC, index])


@pytest.mark.parametrize("fn, index", [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_scatter_gradcheck(fn, index):
    gradcheck(lambda x, s, i: fn(nnstudio, x, s, i.long()), [X, SRC, index], nondiff=[2])


@pytest.mark.parametrize("fn", [lambda lib, x, s, i: x.scatter(0, i, s, reduce="add"),
                                lambda lib, x, s, i: lib.scatter_add(x, 0, i[:1, :3], s)])
@pytest.mark.filterwarnings("ignore:The reduce argument")
def test_values_where_torch_has_no_gradient(fn):
    """torch implements no derivative for scatter(reduce=) and a wrong-shaped one for an index smaller than src;
    nnstudio's gradients are checked numerically above and here."""
    check_function_parity(fn, [X, SRC, IDX], grad=False)
    gradcheck(lambda x, s, i: fn(nnstudio, x, s, i.long()), [X, SRC, IDX], nondiff=[2])


@pytest.mark.parametrize("alpha", [1, 2.5])
@pytest.mark.parametrize("dim", [0, 1])
def test_index_add_matches_torch(alpha, dim):
    src = SRC3 if dim == 0 else SRC3[:, :3]
    fn = (lambda lib, x, s, i: x.index_add(dim, i, s, alpha=alpha)) if alpha != 1 else \
        (lambda lib, x, s, i: (x * 1).index_add_(dim, i, s))
    check_function_parity(fn, [X, src, ROWS])
    gradcheck(lambda x, s, i: fn(nnstudio, x, s, i.long()), [X, src, ROWS], nondiff=[2])


def test_inplace_on_int_and_no_grad():
    for lib in (torch, nnstudio):
        i = lib.tensor([1, -2, 3])
        assert i.abs_().tolist() == [1, 2, 3] and i.neg_().tolist() == [-1, -2, -3]
        with pytest.raises(RuntimeError, match="can't be cast"):
            i.exp_()
        w = lib.ones(3, requires_grad=True)
        with lib.no_grad():
            w.mul_(2).exp_().zero_().add_(1).uniform_(0, 1).normal_()
            w.scatter_(0, lib.tensor([0]), lib.tensor([5.0]))
        assert w.requires_grad and w.grad_fn is None and w[0].item() == 5.0


LEAF_OPS = ["exp_()", "sqrt_()", "abs_()", "neg_()", "clamp_(0, 1)", "fill_(1)", "zero_()", "copy_(lib.zeros(3))",
            "uniform_()", "normal_()", "masked_fill_(w > 0, 0)", "scatter_(0, lib.tensor([0]), lib.zeros(1))",
            "scatter_add_(0, lib.tensor([0]), lib.zeros(1))", "index_add_(0, lib.tensor([0]), lib.zeros(1))"]


@pytest.mark.parametrize("op", LEAF_OPS)
def test_inplace_on_leaf_that_requires_grad_raises(op):
    for lib in (torch, nnstudio):
        w = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            eval(f"w.{op}", {"w": w, "lib": lib})  # noqa: S307


@pytest.mark.parametrize("expr, kind", [
    ("x.scatter(0, lib.tensor([[0, 1]]).float(), x[:1, :2])", RuntimeError),
    ("x.scatter_add(0, lib.tensor([[-1, 1]]), x[:1, :2])", RuntimeError),
    ("x.scatter(0, lib.tensor([0, 1]), x[0, :2])", RuntimeError),
    ("x.scatter(0, lib.tensor([[3, 0]]), x[:1, :2])", RuntimeError),
    ("x.scatter(0, lib.tensor([[0, 0]]), x[:1, :2].double())", RuntimeError),
    ("x.scatter(0, lib.zeros(1, 5).long(), x)", RuntimeError),
    ("x.scatter_add(2, lib.tensor([[0, 0]]), x[:1, :2])", IndexError),
    ("x.index_add(0, lib.tensor([[0]]), x[:1])", IndexError),
    ("x.index_add(0, lib.tensor([0, 1]), x[:1])", RuntimeError),
    ("x.index_add(0, lib.tensor([-1]), x[:1])", RuntimeError),
    ("x.index_add(0, lib.tensor([0]), x[:1].double())", RuntimeError),
    ("x.index_add(0, lib.tensor([7]), x[:1])", RuntimeError),
])
def test_scatter_errors_as_torch(expr, kind):
    for lib in (torch, nnstudio):
        x = lib.zeros(3, 4)
        with pytest.raises(kind):
            eval(expr, {"x": x, "lib": lib})  # noqa: S307
