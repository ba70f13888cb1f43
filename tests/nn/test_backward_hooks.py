"""Module.register_full_backward_hook / register_full_backward_pre_hook against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from helpers.parity import copy_weights_from_torch

import nnstudio


def _np(t):
    return None if t is None else t.detach().numpy()


def _assert_same(ours: list, theirs: list) -> None:
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)


def _models():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    ours = nnstudio.nn.Sequential(nnstudio.nn.Linear(3, 4), nnstudio.nn.Tanh(), nnstudio.nn.Linear(4, 2))
    copy_weights_from_torch(ours, theirs)
    return ours, theirs


X = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)


@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_linear_hook_sees_torchs_grad_input_and_grad_output(x_requires_grad):
    seen = {}
    for lib, model in zip((nnstudio, torch), _models()):
        log = seen.setdefault(lib, [])
        model[0].register_full_backward_hook(lambda m, gi, go, log=log: log.append((gi, go)))
        x = lib.tensor(X, requires_grad=x_requires_grad)
        with warnings.catch_warnings():  # torch warns when the hook fires with no input requiring grad
            warnings.simplefilter("ignore")
            model(x).pow(2).sum().backward()
    (ours,), (theirs,) = seen[nnstudio], seen[torch]
    assert isinstance(ours[0], tuple) and isinstance(ours[1], tuple)
    _assert_same(list(ours[0]), list(theirs[0]))
    _assert_same(list(ours[1]), list(theirs[1]))


def test_replaced_grad_input_and_grad_output_flow_on_as_torch():
    grads = {}
    for lib, model in zip((nnstudio, torch), _models()):
        model[2].register_full_backward_pre_hook(lambda m, go: (go[0] * 3,))
        model[1].register_full_backward_hook(lambda m, gi, go: (gi[0].clamp(-0.1, 0.1),))
        x = lib.tensor(X, requires_grad=True)
        model(x).pow(2).sum().backward()
        grads[lib] = [x.grad] + [p.grad for p in model.parameters()]
    _assert_same(grads[nnstudio], grads[torch])


def test_sequential_and_children_hooks_fire_in_torchs_order_with_its_values():
    logs = {}
    for lib, model in zip((nnstudio, torch), _models()):
        log = logs.setdefault(lib, [])
        for name, mod in [("seq", model), ("lin0", model[0]), ("tanh", model[1]), ("lin2", model[2])]:
            mod.register_full_backward_hook(lambda m, gi, go, name=name, log=log: log.append((name, gi, go)))
            mod.register_full_backward_pre_hook(lambda m, go, name=name, log=log: log.append((name + "-pre", go)))
        x = lib.tensor(X, requires_grad=True)
        model(x).sum().backward()
    assert len(logs[torch]) == 8
    assert [e[0] for e in logs[nnstudio]] == [e[0] for e in logs[torch]]
    for ours, theirs in zip(logs[nnstudio], logs[torch]):
        for a, b in zip(ours[1:], theirs[1:]):
            _assert_same(list(a), list(b))


def test_several_inputs_and_outputs_as_torch():
    class Two:
        def forward(self, a, b, k=3):
            return a * 2, a * b

    seen = {}
    for lib in (nnstudio, torch):
        mod = type("Two", (lib.nn.Module,), {"forward": Two.forward})()
        mod.register_full_backward_hook(lambda m, gi, go, lib=lib: seen.setdefault(lib, []).append((gi, go)))
        a = lib.tensor([1.0, -2.0], requires_grad=True)
        b = lib.tensor([0.5, 3.0])
        o1, _ = mod(a, b, 4)
        o1.sum().backward()
        _, o2 = mod(a, 5)
        o2.sum().backward()
    assert len(seen[nnstudio]) == len(seen[torch]) == 2
    for ours, theirs in zip(seen[nnstudio], seen[torch]):
        _assert_same(list(ours[0]), list(theirs[0]))
        _assert_same(list(ours[1]), list(theirs[1]))


def test_remove_unregisters_and_bad_returns_raise():
    lin = nnstudio.nn.Linear(3, 2)
    calls = []
    handle = lin.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    pre = lin.register_full_backward_pre_hook(lambda m, go: calls.append(2))
    x = nnstudio.tensor(X, requires_grad=True)
    lin(x).sum().backward()
    assert calls == [2, 1]
    handle.remove()
    pre.remove()
    lin(x).sum().backward()
    assert calls == [2, 1]
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        lin(x).sum().backward()
    lin2 = nnstudio.nn.Linear(3, 2)
    lin2.register_full_backward_hook(lambda m, gi, go: (gi[0][:1],))
    with pytest.raises(RuntimeError, match="changed the size"):
        lin2(x).sum().backward()
    with pytest.raises(TypeError, match="callable"):
        lin2.register_full_backward_pre_hook(3)


def test_no_graph_no_hook_under_no_grad():
    lin = nnstudio.nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gi, go: 1 / 0)
    with nnstudio.no_grad():
        out = lin(nnstudio.tensor(X))
    assert not out.requires_grad and out.shape == (5, 2)


def test_a_full_backward_hook_on_inputs_without_grad_warns_as_torch():
    """torch warns when the hook fires on output gradients alone (no input requires grad); so does nnstudio."""
    for lib in (nnstudio, torch):
        layer = lib.nn.Linear(3, 2)
        seen = []
        layer.register_full_backward_hook(lambda mod, grad_in, grad_out, seen=seen: seen.append(grad_in))
        with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are computed with respect "
                                             "to module outputs since no inputs require gradients"):
            layer(lib.ones(1, 3)).sum().backward()
        assert seen == [(None,)]
