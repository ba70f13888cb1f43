"""The loss curve's thinning: an envelope of true (step, value) points that always reaches the latest step."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nnstudio.studio.panels.series import EnvelopeSeries, envelope


def check(x, y, values, max_points):
    values = np.asarray(values, dtype=np.float64)
    assert x[0] == 1 and x[-1] == len(values) and np.all(np.diff(x) > 0)
    np.testing.assert_array_equal(y, values[x.astype(int) - 1])
    assert y.min() == values.min() and y.max() == values.max()
    assert len(x) <= max_points


@settings(max_examples=40, deadline=None)
@given(chunks=st.lists(st.integers(1, 700), min_size=1, max_size=12), buckets=st.integers(2, 40),
       seed=st.integers(0, 1000))
def test_the_incremental_envelope_holds_every_extreme_and_the_last_step(chunks, buckets, seed):
    rng = np.random.default_rng(seed)
    source: list[float] = []
    series = EnvelopeSeries(buckets)
    for n in chunks:  # the training thread appends; each frame reads what is new
        source.extend(rng.normal(size=n).cumsum().tolist())
        x, y = series.read(source)
        check(x, y, source, 2 * buckets + 4)
    if len(source) <= buckets:
        np.testing.assert_array_equal(y, source)


def test_a_new_history_starts_over():
    series = EnvelopeSeries(8)
    series.read([3.0] * 100)
    x, y = series.read([1.0, 2.0])
    assert list(x) == [1, 2] and list(y) == [1.0, 2.0]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 5000), max_points=st.integers(4, 300), seed=st.integers(0, 1000))
def test_the_envelope_of_a_whole_series(n, max_points, seed):
    values = np.random.default_rng(seed).standard_cauchy(n)
    x, y = envelope(values, max_points=max_points)
    check(x, y, values, max(n if n <= max_points else 0, max_points + 2))
    steps = np.arange(10, 10 * n + 1, 10)
    xs, _ = envelope(values, steps, max_points)
    assert xs[-1] == steps[-1]
