"""nn.utils: clip_grad_norm_ / clip_grad_value_ / parameters_to_vector against torch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import nnstudio


def _pair(seed: int = 0):
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal((3, 4)).astype(np.float32) * 3, rng.standard_normal(5).astype(np.float32)]
    tp = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    npar = [nnstudio.zeros(*g.shape, requires_grad=True) for g in grads]
    for t, n, g in zip(tp, npar, grads):
        t.grad, n.grad = torch.tensor(g), nnstudio.tensor(g)
    extra_t, extra_n = torch.zeros(2, requires_grad=True), nnstudio.zeros(2, requires_grad=True)  # no .grad
    return tp + [extra_t], npar + [extra_n]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    tp, npar = _pair()
    t_total = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type)
    n_total = nnstudio.nn.utils.clip_grad_norm_(npar, max_norm, norm_type)
    assert isinstance(n_total, nnstudio.Tensor) and n_total.shape == () and n_total.dtype == nnstudio.float32
    np.testing.assert_allclose(n_total.item(), t_total.item(), rtol=1e-6)
    for t, n in zip(tp[:2], npar[:2]):
        np.testing.assert_allclose(n.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-7)
    assert npar[2].grad is None


def test_clip_grad_norm_single_tensor_and_no_grads():
    p = nnstudio.ones(3, requires_grad=True)
    assert nnstudio.nn.utils.clip_grad_norm_(p, 1.0).item() == 0.0  # no grad yet: torch returns tensor(0.)
    p.grad = nnstudio.tensor([3.0, 4.0, 0.0])
    assert nnstudio.nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8, 0.0], rtol=1e-5)


def test_clip_grad_norm_nonfinite_raises_like_torch():
    p = nnstudio.ones(2, requires_grad=True)
    p.grad = nnstudio.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nnstudio.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_matches_torch():
    tp, npar = _pair(1)
    assert torch.nn.utils.clip_grad_value_(tp, 0.7) is None
    assert nnstudio.nn.utils.clip_grad_value_(npar, clip_value=0.7) is None
    for t, n in zip(tp[:2], npar[:2]):
        np.testing.assert_array_equal(n.grad.numpy(), t.grad.numpy())


def test_parameters_to_vector_and_back():
    tm, nm = torch.nn.Linear(3, 2), nnstudio.nn.Linear(3, 2)
    nm.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    tv = torch.nn.utils.parameters_to_vector(tm.parameters())
    nv = nnstudio.nn.utils.parameters_to_vector(nm.parameters())
    np.testing.assert_array_equal(nv.detach().numpy(), tv.detach().numpy())
    nnstudio.nn.utils.vector_to_parameters(nnstudio.arange(8, dtype=nnstudio.float32), nm.parameters())
    np.testing.assert_array_equal(nm.weight.detach().numpy(), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(nm.bias.detach().numpy(), [6, 7])
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nnstudio.nn.utils.vector_to_parameters([1.0] * 8, nm.parameters())
