"""Rprop and Adafactor against torch.optim: 12 training steps with copied weights (two parameter groups),
defaults, state_dict keys and values, and torch's argument errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.optim_cases import grouped, make_pair
from helpers.parity import check_training_parity, copy_weights_from_torch

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(5)
BATCHES = [(rng.standard_normal((8, 5)).astype(np.float32), rng.standard_normal((8, 2)).astype(np.float32))
           for _ in range(3)]




CONFIGS = {
    "Rprop": [dict(), dict(lr=0.05, etas=(0.3, 1.5)), dict(lr=0.01, step_sizes=(1e-3, 0.02)), dict(maximize=True)],
    "Adafactor": [dict(), dict(lr=0.05, beta2_decay=-0.5), dict(weight_decay=0.1), dict(eps=(1e-20, 1e-2), d=1.5),
                  dict(maximize=True)],
}
OVERRIDES = {"Rprop": dict(lr=0.003), "Adafactor": dict(lr=0.003)}
CASES = [(name, i) for name, cfgs in CONFIGS.items() for i in range(len(cfgs))]


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_matches_torch_over_12_steps(name, i, device):
    kwargs, over = CONFIGS[name][i], OVERRIDES[name]
    check_training_parity(make_pair, BATCHES, (nn.MSELoss(), torch.nn.MSELoss()),
                          (grouped(getattr(nnstudio.optim, name), kwargs, over),
                           grouped(getattr(torch.optim, name), kwargs, over)),
                          steps=12, rtol=1e-4, atol=2e-5, device=device)


@pytest.mark.parametrize("name", ["Rprop", "Adafactor"])
def test_defaults_and_state_keys_match_torch(name):
    ours = getattr(nnstudio.optim, name)([nnstudio.zeros(2, requires_grad=True)])
    ref = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
    assert ours.defaults == ref.defaults
    ns, th = make_pair()
    copy_weights_from_torch(ns, th)
    n_opt, t_opt = getattr(nnstudio.optim, name)(ns.parameters()), getattr(torch.optim, name)(th.parameters())
    for lib, model, opt in ((nnstudio, ns, n_opt), (torch, th, t_opt)):
        for x, y in BATCHES:
            opt.zero_grad()
            lib.nn.MSELoss()(model(lib.tensor(x)), lib.tensor(y)).backward()
            opt.step()
    for key in t_opt.state_dict()["state"]:
        theirs, ours_state = t_opt.state_dict()["state"][key], n_opt.state_dict()["state"][key]
        assert set(ours_state) == set(theirs)
        for k, v in theirs.items():
            np.testing.assert_allclose(np.asarray(ours_state[k].numpy() if hasattr(ours_state[k], "numpy")
                                                  else ours_state[k]), v.numpy(), rtol=1e-4, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("name,kwargs,match", [
    ("Rprop", dict(lr=-1.0), "Invalid learning rate"),
    ("Rprop", dict(etas=(1.5, 1.2)), "Invalid eta values"),
    ("Adafactor", dict(lr=-1.0), "Learning rate should be >= 0"),
    ("Adafactor", dict(beta2_decay=0.5), "beta2_decay should be <= 0"),
    ("Adafactor", dict(d=0.5), "Clipping threshold d should be >= 1"),
])
def test_bad_arguments_raise_as_torch(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=match):
        getattr(nnstudio.optim, name)([nnstudio.zeros(2, requires_grad=True)], **kwargs)
