"""torch.func (functional_call, grad, vjp, jacrev/jacfwd, hessian, vmap), torch.compile, torch.version,
autograd.Variable and anomaly detection, against torch 2.13."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
from nnstudio import nn


def _pair(seed=0):
    torch.manual_seed(seed)
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    n_model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    n_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    return n_model, t_model


def _np(t):
    return t.detach().numpy()


def test_functional_call_swaps_parameters_and_restores_them():
    n_model, t_model = _pair()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    new_w = np.ones((4, 3), np.float32)
    n_out = nnstudio.func.functional_call(n_model, {"0.weight": nnstudio.tensor(new_w)}, (nnstudio.tensor(x),))
    t_out = torch.func.functional_call(t_model, {"0.weight": torch.tensor(new_w)}, (torch.tensor(x),))
    np.testing.assert_allclose(_np(n_out), _np(t_out), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(n_model[0].weight), _np(t_model[0].weight))  # restored
    assert nnstudio.nn.utils.stateless.functional_call is nnstudio.func.functional_call


def test_functional_call_restores_the_module_when_forward_raises():
    n_model, _ = _pair()
    before = _np(n_model[0].weight).copy()
    with pytest.raises(RuntimeError):
        nnstudio.func.functional_call(n_model, {"0.weight": nnstudio.ones(4, 3)}, (nnstudio.ones(2, 7),))
    np.testing.assert_array_equal(_np(n_model[0].weight), before)


def test_grad_of_parameters_matches_torch_per_sample_style():
    n_model, t_model = _pair(1)
    x = np.random.default_rng(1).standard_normal((6, 3)).astype(np.float32)

    def loss(lib, model):
        def f(params, xb):
            return lib.func.functional_call(model, params, (xb,)).pow(2).mean()
        return f

    n_params = {k: v.detach() for k, v in n_model.named_parameters()}
    t_params = {k: v.detach() for k, v in t_model.named_parameters()}
    n_g = nnstudio.func.grad(loss(nnstudio, n_model))(n_params, nnstudio.tensor(x))
    t_g = torch.func.grad(loss(torch, t_model))(t_params, torch.tensor(x))
    assert set(n_g) == set(t_g)
    for k in t_g:
        np.testing.assert_allclose(_np(n_g[k]), _np(t_g[k]), rtol=1e-4, atol=1e-6)
        assert not n_g[k].requires_grad


def test_nested_grad_is_the_second_derivative_and_value_and_aux():
    x = np.array(0.7, dtype=np.float64)

    def f(lib):
        return lambda v: lib.sin(v) * v ** 3

    n = nnstudio.func.grad(nnstudio.func.grad(f(nnstudio)))(nnstudio.tensor(x))
    t = torch.func.grad(torch.func.grad(f(torch)))(torch.tensor(x))
    np.testing.assert_allclose(_np(n), _np(t), rtol=1e-10)
    (g, (value, aux)) = nnstudio.func.grad_and_value(lambda v: (v.sum() ** 2, "aux"), has_aux=True)(
        nnstudio.ones(3))
    np.testing.assert_allclose(_np(g), [6.0, 6.0, 6.0])
    assert float(value) == 9.0 and aux == "aux"
    with pytest.raises(RuntimeError, match="scalar"):
        nnstudio.func.grad(lambda v: v * 2)(nnstudio.ones(3))


def test_jacrev_jacfwd_hessian_vjp_match_torch():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal(3), rng.standard_normal((2, 3))

    def f(lib, wt):
        return lambda v: lib.tanh(wt @ v) * v.sum()

    for name in ("jacrev", "jacfwd"):
        n = getattr(nnstudio.func, name)(f(nnstudio, nnstudio.tensor(w)))(nnstudio.tensor(x))
        t = getattr(torch.func, name)(f(torch, torch.tensor(w)))(torch.tensor(x))
        np.testing.assert_allclose(_np(n), _np(t), rtol=1e-10)
    n_h = nnstudio.func.hessian(lambda v: (v ** 3).sum() * v[0])(nnstudio.tensor(x))
    t_h = torch.func.hessian(lambda v: (v ** 3).sum() * v[0])(torch.tensor(x))
    np.testing.assert_allclose(_np(n_h), _np(t_h), rtol=1e-10)
    n_out, n_fn = nnstudio.func.vjp(f(nnstudio, nnstudio.tensor(w)), nnstudio.tensor(x))
    t_out, t_fn = torch.func.vjp(f(torch, torch.tensor(w)), torch.tensor(x))
    cot = rng.standard_normal(2)
    np.testing.assert_allclose(_np(n_fn(nnstudio.tensor(cot))[0]), _np(t_fn(torch.tensor(cot))[0]), rtol=1e-10)


def test_vmap_maps_over_dims_like_torch():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((4, 3, 2)), rng.standard_normal((2, 5))

    def f(lib):
        return lambda m, v: (m @ v).sum(0)

    n = nnstudio.vmap(f(nnstudio), in_dims=(0, None))(nnstudio.tensor(a), nnstudio.tensor(b))
    t = torch.vmap(f(torch), in_dims=(0, None))(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(_np(n), _np(t), rtol=1e-12)
    n2 = nnstudio.func.vmap(lambda v: (v, v.sum()), in_dims=1, out_dims=(1, 0))(nnstudio.tensor(a))
    t2 = torch.func.vmap(lambda v: (v, v.sum()), in_dims=1, out_dims=(1, 0))(torch.tensor(a))
    for p, q in zip(n2, t2, strict=True):
        assert tuple(p.shape) == tuple(q.shape)
        np.testing.assert_allclose(_np(p), _np(q), rtol=1e-12)
    with pytest.raises(ValueError, match="same size"):
        nnstudio.vmap(lambda u, v: u + v)(nnstudio.ones(2), nnstudio.ones(3))


def test_vmap_of_grad_gives_per_sample_gradients():
    rng = np.random.default_rng(4)
    xs, w = rng.standard_normal((5, 3)), rng.standard_normal(3)

    def per_sample(lib):
        return lib.func.vmap(lib.func.grad(lambda wt, x: lib.tanh((wt * x).sum())), in_dims=(None, 0))

    n = per_sample(nnstudio)(nnstudio.tensor(w), nnstudio.tensor(xs))
    t = per_sample(torch)(torch.tensor(w), torch.tensor(xs))
    np.testing.assert_allclose(_np(n), _np(t), rtol=1e-10)


def test_compile_checks_mode_and_gives_functions_back():
    model = nn.Linear(2, 2)
    assert nnstudio.compile(model, disable=True) is model  # as torch's
    assert list(nnstudio.compile(model, mode="max-autotune").state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]

    @nnstudio.compile
    def double(x):
        return x * 2

    assert float(double(nnstudio.ones(1))[0]) == 2.0
    assert nnstudio.compile(mode="reduce-overhead")(double) is double
    with pytest.raises(RuntimeError, match="Unrecognized mode"):
        nnstudio.compile(model, mode="fastest")
    with pytest.raises(RuntimeError, match="Unrecognized mode"):
        model.compile(mode="fastest")
    assert nnstudio.compiler.is_compiling() is False


def test_version_module():
    assert nnstudio.version.cuda is None and isinstance(nnstudio.version.__version__, str)


def test_variable_is_a_tensor_with_requires_grad():
    v = nnstudio.autograd.Variable(nnstudio.ones(2), requires_grad=True)
    assert isinstance(v, nnstudio.Tensor) and v.requires_grad
    assert isinstance(nnstudio.ones(1), nnstudio.autograd.Variable)
    (v * 3).sum().backward()
    np.testing.assert_allclose(_np(v.grad), [3.0, 3.0])


def test_detect_anomaly_names_the_function_that_made_a_nan():
    x = nnstudio.tensor([0.0, 1.0], requires_grad=True)
    with nnstudio.autograd.detect_anomaly():
        assert nnstudio.autograd.is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="returned nan values in its 0th output"):
            (x.sqrt() * 0).sum().backward()  # 0 * inf = nan in sqrt's backward at 0
    assert not nnstudio.autograd.is_anomaly_enabled()
    y = nnstudio.tensor([0.0, 1.0], requires_grad=True)
    (y.sqrt() * 0).sum().backward()  # off: the NaN gradient is kept, as torch keeps it
    assert np.isnan(_np(y.grad)[0])
    nnstudio.autograd.set_detect_anomaly(True)
    assert nnstudio.autograd.is_anomaly_enabled()
    nnstudio.autograd.set_detect_anomaly(False)


def test_vjp_results_carry_a_graph_only_when_nested_like_torch():
    rng = np.random.default_rng(4)
    x, v = rng.standard_normal(4), rng.standard_normal(4)

    def flags(lib):
        def f(t):
            return t.sin().sum()

        out, fn = lib.func.vjp(lib.func.grad(f), lib.tensor(x))  # reverse over reverse: hvp
        (hvp,) = fn(lib.tensor(v))
        inner = lib.tensor(x, requires_grad=True)  # a vjp inside a differentiated function keeps its graph
        (g,) = lib.func.vjp(lambda t: t ** 3, inner)[1](lib.tensor(v))
        (second,) = lib.autograd.grad(g.sum(), inner)
        return (out.requires_grad, hvp.requires_grad, g.requires_grad), hvp.numpy(), second.numpy()

    (n_flags, n_hvp, n_second), (t_flags, t_hvp, t_second) = flags(nnstudio), flags(torch)
    assert n_flags == t_flags == (False, False, True)
    np.testing.assert_allclose(n_hvp, t_hvp, rtol=1e-12)
    np.testing.assert_allclose(n_second, t_second, rtol=1e-12)
