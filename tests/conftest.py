"""Shared fixtures: `device` runs a test on the CPU and, where a GPU answers, on CUDA (CuPy)."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import nnstudio  # noqa: E402

_DEVICES = ["cpu", "cuda"]


@pytest.fixture(params=_DEVICES)
def device(request) -> str:
    """'cpu', or 'cuda' when CuPy and a GPU are present (skipped cleanly otherwise)."""
    if request.param == "cuda" and not nnstudio.cuda.is_available():
        pytest.skip("no CUDA device (CuPy with a GPU) on this machine")
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same seed, so failures reproduce."""
    nnstudio.manual_seed(0)
    yield
