"""Tensor.register_hook and retain_grad: the same calls, gradients and errors as torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=np.float32)


def _run(lib, script):
    """Run `script(lib, x, log)` with a fresh leaf x; return (x.grad, log, extra)."""
    x = lib.tensor(X, requires_grad=True)
    log = []
    extra = script(lib, x, log)
    g = None if x.grad is None else x.grad.detach().numpy()
    return g, log, extra


def _np(v):
    return v.detach().numpy() if hasattr(v, "detach") else v


def _leaf_double(lib, x, log):
    x.register_hook(lambda g: log.append(_np(g).copy()) or g * 2)
    (x * x).sum().backward()


def _leaf_used_twice(lib, x, log):
    x.register_hook(lambda g: log.append(_np(g).copy()))
    (x.exp().sum() + (3 * x).sum()).backward()


def _intermediate_replaced(lib, x, log):
    y = x * 3
    y.register_hook(lambda g: log.append(_np(g).copy()) or lib.ones_like(g) * 0.5)
    (y.tanh() * y).sum().backward()


def _two_hooks_in_order(lib, x, log):
    y = x.sin()
    y.register_hook(lambda g: g + 1)
    y.register_hook(lambda g: log.append(_np(g).copy()) or g * 10)
    y.sum().backward()


def _removed(lib, x, log):
    h = x.register_hook(lambda g: g * 100)
    h.remove()
    h.remove()
    x.sum().backward()


def _retained_sees_hook(lib, x, log):
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 3)
    (y ** 2).sum().backward()
    return _np(y.grad), y.retains_grad, x.retains_grad


def _hook_on_root(lib, x, log):
    z = (x * x).sum()
    z.register_hook(lambda g: log.append(float(g)) or g * 4)
    z.backward()


def _retain_graph_twice(lib, x, log):
    y = x.exp()
    y.register_hook(lambda g: log.append(_np(g).copy()))
    s = y.sum()
    s.backward(retain_graph=True)
    s.backward()


SCRIPTS = [_leaf_double, _leaf_used_twice, _intermediate_replaced, _two_hooks_in_order, _removed,
           _retained_sees_hook, _hook_on_root, _retain_graph_twice]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.__name__ for s in SCRIPTS])
def test_hooks_match_torch(script):
    ours, theirs = _run(nnstudio, script), _run(torch, script)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert len(ours[1]) == len(theirs[1])
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    if theirs[2] is not None:
        for a, b in zip(ours[2], theirs[2]):
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_hook_context_manager_and_bad_return():
    x = nnstudio.tensor(X, requires_grad=True)
    with x.register_hook(lambda g: g * 0):
        pass
    x.sum().backward()
    assert (x.grad.numpy() == 1).all()
    y = nnstudio.tensor(X, requires_grad=True)
    y.register_hook(lambda g: nnstudio.zeros(5))
    with pytest.raises(RuntimeError, match="shaped like the gradient"):
        y.sum().backward()


@pytest.mark.parametrize("call", ["register_hook(lambda g: g)", "retain_grad()"])
def test_no_grad_tensor_errors(call):
    for lib in (torch, nnstudio):
        t = lib.zeros(2)
        with pytest.raises(RuntimeError, match="requires_grad=False|doesn't require gradient"):
            eval(f"t.{call}", {"t": t})  # noqa: S307
