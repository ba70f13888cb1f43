"""`optimizer.state` and `state_dict()` hold what torch's hold: a defaultdict(dict) of Tensors per parameter
(`exp_avg`, `momentum_buffer`, ..., `step` a 0-d float32 Tensor), the state_dict by reference with int indices,
torch's group keys in torch's order, and torch's state_dict (converted to nnstudio tensors) loads and resumes."""

from __future__ import annotations

import collections
import copy

import numpy as np
import pytest
import torch

import nnstudio

rng = np.random.default_rng(3)
SHAPES = [(3, 4), (4,)]
GRADS = [[rng.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(6)]
START = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]

CASES = [("Adam", {}), ("Adam", dict(amsgrad=True, weight_decay=0.1)), ("AdamW", {}), ("SGD", dict(lr=0.1)),
         ("SGD", dict(lr=0.1, momentum=0.9)), ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("RMSprop", {}),
         ("RMSprop", dict(momentum=0.5, centered=True)), ("Adagrad", dict(lr_decay=0.01)), ("Adadelta", {}),
         ("Adamax", {}), ("NAdam", {}), ("RAdam", {}), ("ASGD", dict(t0=2)), ("Rprop", {}), ("Adafactor", {})]
IDS = [f"{n}-{i}" for i, (n, _) in enumerate(CASES)]


def _pair(name: str, kwargs: dict, shapes=SHAPES, start=START):
    ours = [nnstudio.nn.Parameter(nnstudio.tensor(a.copy())) for a in start]
    theirs = [torch.nn.Parameter(torch.tensor(a.copy())) for a in start]
    groups = lambda ps: [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.003}]  # noqa: E731
    return (ours, getattr(nnstudio.optim, name)(groups(ours), **kwargs),
            theirs, getattr(torch.optim, name)(groups(theirs), **kwargs))


def _steps(params, opt, lib, grads):
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = lib.tensor(g.copy())
        opt.step()


def _assert_state_is_torchs(ours: dict, theirs: dict) -> None:
    """The same keys in the same order, each a Tensor where torch's is one, same dtype, shape and values."""
    assert list(ours) == list(theirs)
    for k, v in theirs.items():
        o = ours[k]
        if isinstance(v, torch.Tensor):
            assert isinstance(o, nnstudio.Tensor), k
            assert str(o.dtype).replace("nnstudio", "torch") == str(v.dtype) and tuple(o.shape) == tuple(v.shape), k
            np.testing.assert_allclose(o.numpy(), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
        else:
            assert type(o) is type(v) and o == v, k


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_state_entries_are_tensors_as_torch(name, kwargs):
    ours, ns_opt, theirs, th_opt = _pair(name, kwargs)
    assert type(ns_opt.state) is type(th_opt.state) is collections.defaultdict
    assert ns_opt.state.default_factory is th_opt.state.default_factory is dict
    _steps(ours, ns_opt, nnstudio, GRADS[:3])
    _steps(theirs, th_opt, torch, GRADS[:3])
    assert len(ns_opt.state) == len(th_opt.state)
    for p, tp in zip(ours, theirs):
        _assert_state_is_torchs(ns_opt.state[p], th_opt.state[tp])
        if "step" in th_opt.state[tp]:
            step, th_step = ns_opt.state[p]["step"], th_opt.state[tp]["step"]
            assert step.ndim == 0 and step.item() == th_step.item() == 3.0 and repr(step) == repr(th_step)
            assert step.device.type == th_step.device.type == "cpu"
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_state_dict_has_torchs_structure_and_is_by_reference(name, kwargs):
    ours, ns_opt, theirs, th_opt = _pair(name, kwargs)
    _steps(ours, ns_opt, nnstudio, GRADS[:2])
    _steps(theirs, th_opt, torch, GRADS[:2])
    sd, th_sd = ns_opt.state_dict(), th_opt.state_dict()
    assert list(sd) == list(th_sd) and list(sd["state"]) == list(th_sd["state"])
    assert [list(g) for g in sd["param_groups"]] == [list(g) for g in th_sd["param_groups"]]
    assert sd["param_groups"] == th_sd["param_groups"]
    assert [list(g) for g in ns_opt.param_groups] == [list(g) for g in th_opt.param_groups]
    for i, (p, tp) in enumerate(zip(ours, theirs)):
        if i in th_sd["state"]:
            _assert_state_is_torchs(sd["state"][i], th_sd["state"][i])
            assert (sd["state"][i] is ns_opt.state[p]) == (th_sd["state"][i] is th_opt.state[tp])


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_torchs_state_dict_converted_to_nnstudio_tensors_loads_and_resumes(name, kwargs):
    ours, ns_opt, theirs, th_opt = _pair(name, kwargs)
    _steps(theirs, th_opt, torch, GRADS[:3])
    th_sd = th_opt.state_dict()
    converted = {"state": {i: {k: nnstudio.tensor(v.numpy().copy()) if isinstance(v, torch.Tensor) else v
                               for k, v in st.items()} for i, st in th_sd["state"].items()},
                 "param_groups": copy.deepcopy(th_sd["param_groups"])}
    for p, tp in zip(ours, theirs):
        p.data = nnstudio.tensor(tp.detach().numpy().copy())
    ns_opt.load_state_dict(converted)
    assert type(ns_opt.state) is collections.defaultdict
    for p, tp in zip(ours, theirs):
        _assert_state_is_torchs(ns_opt.state[p], th_opt.state[tp])
    # as torch: a tensor already of the parameter's dtype is taken as it is, not copied
    for i, st in converted["state"].items():
        for key, v in st.items():
            assert (ns_opt.state[ours[i]][key] is v) == (th_opt.state[theirs[i]][key] is th_sd["state"][i][key])
    _steps(ours, ns_opt, nnstudio, GRADS[3:])
    _steps(theirs, th_opt, torch, GRADS[3:])
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6)
        _assert_state_is_torchs(ns_opt.state[p], th_opt.state[tp])


def test_programs_reading_the_state_work_as_with_torch():
    """What training scripts do: read the step count, the moments' shapes and norms, resize the lr."""
    ours, ns_opt, theirs, th_opt = _pair("Adam", {})
    _steps(ours, ns_opt, nnstudio, GRADS[:2])
    _steps(theirs, th_opt, torch, GRADS[:2])
    for lib, params, opt in ((nnstudio, ours, ns_opt), (torch, theirs, th_opt)):
        st = opt.state[params[0]]
        assert int(st["step"]) == 2 and st["step"].item() == 2.0 and isinstance(st["step"].item(), float)
        assert tuple(st["exp_avg"].shape) == (3, 4) and st["exp_avg_sq"].dtype == lib.float32
    np.testing.assert_allclose(ns_opt.state[ours[0]]["exp_avg"].norm().item(),
                               th_opt.state[theirs[0]]["exp_avg"].norm().item(), rtol=1e-6)
    # a parameter that never had a gradient has no state, and reading it makes an empty one (defaultdict)
    extra, th_extra = nnstudio.nn.Parameter(nnstudio.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    assert ns_opt.state[extra] == th_opt.state[th_extra] == {}


def test_sgd_without_momentum_keeps_no_state_as_torch():
    ours, ns_opt, theirs, th_opt = _pair("SGD", dict(lr=0.1))
    _steps(ours, ns_opt, nnstudio, GRADS[:2])
    _steps(theirs, th_opt, torch, GRADS[:2])
    assert len(ns_opt.state) == len(th_opt.state) == 0
    assert ns_opt.state_dict()["state"] == th_opt.state_dict()["state"] == {}


@pytest.mark.parametrize("name", ["Adam", "NAdam", "ASGD", "Rprop"])
def test_a_state_saved_with_python_number_scalars_loads_as_tensors(name):
    """Older torch saved `step` (NAdam's `mu_product`, ASGD's `eta`, `mu`) as Python numbers; both load them
    as 0-d tensors of the scalar dtype."""
    ours, ns_opt, theirs, th_opt = _pair(name, {})
    _steps(theirs, th_opt, torch, GRADS[:2])
    th_sd = copy.deepcopy(th_opt.state_dict())
    for st in th_sd["state"].values():
        for k, v in st.items():
            if isinstance(v, torch.Tensor) and v.ndim == 0:
                st[k] = v.item()
    converted = {"state": {i: {k: nnstudio.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v
                               for k, v in st.items()} for i, st in th_sd["state"].items()},
                 "param_groups": th_sd["param_groups"]}
    th_opt.load_state_dict(th_sd)
    ns_opt.load_state_dict(converted)
    for p, tp in zip(ours, theirs):
        _assert_state_is_torchs(ns_opt.state[p], th_opt.state[tp])


def test_step_follows_a_float64_default_dtype_as_torch():
    old, th_old = nnstudio.get_default_dtype(), torch.get_default_dtype()
    try:
        nnstudio.set_default_dtype(nnstudio.float64)
        torch.set_default_dtype(torch.float64)
        ours, ns_opt, theirs, th_opt = _pair("Adam", {})
        _steps(ours, ns_opt, nnstudio, GRADS[:1])
        _steps(theirs, th_opt, torch, GRADS[:1])
        _assert_state_is_torchs(ns_opt.state[ours[0]], th_opt.state[theirs[0]])
    finally:
        nnstudio.set_default_dtype(old)
        torch.set_default_dtype(th_old)


def test_muon_and_lbfgs_state_hold_torchs_types():
    ours, ns_opt, theirs, th_opt = _pair("Muon", {}, shapes=[(3, 4)], start=START[:1])
    _steps(ours, ns_opt, nnstudio, [g[:1] for g in GRADS[:2]])
    _steps(theirs, th_opt, torch, [g[:1] for g in GRADS[:2]])
    _assert_state_is_torchs(ns_opt.state[ours[0]], th_opt.state[theirs[0]])

    x, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
    w0 = rng.standard_normal(3)
    kinds = []
    for lib in (nnstudio, torch):
        w = lib.nn.Parameter(lib.tensor(w0.copy()))
        opt = lib.optim.LBFGS([w], max_iter=5, history_size=3)

        def closure(lib=lib, w=w, opt=opt):
            opt.zero_grad()
            loss = ((lib.tensor(x) @ w - lib.tensor(y)) ** 2).mean()
            loss.backward()
            return loss

        opt.step(closure)
        opt.step(closure)
        st = opt.state[w]
        kinds.append({k: [type(e).__name__ for e in v] if isinstance(v, list) else type(v).__name__
                      for k, v in st.items()})
    assert kinds[0] == kinds[1]
