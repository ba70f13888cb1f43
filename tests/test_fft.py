"""`torch.fft`'s real-valued helpers against torch; the complex transforms say why they are missing."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("n, d", [(5, 1.0), (8, 0.1), (1, 2.0)])
def test_frequencies_match_torch(name, n, d):
    ours, theirs = getattr(nnstudio.fft, name)(n, d), getattr(torch.fft, name)(n, d)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert getattr(nnstudio.fft, name)(4, dtype=nnstudio.float64).dtype == nnstudio.float64


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -1])
def test_shifts_match_torch_with_gradients(name, dim):
    x = np.random.default_rng(0).standard_normal((3, 5))
    a, b = nnstudio.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = getattr(nnstudio.fft, name)(a, dim=dim), getattr(torch.fft, name)(b, dim=dim)
    np.testing.assert_array_equal(ya.detach().numpy(), yb.detach().numpy())
    w = np.arange(15.0).reshape(3, 5)
    (ya * nnstudio.tensor(w)).sum().backward()
    (yb * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_complex_transforms_say_why_they_are_missing():
    with pytest.raises(AttributeError, match="no complex dtypes"):
        nnstudio.fft.rfft(nnstudio.ones(4))
    assert not hasattr(nnstudio.fft, "fft2")
