"""NAdam, RAdam, Adamax, ASGD and LBFGS against torch.optim: 12 training steps with copied weights (two parameter
groups), defaults, state_dict layout and round trips, and torch's argument errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from helpers.optim_cases import grouped, make_pair
from helpers.parity import check_training_parity, copy_weights_from_torch

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(1)
BATCHES = [(rng.standard_normal((8, 5)).astype(np.float32), rng.standard_normal((8, 2)).astype(np.float32))
           for _ in range(3)]




CONFIGS = {
    "NAdam": [dict(), dict(lr=0.01, betas=(0.8, 0.95)), dict(lr=0.01, weight_decay=0.1),
              dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), dict(lr=0.01, momentum_decay=0.05),
              dict(lr=0.01, maximize=True, eps=1e-3), dict(lr=0.01, foreach=False, capturable=False)],
    "RAdam": [dict(), dict(lr=0.01, betas=(0.5, 0.6)), dict(lr=0.01, weight_decay=0.1),
              dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), dict(lr=0.01, maximize=True, eps=1e-3)],
    "Adamax": [dict(), dict(lr=0.01, betas=(0.8, 0.9)), dict(lr=0.01, weight_decay=0.1),
               dict(lr=0.01, maximize=True, eps=1e-3)],
    "ASGD": [dict(), dict(lr=0.05, lambd=0.01, alpha=0.5, t0=4), dict(lr=0.05, weight_decay=0.1, t0=0),
             dict(lr=0.05, maximize=True, t0=6)],
}
GROUP_OVERRIDES = {"NAdam": dict(lr=0.003, momentum_decay=0.01), "RAdam": dict(lr=0.003, betas=(0.9, 0.9)),
                   "Adamax": dict(lr=0.005), "ASGD": dict(lr=0.02, t0=2)}
CASES = [(name, i) for name, cfgs in CONFIGS.items() for i in range(len(cfgs))]


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_optimizer_matches_torch_over_12_steps(name, i, device):
    kwargs, over = CONFIGS[name][i], GROUP_OVERRIDES[name]
    check_training_parity(make_pair, BATCHES, (nn.MSELoss(), torch.nn.MSELoss()),
                          (grouped(getattr(nnstudio.optim, name), kwargs, over),
                           grouped(getattr(torch.optim, name), kwargs, over)),
                          steps=12, rtol=1e-4, atol=2e-5, device=device)


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax", "ASGD", "LBFGS"])
def test_defaults_match_torch(name):
    ours = getattr(nnstudio.optim, name)([nnstudio.zeros(2, requires_grad=True)])
    ref = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
    assert ours.defaults == ref.defaults
    assert set(ours.param_groups[0]) == set(ref.param_groups[0])


def _run_steps(model, opt, steps, start=0, lib=nnstudio):
    for s in range(start, start + steps):
        x, y = BATCHES[s % len(BATCHES)]
        opt.zero_grad()
        lib.nn.MSELoss()(model(lib.tensor(x)), lib.tensor(y)).backward()
        opt.step()


@pytest.mark.parametrize("name,kwargs", [("NAdam", dict(lr=0.01)), ("RAdam", dict(lr=0.01)),
                                         ("Adamax", dict(lr=0.01)), ("ASGD", dict(lr=0.05, t0=3))])
def test_state_dict_matches_torch_and_torch_state_resumes(name, kwargs):
    """Train torch 4 steps, load its model and optimizer state into nnstudio, train both 4 more: same weights."""
    ns, th = make_pair()
    copy_weights_from_torch(ns, th)
    ns_opt = getattr(nnstudio.optim, name)(ns.parameters(), **kwargs)
    th_opt = getattr(torch.optim, name)(th.parameters(), **kwargs)
    _run_steps(ns, ns_opt, 4)
    _run_steps(th, th_opt, 4, lib=torch)
    ours, theirs = ns_opt.state_dict(), th_opt.state_dict()
    assert set(ours["state"][0]) == set(theirs["state"][0])
    for k, v in theirs["state"][0].items():
        assert isinstance(ours["state"][0][k], nnstudio.Tensor), k
        np.testing.assert_allclose(ours["state"][0][k].numpy(), v.numpy(), rtol=1e-4, atol=1e-6, err_msg=k)
    assert ours["param_groups"] == theirs["param_groups"]
    fresh, _ = make_pair()
    fresh.load_state_dict({k: v.numpy() for k, v in th.state_dict().items()})
    fresh_opt = getattr(nnstudio.optim, name)(fresh.parameters(), **kwargs)
    fresh_opt.load_state_dict(th_opt.state_dict())
    _run_steps(fresh, fresh_opt, 4, start=4)
    _run_steps(th, th_opt, 4, start=4, lib=torch)
    for (k, p), tp in zip(fresh.named_parameters(), th.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-4, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("name,kwargs", [("NAdam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)),
                                         ("RAdam", dict(lr=0.01)), ("Adamax", dict(lr=0.01)),
                                         ("ASGD", dict(lr=0.05, t0=3))])
def test_own_state_dict_round_trip_resumes_exactly(name, kwargs):
    cls = getattr(nnstudio.optim, name)
    a, _ = make_pair()
    b, _ = make_pair()
    b.load_state_dict(a.state_dict())
    _run_steps(a, cls(a.parameters(), **kwargs), 8)
    opt_b = cls(b.parameters(), **kwargs)
    _run_steps(b, opt_b, 4)
    c, _ = make_pair()
    c.load_state_dict(b.state_dict())
    opt_c = cls(c.parameters(), **kwargs)
    opt_c.load_state_dict(opt_b.state_dict())
    _run_steps(c, opt_c, 4, start=4)
    for (k, pa), pc in zip(a.named_parameters(), c.parameters()):
        np.testing.assert_allclose(pc.detach().numpy(), pa.detach().numpy(), rtol=1e-6, atol=1e-7, err_msg=k)


# ------------------------------------------------------------------------------------------------ LBFGS
LBFGS_DATA = (rng.standard_normal((64, 5)).astype(np.float32), rng.standard_normal((64, 2)).astype(np.float32))


def _lbfgs_pair(dtype=np.float64, device="cpu", **kwargs):
    """A small least-squares-with-tanh problem; the whole batch in every closure, as LBFGS scripts do. In float64
    by default: quasi-Newton iterates amplify float32 rounding, and float64 lets the test see any logic slip."""
    ns, th = make_pair()
    copy_weights_from_torch(ns, th)
    if dtype == np.float64:
        ns, th = ns.double(), th.double()
    ns.to(device)
    x, y = (a.astype(dtype) for a in LBFGS_DATA)
    ns_opt = nnstudio.optim.LBFGS(ns.parameters(), **kwargs)
    th_opt = torch.optim.LBFGS(th.parameters(), **kwargs)

    def closure_for(model, opt, lib):
        def closure():
            opt.zero_grad()
            kw = {"device": device} if lib is nnstudio else {}
            loss = lib.nn.MSELoss()(model(lib.tensor(x, **kw)), lib.tensor(y, **kw))
            loss.backward()
            return loss
        return closure

    return (ns, ns_opt, closure_for(ns, ns_opt, nnstudio)), (th, th_opt, closure_for(th, th_opt, torch))


def _assert_same_weights(ns, th, what, rtol=1e-7, atol=1e-9):
    for (k, p), tp in zip(ns.named_parameters(), th.parameters()):
        np.testing.assert_allclose(p.detach().cpu().numpy(), tp.detach().numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"{k} {what}")


@pytest.mark.parametrize("kwargs", [dict(), dict(lr=0.5, max_iter=5), dict(history_size=3, max_iter=8),
                                    dict(line_search_fn="strong_wolfe"),
                                    dict(line_search_fn="strong_wolfe", history_size=4, max_iter=10, max_eval=15)])
def test_lbfgs_matches_torch(kwargs):
    (ns, ns_opt, ns_closure), (th, th_opt, th_closure) = _lbfgs_pair(**kwargs)
    tol = dict(rtol=1e-7, atol=1e-9)
    first = None
    for outer in range(3):
        ns_loss = ns_opt.step(ns_closure)
        first = first if first is not None else ns_loss.item()
        th_loss = th_opt.step(th_closure)
        assert ns_loss.item() == pytest.approx(th_loss.item(), rel=1e-7, abs=1e-10), f"step {outer}"
        _assert_same_weights(ns, th, what=f"after step {outer}", **tol)
        ns_state, th_state = ns_opt.state[ns_opt._params[0]], th_opt.state[th_opt._params[0]]
        assert ns_state["func_evals"] == th_state["func_evals"] and ns_state["n_iter"] == th_state["n_iter"]
    assert ns_closure().item() < 0.9 * first


def test_lbfgs_state_dict_as_torch_and_round_trip():
    (ns, ns_opt, ns_closure), (th, th_opt, th_closure) = _lbfgs_pair(max_iter=4, history_size=5)
    ns_opt.step(ns_closure)
    th_opt.step(th_closure)
    ours, theirs = ns_opt.state_dict(), th_opt.state_dict()
    assert set(ours["state"][0]) == set(theirs["state"][0])
    assert ours["param_groups"] == theirs["param_groups"]
    assert isinstance(ours["state"][0]["d"], nnstudio.Tensor) and len(ours["state"][0]["old_dirs"]) == len(
        theirs["state"][0]["old_dirs"])
    # load torch's state into a fresh optimizer on torch's weights: the next step follows torch's
    fresh = make_pair()[0].double()
    fresh.load_state_dict({k: v.numpy() for k, v in th.state_dict().items()})
    fresh_opt = nnstudio.optim.LBFGS(fresh.parameters(), max_iter=4, history_size=5)
    fresh_opt.load_state_dict(theirs)
    x, y = LBFGS_DATA[0].astype(np.float64), LBFGS_DATA[1].astype(np.float64)

    def closure():
        fresh_opt.zero_grad()
        loss = nn.MSELoss()(fresh(nnstudio.tensor(x)), nnstudio.tensor(y))
        loss.backward()
        return loss

    fresh_opt.step(closure)
    th_opt.step(th_closure)
    _assert_same_weights(fresh, th, "after resuming from torch's state")
    # and our own state_dict round trip continues exactly as the uninterrupted run (a deep copy: state_dict()
    # holds the live state by reference, as torch's, which the next step of ns_opt changes)
    again = nnstudio.optim.LBFGS(ns.parameters(), max_iter=4, history_size=5)
    again.load_state_dict(copy.deepcopy(ns_opt.state_dict()))
    before = [p.detach().numpy().copy() for p in ns.parameters()]
    ns_opt.step(ns_closure)
    after_direct = [p.detach().numpy().copy() for p in ns.parameters()]
    for p, b in zip(ns.parameters(), before):
        p.data = nnstudio.tensor(b)
    assert again.state_dict()["state"][0]["n_iter"] == 4
    again.step(ns_closure)
    for p, a in zip(ns.parameters(), after_direct):
        np.testing.assert_allclose(p.detach().numpy(), a, rtol=1e-6, atol=1e-7)


def test_lbfgs_errors():
    m = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="parameter groups"):
        nnstudio.optim.LBFGS([{"params": [m.weight]}, {"params": [m.bias]}])
    opt = nnstudio.optim.LBFGS(m.parameters(), line_search_fn="armijo")

    def closure():
        opt.zero_grad()
        loss = m(nnstudio.ones(1, 2)).pow(2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="strong_wolfe"):
        opt.step(closure)
    with pytest.raises(RuntimeError, match="closure"):
        nnstudio.optim.LBFGS(m.parameters()).step(None)


ERRORS = [("NAdam", dict(lr=-1), "Invalid learning rate"), ("NAdam", dict(eps=-1), "Invalid epsilon"),
          ("NAdam", dict(betas=(1.0, 0.9)), "beta parameter at index 0"),
          ("NAdam", dict(betas=(0.9, -0.1)), "beta parameter at index 1"),
          ("NAdam", dict(weight_decay=-1), "Invalid weight_decay"),
          ("NAdam", dict(momentum_decay=-1), "Invalid momentum_decay"),
          ("RAdam", dict(lr=-0.1), "Invalid learning rate"), ("RAdam", dict(betas=(0.9, 1.0)), "index 1"),
          ("Adamax", dict(lr=-0.1), "Invalid learning rate"), ("Adamax", dict(weight_decay=-0.1), "weight_decay"),
          ("ASGD", dict(lr=-0.1), "Invalid learning rate"), ("ASGD", dict(weight_decay=-0.1), "weight_decay"),
          ("LBFGS", dict(lr=-0.1), "Invalid learning rate")]


@pytest.mark.parametrize("name,kwargs,match", ERRORS)
def test_invalid_arguments_raise_as_torch(name, kwargs, match):
    with pytest.raises(ValueError, match=match) as theirs:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=match) as ours:
        getattr(nnstudio.optim, name)([nnstudio.zeros(2, requires_grad=True)], **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_on_each_device(line_search_fn, device):
    (ns, ns_opt, ns_closure), (th, th_opt, th_closure) = _lbfgs_pair(device=device, max_iter=6, history_size=4,
                                                                     line_search_fn=line_search_fn)
    for _ in range(2):
        ns_opt.step(ns_closure)
        th_opt.step(th_closure)
    _assert_same_weights(ns, th, f"on {device}", rtol=1e-6, atol=1e-8)
    assert isinstance(ns_opt.state_dict()["state"][0]["old_dirs"][0], nnstudio.Tensor)


def test_lbfgs_float32_follows_torch_for_a_few_iterations():
    (ns, ns_opt, ns_closure), (th, th_opt, th_closure) = _lbfgs_pair(np.float32, max_iter=6,
                                                                     line_search_fn="strong_wolfe")
    ns_opt.step(ns_closure)
    th_opt.step(th_closure)
    assert ns_closure().item() == pytest.approx(th_closure().item(), rel=1e-4)
    _assert_same_weights(ns, th, "after 6 float32 iterations", rtol=1e-3, atol=1e-4)
