"""Every optimizer and option against torch over 12 steps (with two parameter groups), zero_grad,
state_dict round trips and the learning-rate schedulers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from helpers.optim_cases import grouped, make_pair
from helpers.parity import check_training_parity, copy_weights_from_torch

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(0)
BATCHES = [(rng.standard_normal((8, 5)).astype(np.float32), rng.standard_normal((8, 2)).astype(np.float32))
           for _ in range(3)]




CONFIGS = {
    "SGD": [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
            dict(lr=0.05, momentum=0.9, nesterov=True), dict(lr=0.1, weight_decay=0.05),
            dict(lr=0.1, maximize=True), dict(lr=0.05, momentum=0.5, weight_decay=0.01, nesterov=True)],
    "Adam": [dict(), dict(lr=0.01, betas=(0.8, 0.95)), dict(lr=0.01, eps=1e-3), dict(lr=0.01, weight_decay=0.1),
             dict(lr=0.01, amsgrad=True), dict(lr=0.01, maximize=True),
             dict(lr=0.01, amsgrad=True, weight_decay=0.05, betas=(0.5, 0.9))],
    "AdamW": [dict(), dict(lr=0.01, weight_decay=0.2), dict(lr=0.01, amsgrad=True), dict(lr=0.01, betas=(0.7, 0.9))],
    "RMSprop": [dict(), dict(lr=0.01, alpha=0.9), dict(lr=0.01, eps=1e-3), dict(lr=0.01, momentum=0.9),
                dict(lr=0.01, centered=True), dict(lr=0.01, weight_decay=0.1),
                dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.05, alpha=0.95)],
    "Adagrad": [dict(), dict(lr=0.1, lr_decay=0.05), dict(lr=0.1, initial_accumulator_value=0.5),
                dict(lr=0.1, weight_decay=0.1), dict(lr=0.1, eps=1e-3),
                dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01)],
}
GROUP_OVERRIDES = {"SGD": dict(lr=0.02), "Adam": dict(lr=0.003, betas=(0.9, 0.99)), "AdamW": dict(weight_decay=0.0),
                   "RMSprop": dict(lr=0.02, alpha=0.8), "Adagrad": dict(lr=0.05)}
CASES = [(name, i) for name, cfgs in CONFIGS.items() for i in range(len(cfgs))]


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_optimizer_matches_torch_over_12_steps(name, i, device):
    kwargs, over = CONFIGS[name][i], GROUP_OVERRIDES[name]
    check_training_parity(make_pair, BATCHES, (nn.MSELoss(), torch.nn.MSELoss()),
                          (grouped(getattr(nnstudio.optim, name), kwargs, over),
                           grouped(getattr(torch.optim, name), kwargs, over)),
                          steps=12, rtol=1e-4, atol=2e-5, device=device)


def test_zero_grad_set_to_none_and_to_zero():
    m = nn.Linear(2, 2)
    opt = nnstudio.optim.SGD(m.parameters(), lr=0.1)
    m(nnstudio.ones(1, 2)).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert m.weight.grad is not None and not m.weight.grad.numpy().any()
    m(nnstudio.ones(1, 2)).sum().backward()
    opt.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None


def test_params_without_grad_are_skipped():
    m = nn.Linear(2, 2)
    before = m.weight.detach().numpy().copy()
    opt = nnstudio.optim.Adam(m.parameters())
    opt.step()
    np.testing.assert_array_equal(m.weight.detach().numpy(), before)


def _train(model, opt, steps, start=0):
    for s in range(start, start + steps):
        x, y = BATCHES[s % len(BATCHES)]
        opt.zero_grad()
        nn.MSELoss()(model(nnstudio.tensor(x)), nnstudio.tensor(y)).backward()
        opt.step()


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.05, momentum=0.9)), ("Adam", dict(amsgrad=True)),
                                         ("RMSprop", dict(momentum=0.5, centered=True)),
                                         ("Adagrad", dict(lr_decay=0.1))])
def test_state_dict_round_trip_resumes_exactly(name, kwargs):
    cls = getattr(nnstudio.optim, name)
    nnstudio.manual_seed(0)
    a, _ = make_pair()
    b, _ = make_pair()
    b.load_state_dict(a.state_dict())
    opt_a = cls(a.parameters(), **kwargs)
    _train(a, opt_a, 10)
    opt_b = cls(b.parameters(), **kwargs)
    _train(b, opt_b, 5)
    saved = opt_b.state_dict()
    assert set(saved) == {"state", "param_groups"} and saved["param_groups"][0]["params"] == [0, 1, 2, 3]
    c, _ = make_pair()
    c.load_state_dict(b.state_dict())
    opt_c = cls(c.parameters(), **kwargs)
    opt_c.load_state_dict(saved)
    _train(c, opt_c, 5, start=5)
    for (k, pa), pc in zip(a.named_parameters(), c.parameters()):
        np.testing.assert_allclose(pc.detach().numpy(), pa.detach().numpy(), rtol=1e-6, atol=1e-7, err_msg=k)


def test_state_dict_keys_match_torch_and_torch_state_loads():
    ns, th = make_pair()
    copy_weights_from_torch(ns, th)
    ns_opt = nnstudio.optim.Adam(ns.parameters(), lr=0.01)
    th_opt = torch.optim.Adam(th.parameters(), lr=0.01)
    for s in range(3):
        x, y = BATCHES[s]
        th_opt.zero_grad()
        torch.nn.MSELoss()(th(torch.tensor(x)), torch.tensor(y)).backward()
        th_opt.step()
    ns.load_state_dict(th.state_dict())
    ns_opt.load_state_dict(th_opt.state_dict())
    assert set(ns_opt.state_dict()["state"][0]) == set(th_opt.state_dict()["state"][0])
    x, y = BATCHES[0]
    for opt, model, lib in ((ns_opt, ns, nnstudio), (th_opt, th, torch)):
        opt.zero_grad()
        lib.nn.MSELoss()(model(lib.tensor(x)), lib.tensor(y)).backward()
        opt.step()
    for (k, p), tp in zip(ns.named_parameters(), th.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_optimizer_errors():
    m = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        nnstudio.optim.SGD(m.parameters(), lr=-1)
    with pytest.raises(ValueError, match="empty parameter list"):
        nnstudio.optim.Adam([])
    with pytest.raises(ValueError, match="Nesterov"):
        nnstudio.optim.SGD(m.parameters(), lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="more than one parameter group"):
        nnstudio.optim.SGD([{"params": [m.weight]}, {"params": [m.weight]}], lr=0.1)
    with pytest.raises(ValueError, match="beta"):
        nnstudio.optim.Adam(m.parameters(), betas=(1.0, 0.9))


SCHEDULERS = [("StepLR", dict(step_size=3, gamma=0.5)), ("ExponentialLR", dict(gamma=0.9)),
              ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)), ("CosineAnnealingLR", dict(T_max=5)),
              ("MultiStepLR", dict(milestones=[2, 5, 9], gamma=0.3)),
              ("LambdaLR", dict(lr_lambda=lambda e: 1 / (e + 1)))]


@pytest.mark.parametrize("name,kwargs", SCHEDULERS)
def test_lr_scheduler_matches_torch(name, kwargs):
    ns, th = make_pair()
    ns_p, th_p = list(ns.parameters()), list(th.parameters())
    ns_opt = nnstudio.optim.SGD([{"params": ns_p[:2]}, {"params": ns_p[2:], "lr": 0.3}], lr=0.1, momentum=0.9)
    th_opt = torch.optim.SGD([{"params": th_p[:2]}, {"params": th_p[2:], "lr": 0.3}], lr=0.1, momentum=0.9)
    ns_s = getattr(nnstudio.optim.lr_scheduler, name)(ns_opt, **kwargs)
    th_s = getattr(torch.optim.lr_scheduler, name)(th_opt, **kwargs)
    for epoch in range(16):
        ours = [g["lr"] for g in ns_opt.param_groups]
        theirs = [g["lr"] for g in th_opt.param_groups]
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12), f"epoch {epoch}"
        assert ns_s.get_last_lr() == pytest.approx(th_s.get_last_lr(), rel=1e-9, abs=1e-12)
        ns_opt.step()
        th_opt.step()
        ns_s.step()
        th_s.step()
    assert math.isfinite(ns_opt.param_groups[0]["lr"])
