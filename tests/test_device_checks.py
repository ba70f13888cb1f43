"""The deferred device-side checks: flags queue per site, OR-ed, and the first failed one raises at read-out.

NumPy bool scalars stand in for CuPy's device flags here (the same `|` and `bool()`); the real CUDA path is
covered by tests/nn/test_loss.py::test_out_of_range_target_is_reported_on_each_device on a GPU.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio import _backend as checks


@pytest.fixture(autouse=True)
def _empty_queue():
    checks._pending.clear()
    yield
    checks._pending.clear()


def test_a_passed_check_raises_nothing_and_empties_the_queue():
    checks.defer("site", np.bool_(False), lambda: IndexError("never"))
    checks.raise_pending()
    assert checks._pending == {}


def test_a_failure_anywhere_in_the_queue_of_a_site_is_reported_once():
    checks.defer("site", np.bool_(False), lambda: IndexError("bad target"))
    checks.defer("site", np.bool_(True), lambda: IndexError("bad target"))
    checks.defer("site", np.bool_(False), lambda: IndexError("bad target"))
    assert len(checks._pending) == 1  # one OR-ed flag per site, not one per step
    with pytest.raises(IndexError, match="bad target"):
        checks.raise_pending()
    checks.raise_pending()  # reported once: the queue was emptied


def test_the_failed_site_is_the_one_reported():
    checks.defer("a", np.bool_(False), lambda: IndexError("a failed"))
    checks.defer("b", np.bool_(True), lambda: RuntimeError("b failed"))
    with pytest.raises(RuntimeError, match="b failed"):
        checks.raise_pending()
