"""gradgradcheck's random grad_outputs and testing.make_tensor draw as torch 2.13's do: through
`empty(...).uniform_`, never through the module functions `rand` / `rand_like` (a script that replaces those,
or seeds them, sees the same stream under both libraries)."""

from __future__ import annotations

import pytest

import nnstudio

torch = pytest.importorskip("torch")


def _refuse(*args, **kwargs):
    raise AssertionError("drew through the module's rand / rand_like")


@pytest.mark.parametrize("lib", [torch, nnstudio], ids=["torch", "nnstudio"])
def test_gradgradcheck_and_make_tensor_do_not_call_rand(lib, monkeypatch):
    monkeypatch.setattr(lib, "rand", _refuse)
    monkeypatch.setattr(lib, "rand_like", _refuse)
    x = lib.tensor([0.3, -0.7, 1.1], dtype=lib.float64, requires_grad=True)
    assert lib.autograd.gradgradcheck(lambda t: (t ** 3).sin(), (x,))
    t = lib.testing.make_tensor((4, 5), dtype=lib.float32, device="cpu", low=-2, high=3)
    assert t.shape == (4, 5) and float(t.min()) >= -2 and float(t.max()) < 3
