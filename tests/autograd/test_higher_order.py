"""Gradients of gradients (create_graph=True) against torch 2.13: Hessian-vector products, a WGAN-GP gradient
penalty, a PINN residual, a MAML step, hooks and custom Functions. Models are built in both libraries with the
same weights (torch's state_dict loaded into nnstudio's model); values and parameter gradients must agree."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import nnstudio

rng = np.random.default_rng(7)


def _pair(build):
    """The same model in torch and in nnstudio (float64), weights copied through load_state_dict."""
    torch.manual_seed(0)
    theirs = build(torch.nn).double()
    ours = build(nnstudio.nn).double()
    ours.load_state_dict({k: nnstudio.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


def _grads(model) -> list:
    return [p.grad.detach().numpy().copy() for p in model.parameters()]


def _close(a, b, rtol=1e-9, atol=1e-11):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def test_hessian_vector_product_of_a_classifier_loss_matches_torch():
    ours, theirs = _pair(lambda nn: nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)))
    x, y = rng.standard_normal((5, 4)), np.array([0, 2, 1, 1, 0])
    vs = [rng.standard_normal(tuple(p.shape)) for p in theirs.parameters()]
    res = []
    for lib, model in ((nnstudio, ours), (torch, theirs)):
        params = list(model.parameters())
        loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
        grads = lib.autograd.grad(loss, params, create_graph=True)
        assert all(g.requires_grad and g.grad_fn is not None for g in grads)
        hv = lib.autograd.grad(grads, params, grad_outputs=[lib.tensor(v) for v in vs])
        res.append((loss.item(), [g.detach().numpy().copy() for g in grads], [h.numpy().copy() for h in hv]))
    assert res[0][0] == pytest.approx(res[1][0], rel=1e-12)
    for a, b in zip(res[0][1] + res[0][2], res[1][1] + res[1][2]):
        _close(a, b)


def test_hvp_of_functional_api_on_a_softmax_energy_matches_torch():
    x0, v0 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))

    def energy(x):
        return (x.softmax(1) * x.log_softmax(0)).sum() + (x ** 2).sum(1).sqrt().prod()

    ours = nnstudio.autograd.functional.hvp(energy, nnstudio.tensor(x0), nnstudio.tensor(v0))
    theirs = torch.autograd.functional.hvp(energy, torch.tensor(x0), torch.tensor(v0))
    _close(ours[0].numpy(), theirs[0].numpy())
    _close(ours[1].numpy(), theirs[1].numpy())


def test_wgan_gp_gradient_penalty_matches_torch():
    ours, theirs = _pair(lambda nn: nn.Sequential(nn.Linear(3, 16), nn.LeakyReLU(0.2), nn.Linear(16, 16),
                                                  nn.LeakyReLU(0.2), nn.Linear(16, 1)))
    real, fake, alpha = rng.standard_normal((6, 3)), rng.standard_normal((6, 3)), rng.uniform(size=(6, 1))
    res = []
    for lib, critic in ((nnstudio, ours), (torch, theirs)):
        r, f, a = lib.tensor(real), lib.tensor(fake), lib.tensor(alpha)
        mixed = (a * r + (1 - a) * f).requires_grad_(True)
        score = critic(mixed)
        (g,) = lib.autograd.grad(score, mixed, grad_outputs=lib.ones_like(score), create_graph=True,
                                 retain_graph=True)
        penalty = ((g.norm(2, dim=1) - 1) ** 2).mean()
        loss = critic(f).mean() - critic(r).mean() + 10 * penalty
        loss.backward()
        res.append((penalty.item(), loss.item(), _grads(critic)))
    assert res[0][0] == pytest.approx(res[1][0], rel=1e-10)
    assert res[0][1] == pytest.approx(res[1][1], rel=1e-10)
    for a, b in zip(res[0][2], res[1][2]):
        _close(a, b)


def test_pinn_residual_with_nested_grads_matches_torch():
    ours, theirs = _pair(lambda nn: nn.Sequential(nn.Linear(1, 12), nn.Tanh(), nn.Linear(12, 12), nn.Tanh(),
                                                  nn.Linear(12, 1)))
    xs = np.linspace(-1, 1, 9).reshape(9, 1)
    res = []
    for lib, net in ((nnstudio, ours), (torch, theirs)):
        x = lib.tensor(xs, requires_grad=True)
        u = net(x)
        (u_x,) = lib.autograd.grad(u, x, grad_outputs=lib.ones_like(u), create_graph=True)
        (u_xx,) = lib.autograd.grad(u_x, x, grad_outputs=lib.ones_like(u_x), create_graph=True)
        residual = u_xx + math.pi ** 2 * (math.pi * x).sin()  # u'' = -pi^2 sin(pi x)
        boundary = net(lib.tensor([[-1.0], [1.0]], dtype=lib.float64))
        loss = (residual ** 2).mean() + (boundary ** 2).mean()
        loss.backward()
        res.append((loss.item(), u_x.detach().numpy().copy(), u_xx.detach().numpy().copy(), x.grad.numpy().copy(),
                    _grads(net)))
    assert res[0][0] == pytest.approx(res[1][0], rel=1e-10)
    for a, b in zip(res[0][1:4] + tuple(res[0][4]), res[1][1:4] + tuple(res[1][4])):
        _close(a, b, rtol=1e-8, atol=1e-10)


def test_maml_step_back_to_the_initial_weights_matches_torch():
    ours, theirs = _pair(lambda nn: nn.Sequential(nn.Linear(2, 10), nn.Tanh(), nn.Linear(10, 1)))
    xs, ys = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    xq, yq = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    res = []
    for lib, model in ((nnstudio, ours), (torch, theirs)):
        F = lib.nn.functional
        w1, b1, w2, b2 = model.parameters()

        def forward(x, p, F=F):
            return F.linear(F.linear(x, p[0], p[1]).tanh(), p[2], p[3])

        params = [w1, b1, w2, b2]
        inner = F.mse_loss(forward(lib.tensor(xs), params), lib.tensor(ys))
        grads = lib.autograd.grad(inner, params, create_graph=True)
        fast = [p - 0.4 * g for p, g in zip(params, grads)]
        outer = F.mse_loss(forward(lib.tensor(xq), fast), lib.tensor(yq))
        outer.backward()
        res.append((inner.item(), outer.item(), _grads(model)))
    assert res[0][0] == pytest.approx(res[1][0], rel=1e-12)
    assert res[0][1] == pytest.approx(res[1][1], rel=1e-12)
    for a, b in zip(res[0][2], res[1][2]):
        _close(a, b)


def test_grad_several_outputs_and_inputs_allow_unused_and_retain_graph_under_create_graph():
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor([0.3, -0.7, 1.1], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([[0.5, 2.0]], dtype=lib.float64, requires_grad=True)
        unused = lib.tensor([1.0], dtype=lib.float64, requires_grad=True)
        outs = [(x.exp() * x).sum(), (y ** 3).sum() * x.sum()]
        gx, gy, gu = lib.autograd.grad(outs, [x, y, unused], create_graph=True, allow_unused=True)
        assert gu is None and gx.requires_grad and gy.requires_grad
        (h,) = lib.autograd.grad((gx * gx).sum() + gy.sum(), x, retain_graph=True)
        (h2,) = lib.autograd.grad(gy.sum(), y)  # the create_graph graph was kept for a second call
        res.append([t.detach().numpy().copy() for t in (gx, gy, h, h2)])
    for a, b in zip(*res):
        _close(a, b)


def test_hooks_see_and_replace_gradients_with_history():
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor([0.4, -1.2], dtype=lib.float64, requires_grad=True)
        h = x.sin()
        seen = []
        # a hook built from tensors; it runs again in the second backward, which passes through h too
        h.register_hook(lambda g, seen=seen, h=h: (seen.append(g.requires_grad), g * h)[1])
        x.register_hook(lambda g, x=x: g + x)
        (gx,) = lib.autograd.grad((h ** 2).sum(), x, create_graph=True)
        (ggx,) = lib.autograd.grad(gx.sum(), x)
        res.append((seen, gx.detach().numpy().copy(), ggx.numpy().copy()))
    assert res[0][0] == res[1][0] == [True, False]
    _close(res[0][1], res[1][1])
    _close(res[0][2], res[1][2])


def _custom_functions(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    class ExpSavingOutput(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    return Cube, ExpSavingOutput


def test_custom_function_with_a_differentiable_backward_has_second_derivatives_as_torch():
    res = []
    for lib in (nnstudio, torch):
        Cube, ExpOut = _custom_functions(lib)
        x = lib.tensor([0.5, -1.5, 2.0], dtype=lib.float64, requires_grad=True)
        y = (Cube.apply(x) * ExpOut.apply(x)).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        res.append((g.detach().numpy().copy(), gg.numpy().copy()))
    _close(res[0][0], res[1][0])
    _close(res[0][1], res[1][1])


def test_once_differentiable_backward_refuses_a_second_derivative():
    class Square(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @nnstudio.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x

    x = nnstudio.tensor([1.0, 2.0], dtype=nnstudio.float64, requires_grad=True)
    (g,) = nnstudio.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [2.0, 4.0])
    assert g.requires_grad
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()


def test_module_full_backward_hook_under_create_graph_matches_torch():
    ours, theirs = _pair(lambda nn: nn.Sequential(nn.Linear(3, 2), nn.Tanh()))
    res = []
    for lib, model in ((nnstudio, ours), (torch, theirs)):
        seen = []

        def hook(module, grad_input, grad_output, seen=seen):
            seen.append(grad_input[0].requires_grad)
            return (grad_input[0] * 2,)

        model[1].register_full_backward_hook(hook)
        x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
        (g,) = lib.autograd.grad((model(x) ** 2).sum(), x, create_graph=True)
        (g ** 2).sum().backward()
        res.append((seen, g.detach().numpy().copy(), x.grad.numpy().copy(), _grads(model)))
    assert res[0][0] == res[1][0] == [True, False]  # the second backward passes through the module again
    for a, b in zip(res[0][1:3] + tuple(res[0][3]), res[1][1:3] + tuple(res[1][3])):
        _close(a, b)


def test_cnn_gradient_penalty_matches_torch():
    """Conv, batch norm, max pooling and a linear head: the penalty's backward runs every adjoint primitive."""
    ours, theirs = _pair(lambda nn: nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.Tanh(),
                                                  nn.MaxPool2d(2), nn.Flatten(), nn.Linear(12, 1)))
    x0 = rng.standard_normal((2, 2, 4, 4))
    res = []
    for lib, model in ((nnstudio, ours), (torch, theirs)):
        x = lib.tensor(x0, requires_grad=True)
        out = model(x)
        (g,) = lib.autograd.grad(out.sum(), x, create_graph=True)
        loss = out.mean() + ((g.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
        loss.backward()
        res.append((loss.item(), x.grad.numpy().copy(), _grads(model)))
    assert res[0][0] == pytest.approx(res[1][0], rel=1e-10)
    for a, b in zip([res[0][1]] + res[0][2], [res[1][1]] + res[1][2]):
        _close(a, b, rtol=1e-8, atol=1e-10)


def test_lstm_and_attention_double_backward_match_torch():
    torch.manual_seed(0)
    pairs = [_pair(lambda nn: nn.LSTM(3, 4, num_layers=2, bidirectional=True)),
             _pair(lambda nn: nn.MultiheadAttention(6, 2))]
    inputs = [rng.standard_normal((5, 2, 3)), rng.standard_normal((4, 2, 6))]
    for (ours, theirs), x0 in zip(pairs, inputs):
        res = []
        for lib, model in ((nnstudio, ours), (torch, theirs)):
            x = lib.tensor(x0, requires_grad=True)
            out = model(x)[0] if isinstance(model, lib.nn.LSTM) else model(x, x, x)[0]
            (g,) = lib.autograd.grad((out ** 2).sum(), x, create_graph=True)
            (g ** 2).sum().backward()
            res.append([x.grad.numpy().copy()] + _grads(model))
        for a, b in zip(*res):
            _close(a, b, rtol=1e-8, atol=1e-10)


def test_grad_with_batched_grad_outputs_matches_torch():
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor([[0.5, -1.0, 2.0]], dtype=lib.float64, requires_grad=True)
        y = (x.sin() * x).sum(0)  # (3,)
        (jac,) = lib.autograd.grad(y, x, lib.eye(3, dtype=lib.float64), is_grads_batched=True, create_graph=True)
        (gg,) = lib.autograd.grad(jac.sum(), x)
        res.append((jac.detach().numpy(), gg.numpy()))
    _close(res[0][0], res[1][0])
    _close(res[0][1], res[1][1])
