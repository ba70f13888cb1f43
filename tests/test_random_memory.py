"""Issue 15 (16): randn / rand / nn.init and Tensor.uniform_ / normal_ draw float32 values in float32, so their
peak memory is about the array itself (torch's), not three times it (a float64 draw, then a float32 copy)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn

N = 10**7  # 40 MB of float32: large enough to see a float64 temporary, small and fast


def peak_ratio(make, nbytes: int) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        keep = make()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del keep
    return peak / nbytes


@pytest.mark.parametrize("make", [lambda: nnstudio.randn(N), lambda: nnstudio.rand(N),
                                  lambda: nnstudio.empty(N).uniform_(-1, 1), lambda: nnstudio.empty(N).normal_(),
                                  lambda: nn.init.normal_(nnstudio.empty(N)),
                                  lambda: nn.init.uniform_(nnstudio.empty(N))],
                         ids=["randn", "rand", "Tensor.uniform_", "Tensor.normal_", "init.normal_", "init.uniform_"])
def test_float32_draws_need_about_the_array_itself(make):
    ratio = peak_ratio(make, 4 * N)
    assert ratio < 2.2, ratio  # in-place init ~1.0, a drawn tensor ~1.0-2.0; a float64 temporary gives >= 3


def test_a_large_linear_layer_initialises_without_float64_copies():
    ratio = peak_ratio(lambda: nn.Linear(2000, 2000), 4 * 2000 * 2000)
    assert ratio < 1.5, ratio


def test_draws_keep_their_dtype_and_distribution():
    nnstudio.manual_seed(0)
    x = nnstudio.randn(200_000).numpy()
    u = nnstudio.rand(200_000).numpy()
    assert x.dtype == np.float32 and u.dtype == np.float32
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    assert 0 <= u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    assert nnstudio.randn(3, dtype=nnstudio.float64).dtype == nnstudio.float64
    assert nnstudio.randn(3, dtype=nnstudio.float16).dtype == nnstudio.float16
    w = nn.init.uniform_(nnstudio.empty(100_000), -2, 3).numpy()
    assert w.min() >= -2 and w.max() < 3 and abs(w.mean() - 0.5) < 0.05
    nnstudio.manual_seed(5)
    a = nnstudio.randn(10).numpy()
    nnstudio.manual_seed(5)
    assert (nnstudio.randn(10).numpy() == a).all()
