"""Muon against torch 2.13: 12 steps on wide and tall weights (nesterov or not, both lr rules, weight decay),
bfloat16 Newton-Schulz included; state_dict round trip; torch's refusals; torch's signature."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import nnstudio
from nnstudio.optim.muon import _adjusted_lr

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)


def run(lib, w0, kw, steps=12):
    w = lib.tensor(w0.copy(), requires_grad=True)
    x = lib.tensor(rng_x[: w0.shape[1]].T.copy())
    y = lib.tensor(rng_y[: w0.shape[0]].T.copy())
    opt = lib.optim.Muon([w], **kw)
    for _ in range(steps):
        opt.zero_grad()
        ((x @ w.T - y) ** 2).mean().backward()
        opt.step()
    return w.detach().numpy(), opt


rng_x = rng.standard_normal((12, 16)).astype(np.float32)
rng_y = rng.standard_normal((12, 16)).astype(np.float32)


@pytest.mark.parametrize("shape", [(6, 10), (10, 4)])
@pytest.mark.parametrize("kw", [{}, {"nesterov": False, "adjust_lr_fn": "match_rms_adamw", "lr": 0.01},
                                {"lr": 0.02, "weight_decay": 0.0, "momentum": 0.9, "ns_steps": 3}])
def test_matches_torch_over_steps(shape, kw):
    w0 = (np.random.default_rng(sum(shape)).standard_normal(shape) * 0.3).astype(np.float32)
    ours, _ = run(nnstudio, w0, kw)
    theirs, _ = run(torch, w0, kw)
    assert np.abs(theirs - w0).max() > 1e-3  # the weights moved
    # bfloat16 matmuls may round a value one bfloat16 step (2**-8 relative) apart from torch's order of sums:
    # a few elements may then differ by about lr' * 2**-8; on average they agree far more closely
    lr = _adjusted_lr(kw.get("lr", 1e-3), kw.get("adjust_lr_fn"), shape)
    flip = lr * 2**-8
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=4 * flip)
    assert np.mean(np.abs(ours - theirs)) <= 0.25 * flip  # most elements agree far more closely


def test_state_dict_round_trip_continues_the_same_way():
    w0 = (rng.standard_normal((5, 7)) * 0.3).astype(np.float32)
    _, opt = run(nnstudio, w0, {}, steps=3)
    state = opt.state_dict()
    assert set(state["state"][0]) == {"momentum_buffer"}
    assert state["param_groups"][0]["ns_coefficients"] == (3.4445, -4.775, 2.0315)


def test_refusals_are_torchs():
    for lib in (nnstudio, torch):
        with pytest.raises(ValueError, match="2D parameters"):
            lib.optim.Muon([lib.zeros(3, requires_grad=True)])
        with pytest.raises(ValueError, match="not supported"):
            lib.optim.Muon([lib.zeros(2, 2, requires_grad=True)], adjust_lr_fn="bogus")
        with pytest.raises(ValueError):
            lib.optim.Muon([lib.zeros(2, 2, requires_grad=True)], lr=-1.0)


def test_signature_is_torchs():
    ours = inspect.signature(nnstudio.optim.Muon.__init__).parameters
    theirs = inspect.signature(torch.optim.Muon.__init__).parameters
    assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()]
