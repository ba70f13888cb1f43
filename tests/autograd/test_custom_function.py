"""torch-style custom autograd functions (`class F(torch.autograd.Function)`, static forward/backward with ctx,
`F.apply`) against torch: values, gradients, several inputs and outputs, non-tensor arguments, and torch's
errors for a backward that returns the wrong number or shape of gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck

import nnstudio


def make_functions(lib):
    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    class ScaledMulAdd(lib.autograd.Function):
        """Two tensors and a float in, two outputs (x * y * scale, x + y) out."""

        @staticmethod
        def forward(ctx, x, y, scale):
            ctx.save_for_backward(x, y)
            ctx.scale = scale
            return x * y * scale, x + y

        @staticmethod
        def backward(ctx, g_prod, g_sum):
            x, y = ctx.saved_tensors
            gx = g_prod * y * ctx.scale + g_sum if ctx.needs_input_grad[0] else None
            gy = g_prod * x * ctx.scale + g_sum if ctx.needs_input_grad[1] else None
            return gx, gy, None

    class ArgmaxAndMax(lib.autograd.Function):
        """A non-differentiable index output beside a differentiable one."""

        @staticmethod
        def forward(ctx, x):
            idx = x.argmax(dim=1)
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(x, idx)
            return x.amax(dim=1), idx

        @staticmethod
        def backward(ctx, g, g_idx):
            x, idx = ctx.saved_tensors
            out = lib.zeros_like(x)
            out[lib.arange(x.shape[0]), idx] = g
            return out
    return LegendrePolynomial3, ScaledMulAdd, ArgmaxAndMax


def _both(build):
    """build(lib, Fns) -> list of tensors with grads to compare; run for nnstudio and torch."""
    return build(nnstudio, make_functions(nnstudio)), build(torch, make_functions(torch))


def _close(a, b):
    for x, y in zip(a, b):
        np.testing.assert_allclose(np.asarray(x.detach().numpy()), y.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_the_legendre_tutorial_trains_like_torch():
    def build(lib, fns):
        P3 = fns[0].apply
        lib.manual_seed(0)
        x = lib.linspace(-1, 1, 50)
        y = lib.sin(x * 3)
        a, b, c, d = (lib.tensor(v, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3))
        for _ in range(30):
            loss = (a + b * P3(c + d * x) - y).pow(2).sum()
            loss.backward()
            with lib.no_grad():
                for p in (a, b, c, d):
                    p -= 5e-3 * p.grad
                    p.grad = None
        return [a, b, c, d, loss]
    _close(*_both(build))


def test_several_inputs_and_outputs_and_a_float_argument():
    def build(lib, fns):
        x = lib.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        y = lib.tensor([[0.3, 0.7], [-1.0, 2.0]], requires_grad=True)
        prod, total = fns[1].apply(x, y, 2.5)
        (prod.sum() * 3 + (total ** 2).sum()).backward()
        return [prod, total, x.grad, y.grad]
    _close(*_both(build))


def test_an_output_left_unused_gets_zero_gradient():
    def build(lib, fns):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)
        prod, _ = fns[1].apply(x, y, 1.0)
        prod.sum().backward()
        return [x.grad, y.grad]
    _close(*_both(build))


def test_a_non_differentiable_output():
    def build(lib, fns):
        x = lib.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]], requires_grad=True)
        values, idx = fns[2].apply(x)
        assert not idx.requires_grad and values.requires_grad
        (values * lib.tensor([2.0, 3.0])).sum().backward()
        return [values, idx.float(), x.grad]
    _close(*_both(build))


def test_needs_input_grad_and_no_recording_without_grad():
    _, mul_add, _ = make_functions(nnstudio)
    seen = []

    class Spy(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            seen.append(ctx.needs_input_grad)
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g, g
    x, y = nnstudio.ones(2, requires_grad=True), nnstudio.ones(2)
    Spy.apply(x, y)
    with nnstudio.no_grad():
        out = Spy.apply(x, y)
    assert seen == [(True, False), (False, False)] and not out.requires_grad
    assert not mul_add.apply(nnstudio.ones(2), nnstudio.ones(2), 1.0)[0].requires_grad


def test_gradcheck_of_a_custom_function_in_float64():
    P3 = make_functions(nnstudio)[0].apply
    x = np.random.default_rng(0).uniform(-1, 1, (3, 4))
    gradcheck(lambda t: P3(t), [x])


def test_wrong_gradients_give_torchs_errors():
    class TooMany(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class BadShape(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return g.reshape(1).repeat(5)
    x = nnstudio.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients"):
        TooMany.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match=r"returned an invalid gradient at index 0 - got \[5\] but expected "
                                           r"shape compatible with \[3\]"):
        BadShape.apply(x).backward()


def test_once_differentiable_and_function_ctx_import_paths():
    from nnstudio.autograd.function import FunctionCtx, once_differentiable

    class Double(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            return g * 2
    x = nnstudio.ones(2, requires_grad=True)
    Double.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    assert isinstance(FunctionCtx((True,)), FunctionCtx)


def test_extra_trailing_none_gradients_are_allowed_as_torch():
    def outcome(lib, extra):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k=2.0):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return (g * 2,) + extra(lib)

        x = lib.ones(2, requires_grad=True)
        try:
            Scale.apply(x).sum().backward()
        except RuntimeError as e:
            return str(e).split(" (")[0].split("function ")[-1], str(e).split("(")[1].split(")")[0]
        return x.grad.tolist()

    for extra in (lambda lib: (None, None, None), lambda lib: (), lambda lib: (None, lib.ones(1)),
                  lambda lib: (lib.ones(1),)):
        assert outcome(nnstudio, extra) == outcome(torch, extra)


def test_setup_context_style_matches_torch():
    """torch >= 2.0 style: forward(*args) without ctx, setup_context(ctx, inputs, output) saves what backward
    needs; works with autograd, create_graph and torch.func transforms."""

    def make(lib):
        class MySin(lib.autograd.Function):
            generate_vmap_rule = True  # torch's vmap needs it; nnstudio's maps slice by slice either way

            @staticmethod
            def forward(x, scale):
                return lib.sin(x) * scale, lib.argmax(x)

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, scale = inputs
                ctx.save_for_backward(x)
                ctx.scale = scale
                ctx.mark_non_differentiable(output[1])

            @staticmethod
            def backward(ctx, g, _g_index):
                (x,) = ctx.saved_tensors
                return g * lib.cos(x) * ctx.scale, None

        return MySin

    x0 = np.array([0.5, 1.0, -0.3])
    got = []
    for lib in (torch, nnstudio):
        fn = make(lib)
        x = lib.tensor(x0, requires_grad=True)
        y, index = fn.apply(x, 2.0)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        per_row = lib.func.vmap(lib.func.grad(lambda t, f=fn: f.apply(t, 3.0)[0].sum()))(
            lib.tensor(np.stack([x0, -x0])))
        got.append((y.detach().numpy(), int(index), index.requires_grad, g.detach().numpy(), gg.numpy(),
                    per_row.numpy()))
    for a, b in zip(got[1], got[0]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
