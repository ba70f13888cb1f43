"""print(tensor) as torch prints it: number formats, wrapping, summaries, suffixes, grad_fn names."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio

_rng = np.random.default_rng(0)
CASES = {
    "ints_as_floats": np.arange(24, dtype=np.float32).reshape(2, 3, 4),
    "wrapped_rows": _rng.standard_normal((3, 17)).astype(np.float32),
    "summarised_1d": _rng.standard_normal(1500).astype(np.float32),
    "summarised_2d": _rng.standard_normal((40, 40)).astype(np.float32),
    "sci_small": np.array([1e-6, 1.0], np.float32),
    "sci_large_ints": np.array([1e9, 1], np.float32),
    "nan_inf_zero": np.array([0.0, np.inf, np.nan, 1.5], np.float32),
    "only_zero_and_inf": np.array([[0.0, -np.inf], [0.0, 0.0]], np.float32),
    "int64": np.arange(10),
    "int64_wide": _rng.integers(-1000, 1000, size=(3, 30)),
    "bool": np.array([True, False]),
    "empty_2d": np.zeros((0, 3), np.float32),
    "scalar": np.array(3.5, np.float32),
    "scalar_int_valued": np.array(24.0, np.float32),
    "4d": _rng.standard_normal((2, 2, 2, 2)).astype(np.float32) * 100,
    "almost_one": np.array([0.99999994, 1.0], np.float32),
}


@pytest.mark.parametrize("name", CASES)
def test_repr_matches_torch(name):
    arr = CASES[name]
    assert repr(nnstudio.tensor(arr)) == repr(torch.tensor(arr))


@pytest.mark.parametrize("dtype", [np.float64, np.int32])
def test_dtype_suffix(dtype):
    arr = np.arange(6).reshape(2, 3).astype(dtype)
    assert repr(nnstudio.tensor(arr)).replace("nnstudio.", "torch.") == repr(torch.tensor(arr))


@pytest.mark.parametrize("op", ["identity", "sum", "sum_dim", "mean", "mul", "exp", "view", "row", "slice",
                                "round"])
def test_grad_fn_and_requires_grad_suffixes(op):
    arr = _rng.standard_normal((3, 17)).astype(np.float32)
    fns = {"identity": lambda t: t, "sum": lambda t: t.sum(), "sum_dim": lambda t: t.sum(1),
           "mean": lambda t: t.mean(), "mul": lambda t: t * 2, "exp": lambda t: t.exp(),
           "view": lambda t: t.view(-1), "row": lambda t: t[0], "slice": lambda t: t[:, 1:3],
           "round": lambda t: t.round()}
    ours = fns[op](nnstudio.tensor(arr, requires_grad=True))
    theirs = fns[op](torch.tensor(arr, requires_grad=True))
    assert repr(ours) == repr(theirs)
