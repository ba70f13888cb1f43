"""`BlockStats`: statistics of watched submodules (weights and latest output), following model swaps."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn
from nnstudio.train.block_stats import BlockStats, summarize


def test_summarize_matches_numpy_and_counts_every_value():
    rng = np.random.default_rng(0)
    a = rng.normal(2.0, 3.0, size=(40, 25)).astype(np.float32)
    s = summarize(a, bins=8)
    assert s["shape"] == [40, 25] and sum(s["hist"]) == a.size and len(s["hist"]) == 8
    assert s["mean"] == pytest.approx(a.mean(), rel=1e-3) and s["std"] == pytest.approx(a.std(), rel=1e-3)
    assert s["lo"] == pytest.approx(a.min(), rel=1e-3) and s["hi"] == pytest.approx(a.max(), rel=1e-3)
    assert s["nonfinite"] == 0


def test_summarize_reads_a_sample_of_big_arrays_and_skips_nonfinite_values():
    big = np.arange(100_000, dtype=np.float64)
    s = summarize(big, sample=1000)
    assert 1000 <= sum(s["hist"]) <= 1001 and s["shape"] == [100_000]
    bad = np.array([1.0, np.nan, np.inf, 3.0])
    s = summarize(bad)
    assert s["nonfinite"] == 2 and sum(s["hist"]) == 2 and s["mean"] == 2.0
    s = summarize(np.full(5, np.nan))
    assert s["nonfinite"] == 5 and np.isnan(s["mean"]) and sum(s["hist"]) == 0
    assert sum(summarize(np.ones(7))["hist"]) == 7  # a constant array still has its one bar


def mlp():
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))


def test_watched_blocks_give_weights_and_output_after_a_forward():
    holder = SimpleNamespace(model=mlp())
    probe = BlockStats(holder)
    probe.watch(["0", "1", "nope"])
    first = probe.stats()
    assert set(first) == {"0", "1"} and first["0"]["output"] is None
    assert [w["name"] for w in first["0"]["weights"]] == ["0.weight", "0.bias"] and first["1"]["weights"] == []
    x = nnstudio.randn(4, 3)
    holder.model(x)
    after = probe.stats()
    expected = holder.model[0](x).detach().numpy()
    assert after["0"]["output"]["shape"] == [4, 5]
    assert after["0"]["output"]["mean"] == pytest.approx(float(expected.mean()), rel=1e-3, abs=1e-6)
    assert after["1"]["output"]["hi"] <= 1.0  # a Tanh's output


def test_hooks_follow_a_model_swap_and_close_removes_them():
    holder = SimpleNamespace(model=mlp())
    old = holder.model
    probe = BlockStats(holder)
    probe.watch(["2"])
    holder.model = mlp()
    holder.model(nnstudio.randn(2, 3))
    assert probe.stats()["2"]["output"] is None  # re-hooked on the new model: its next forward counts
    holder.model(nnstudio.randn(2, 3))
    assert probe.stats()["2"]["output"]["shape"] == [2, 2]
    assert not old[2]._forward_hooks and holder.model[2]._forward_hooks
    probe.close()
    assert not holder.model[2]._forward_hooks and probe.stats() == {}


def test_the_histogram_is_numpys():
    rng = np.random.default_rng(3)
    a = rng.standard_normal(3000)
    expected, _ = np.histogram(a, bins=16, range=(a.min(), a.max()))
    assert summarize(a)["hist"] == expected.tolist()
