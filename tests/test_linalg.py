"""torch.linalg norms and Tensor.norm / torch.norm: values and gradients against torch, gradcheck, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnstudio
from tests.helpers.gradcheck import gradcheck
from tests.helpers.parity import check_function_parity

rng = np.random.default_rng(2)
X = rng.standard_normal((3, 4)).astype(np.float32)
X3 = rng.standard_normal((2, 3, 4)).astype(np.float32)
V = rng.standard_normal((5,)).astype(np.float32)
inf = math.inf

CASES = [
    ("norm", lambda lib, x: x.norm(), X),
    ("norm dim", lambda lib, x: x.norm(dim=1), X),
    ("norm p1 keepdim", lambda lib, x: lib.norm(x, p=1, dim=0, keepdim=True), X),
    ("norm p3", lambda lib, x: x.norm(p=3, dim=-1), X3),
    ("norm pinf", lambda lib, x: x.norm(p=inf), X),
    ("norm p-inf dim", lambda lib, x: x.norm(p=-inf, dim=1), X),
    ("norm fro dims", lambda lib, x: lib.norm(x, p="fro", dim=(1, 2)), X3),
    ("norm p0.5", lambda lib, x: x.norm(p=0.5), X),
    ("vector_norm", lambda lib, x: lib.linalg.vector_norm(x), X3),
    ("vector_norm ord1 dim", lambda lib, x: lib.linalg.vector_norm(x, ord=1, dim=(0, 2)), X3),
    ("vector_norm ord inf", lambda lib, x: lib.linalg.vector_norm(x, inf, dim=-1, keepdim=True), X3),
    ("vector_norm ord 0", lambda lib, x: lib.linalg.vector_norm(x, 0), X),
    ("vector_norm ord -2", lambda lib, x: lib.linalg.vector_norm(x, -2, 1), X),
    ("matrix_norm fro", lambda lib, x: lib.linalg.matrix_norm(x), X3),
    ("matrix_norm 1", lambda lib, x: lib.linalg.matrix_norm(x, 1), X3),
    ("matrix_norm -1", lambda lib, x: lib.linalg.matrix_norm(x, -1, keepdim=True), X3),
    ("matrix_norm inf", lambda lib, x: lib.linalg.matrix_norm(x, inf, dim=(0, 2)), X3),
    ("matrix_norm -inf", lambda lib, x: lib.linalg.matrix_norm(x, -inf), X),
    ("linalg.norm", lambda lib, x: lib.linalg.norm(x), X3),
    ("linalg.norm vector", lambda lib, x: lib.linalg.norm(x, 3), V),
    ("linalg.norm matrix ord", lambda lib, x: lib.linalg.norm(x, inf), X),
    ("linalg.norm dim int", lambda lib, x: lib.linalg.norm(x, dim=2), X3),
    ("linalg.norm dim pair", lambda lib, x: lib.linalg.norm(x, 1, dim=(2, 1)), X3),
]


@pytest.mark.parametrize("fn, x", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matches_torch(fn, x):
    check_function_parity(fn, [x])


@pytest.mark.parametrize("fn, x", [c[1:] for c in CASES if "ord 0" not in c[0]],
                         ids=[c[0] for c in CASES if "ord 0" not in c[0]])
def test_gradcheck(fn, x):
    gradcheck(lambda t: fn(nnstudio, t), [x])


def test_zero_vector_two_norm_gradient_is_zero():
    x = nnstudio.zeros(3, requires_grad=True)
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("expr", [
    "lib.linalg.vector_norm(lib.arange(3))",
    "lib.linalg.norm(lib.zeros(2, 2, 2), 2)",
    "lib.linalg.matrix_norm(lib.zeros(3))",
    "lib.linalg.matrix_norm(lib.zeros(3, 3), 3)",
    "lib.linalg.norm(lib.zeros(2, 2, 2), dim=(0, 1, 2))",
])
def test_errors_as_torch(expr):
    import torch

    with pytest.raises(RuntimeError):
        eval(expr, {"lib": torch})  # noqa: S307
    with pytest.raises(RuntimeError, match="linalg"):
        eval(expr, {"lib": nnstudio})  # noqa: S307


def test_import_torch_linalg_alias():
    assert nnstudio.linalg.norm is nnstudio.linalg.norm
    import importlib

    assert importlib.import_module("nnstudio.linalg") is nnstudio.linalg
