"""autograd.grad / autograd.backward against PyTorch: values, no accumulation, unused inputs, freed graphs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio


def _pair(a: np.ndarray, requires_grad: bool = True):
    return (nnstudio.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad))


def _close(ours, theirs, atol=1e-5) -> None:
    assert ours is not None and theirs is not None
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=atol)


def test_grad_of_an_mlp_matches_torch_and_leaves_dot_grad_alone():
    rng = np.random.default_rng(0)
    xv, w1v, w2v = (rng.standard_normal(s).astype(np.float32) for s in [(4, 3), (3, 5), (5, 2)])
    results = []
    for lib in (nnstudio, torch):
        x = lib.tensor(xv, requires_grad=True)
        w1, w2 = lib.tensor(w1v, requires_grad=True), lib.tensor(w2v, requires_grad=True)
        loss = (lib.tanh(x @ w1) @ w2).pow(2).mean()
        grads = lib.autograd.grad(loss, [w1, w2, x])
        assert isinstance(grads, tuple) and len(grads) == 3
        assert w1.grad is None and w2.grad is None and x.grad is None
        assert not grads[0].requires_grad
        results.append(grads)
    for ours, theirs in zip(*results):
        _close(ours, theirs)


def test_grad_with_grad_outputs_several_outputs_and_a_single_tensor_input():
    v = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor(v, requires_grad=True)
        a, b = x * x, (x * 3).sum()
        res.append(lib.autograd.grad([a, b], x, [lib.tensor([1.0, 0.5, 0.0]), None]))
    _close(res[0][0], res[1][0])
    x = nnstudio.tensor(v, requires_grad=True)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        nnstudio.autograd.grad([x * 2], x, [nnstudio.ones(4)])
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        nnstudio.autograd.grad(x * 2, x)


def test_non_leaf_inputs_hooks_and_retained_grads_as_torch():
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: g * 10)
        h = x * 3
        h.retain_grad()
        y = (h * h).sum()
        gh = lib.autograd.grad(y, h, retain_graph=True)[0]
        gx = lib.autograd.grad(y, [x])[0]
        res.append((gh, gx, h.grad, x.grad))
    _close(res[0][0], res[1][0])
    _close(res[0][1], res[1][1])
    _close(res[0][2], res[1][2])  # torch fills a retained non-leaf .grad during grad() too
    assert res[0][3] is None and res[1][3] is None


def test_only_the_part_of_the_graph_that_leads_to_the_inputs_runs():
    calls = {nnstudio: [], torch: []}
    for lib in (nnstudio, torch):
        a, b = lib.tensor([1.0, 2.0], requires_grad=True), lib.tensor([3.0, 4.0], requires_grad=True)
        gb = b.exp()
        gb.register_hook(lambda g, lib=lib: calls[lib].append("gb"))
        b.register_hook(lambda g, lib=lib: calls[lib].append("b"))
        y = (a * a).sum() + gb.sum()
        (ga,) = lib.autograd.grad(y, a)
        _close(ga, torch.tensor([2.0, 4.0]))
    assert calls[nnstudio] == calls[torch] == []


def test_allow_unused_and_materialize_grads():
    x, z = nnstudio.tensor([1.0, 2.0], requires_grad=True), nnstudio.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="index 1 appears to not have been used"):
        nnstudio.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = nnstudio.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and gx.tolist() == [2.0, 2.0]
    gx, gz = nnstudio.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    assert gz.tolist() == [0.0]
    with pytest.raises(ValueError, match="allow_unused"):
        nnstudio.autograd.grad((x * 2).sum(), [x, z], allow_unused=False, materialize_grads=True)


def test_inputs_and_outputs_that_do_not_require_grad_raise_as_torch():
    x, w = nnstudio.tensor([1.0, 2.0], requires_grad=True), nnstudio.ones(2)
    with pytest.raises(RuntimeError, match="does not require grad"):
        nnstudio.autograd.grad((x * w).sum(), w)
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        nnstudio.autograd.grad(w.sum(), x)
    (g,) = nnstudio.autograd.grad(x, x, nnstudio.ones(2))  # an output that is the input itself
    assert g.tolist() == [1.0, 1.0]


def test_graph_is_freed_unless_retain_graph():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    first = nnstudio.autograd.grad(y, x, retain_graph=True)[0]
    second = nnstudio.autograd.grad(y, x)[0]
    assert first.tolist() == second.tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        nnstudio.autograd.grad(y, x)


def test_results_own_their_buffers():
    x, y = nnstudio.tensor([1.0, 2.0], requires_grad=True), nnstudio.tensor([3.0, 4.0], requires_grad=True)
    gx, gy = nnstudio.autograd.grad((x + y).sum(), [x, y])  # Add hands one array to both inputs
    gx.mul_(5)
    assert gy.tolist() == [1.0, 1.0]


def test_create_graph_gives_a_differentiable_gradient_as_torch():
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (g,) = lib.autograd.grad((x ** 3).sum(), x, create_graph=True)
        assert g.requires_grad and g.grad_fn is not None
        lib.autograd.backward(g.sum())
        res.append((g.detach().numpy().copy(), x.grad.numpy().copy()))
    np.testing.assert_allclose(res[0][0], res[1][0])
    np.testing.assert_allclose(res[0][1], res[1][1])


def test_autograd_backward_several_tensors_and_inputs_as_torch():
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor(2.0, requires_grad=True)
        lib.autograd.backward([(x * 2).sum(), x * y], [None, lib.tensor([1.0, -1.0])])
        first = (x.grad.clone(), y.grad.clone())
        x.grad = None
        y.grad = None
        lib.autograd.backward((x * y).sum(), inputs=[y])
        res.append((first, x.grad, y.grad.clone()))
        (x * y).sum().backward(inputs=[x])  # Tensor.backward(inputs=) too
        res[-1] += (x.grad.clone(), y.grad.clone())
    ours, theirs = res
    _close(ours[0][0], theirs[0][0])
    _close(ours[0][1], theirs[0][1])
    assert ours[1] is None and theirs[1] is None
    for i in (2, 3, 4):
        _close(ours[i], theirs[i])
