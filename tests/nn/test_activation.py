"""Activation layers, Flatten / Unflatten and Dropout: torch parity of values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.parity import check_module_parity

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F

rng = np.random.default_rng(0)
X = (rng.standard_normal((4, 5, 3)) * 3).astype(np.float32)

LAYERS = {
    "ReLU": ({}, {}),
    "ReLU6": ({}, {}),
    "LeakyReLU": ({"negative_slope": 0.2}, None),
    "LeakyReLU_default": ({}, None),
    "ELU": ({"alpha": 0.7}, None),
    "Sigmoid": ({}, None),
    "Tanh": ({}, None),
    "GELU": ({}, None),
    "GELU_tanh": ({"approximate": "tanh"}, None),
    "SiLU": ({}, None),
    "Mish": ({}, None),
    "Softplus": ({"beta": 2.0, "threshold": 5.0}, None),
    "Hardtanh": ({"min_val": -2.0, "max_val": 1.5}, None),
    "Softmax": ({"dim": 1}, None),
    "Softmax_last": ({"dim": -1}, None),
    "LogSoftmax": ({"dim": 1}, None),
    "LogSoftmax_0": ({"dim": 0}, None),
    "Softmin": ({"dim": 2}, None),
    "Identity": ({}, None),
    "Flatten": ({}, None),
    "Flatten_0": ({"start_dim": 0, "end_dim": 1}, None),
    "Unflatten": ({"dim": 1, "unflattened_size": (5, 1)}, None),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_parity(name, device):
    kwargs, _ = LAYERS[name]
    cls = name.split("_")[0]
    check_module_parity(getattr(nn, cls)(**kwargs), getattr(torch.nn, cls)(**kwargs), [X], device=device,
                        rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn,kwargs", [("relu", {}), ("leaky_relu", {"negative_slope": 0.1}), ("elu", {}),
                                       ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}),
                                       ("softplus", {}), ("sigmoid", {}), ("tanh", {}), ("softmax", {"dim": -1}),
                                       ("log_softmax", {"dim": 1}), ("relu6", {}), ("hardtanh", {})])
def test_functional_parity(fn, kwargs):
    x = nnstudio.tensor(X, requires_grad=True)
    tx = torch.tensor(X, requires_grad=True)
    y, ty = getattr(F, fn)(x, **kwargs), getattr(torch.nn.functional, fn)(tx, **kwargs)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = rng.standard_normal(X.shape).astype(np.float32)
    y.backward(nnstudio.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_top_level_functions():
    x = nnstudio.tensor(X)
    for name in ("relu", "sigmoid", "tanh", "exp", "abs"):
        np.testing.assert_allclose(getattr(nnstudio, name)(x).numpy(), getattr(torch, name)(torch.tensor(X)).numpy(),
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(nnstudio.softmax(x, dim=1).numpy(), torch.softmax(torch.tensor(X), dim=1).numpy(),
                               rtol=1e-5, atol=1e-7)


def test_softmax_extreme_values_stay_finite():
    x = nnstudio.tensor([[1000.0, 0.0, -1000.0]])
    assert np.isfinite(x.softmax(1).numpy()).all()
    assert np.isfinite(x.log_softmax(1).numpy()).all()
    assert np.isfinite(x.sigmoid().numpy()).all()


def test_dropout_train_and_eval(device):
    d = nn.Dropout(0.25)
    x = nnstudio.ones(200, 100, requires_grad=True, device=device)
    y = d(x)
    assert y.device == x.device
    kept = y.detach().cpu().numpy() != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y.detach().cpu().numpy()[kept], 1 / 0.75, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.cpu().numpy(), kept / 0.75, rtol=1e-6)
    d.eval()
    assert d(x) is x
    assert not nn.Dropout(1.0)(x).detach().cpu().numpy().any()
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_is_seeded(device):
    nnstudio.manual_seed(1)
    a = nn.Dropout()(nnstudio.ones(50, device=device)).cpu().numpy()
    c = nn.Dropout()(nnstudio.ones(50, device=device)).cpu().numpy()
    nnstudio.manual_seed(1)
    b = nn.Dropout()(nnstudio.ones(50, device=device)).cpu().numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)  # the stream moves on between calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_keeps_dtype_and_gradient_is_its_mask(dtype, device):
    x = nnstudio.tensor(rng.uniform(1.0, 2.0, (64, 33)).astype(dtype), requires_grad=True, device=device)
    y = F.dropout(x, 0.3)
    assert y.dtype == x.dtype
    y.backward(nnstudio.ones(64, 33, dtype=x.dtype, device=device))
    mask = y.detach().cpu().numpy() / x.detach().cpu().numpy()  # 0 or 1 / (1 - p), the forward's draw
    np.testing.assert_allclose(x.grad.cpu().numpy(), mask, rtol=1e-6)
    assert np.all((mask == 0) | np.isclose(mask, 1 / 0.7, rtol=1e-6)) and 0 < (mask == 0).mean() < 0.5


def test_relu_gradient_at_nan_and_zero_matches_torch():
    values = np.array([-1.0, 0.0, -0.0, 2.0, np.nan, np.inf, -np.inf, 1e-40], dtype=np.float32)
    results = []
    for lib in (nnstudio, torch):
        x = lib.tensor(values, requires_grad=True)
        y = lib.relu(x)
        (y * lib.ones(len(values))).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_flatten_error_names_layer():
    with pytest.raises(RuntimeError, match=r"Flatten\(start_dim=2\).*\(3, 4\)"):
        nn.Flatten(start_dim=2)(nnstudio.ones(3, 4))


@pytest.mark.parametrize("cls,kwargs", [("ReLU", {}), ("LeakyReLU", {"negative_slope": 0.1}), ("ELU", {}),
                                        ("ReLU6", {}), ("Hardtanh", {}), ("SiLU", {}), ("Mish", {})])
def test_inplace_layers_match_torch(cls, kwargs):
    """inplace=True writes into the input tensor (even if the caller ignores the return value), and gradients
    through the layer and the op before it stay correct."""
    results = []
    for lib in (nnstudio, torch):
        x = lib.tensor(X, requires_grad=True)
        h = x * 1.5
        out = getattr(lib.nn, cls)(inplace=True, **kwargs)(h)
        assert out is h
        (h * h).sum().backward()
        results.append((h.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5, atol=1e-5)


def test_inplace_dropout_writes_into_its_input():
    h = nnstudio.ones(10, 10, requires_grad=True) * 1
    out = nn.Dropout(0.5, inplace=True)(h)
    assert out is h and (h.detach().numpy() == 0).any()


def test_relu6_is_hardtanh_0_6_as_torch():
    for inplace in (False, True):
        ours, ref = nn.ReLU6(inplace=inplace), torch.nn.ReLU6(inplace=inplace)
        assert repr(ours) == repr(ref)
        assert isinstance(ours, nn.Hardtanh) and isinstance(ref, torch.nn.Hardtanh)
        assert (ours.min_val, ours.max_val, ours.inplace) == (ref.min_val, ref.max_val, ref.inplace)
    assert [c.__name__ for c in nn.ReLU6.__mro__] == [c.__name__ for c in torch.nn.ReLU6.__mro__]
    assert nn.ReLU6.__module__ == torch.nn.ReLU6.__module__.replace("torch.", "nnstudio.")
    assert repr(nn.Hardtanh(-2.0, 2.5, inplace=True)) == repr(torch.nn.Hardtanh(-2.0, 2.5, inplace=True))


EDGES = np.array([-7.0, -1.0, -0.5, 0.0, 1e-7, 0.5, 1.0, 3.0, 6.0 - 1e-6, 6.0, 6.5, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn,args", [("relu6", ()), ("hardtanh", ()), ("hardtanh", (-0.5, 6.0)),
                                     ("hardtanh", (0.0, 1.0))])
def test_hardtanh_and_relu6_gradient_at_the_ends_is_torchs(fn, args, dtype):
    """torch's hardtanh_backward: +0 at min_val and at max_val (relu6: at 0 and 6) and at NaN (torch's vectorised
    loop; its scalar loop on a tail too short for a vector passes the gradient at NaN: the edges sit first in 256
    values)."""
    a = np.concatenate([EDGES, np.linspace(-8, 8, 256 - EDGES.size)]).astype(dtype)
    x, tx = nnstudio.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = getattr(F, fn)(x, *args), getattr(torch.nn.functional, fn)(tx, *args)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    assert repr(y).split("grad_fn=")[-1] == repr(ty).split("grad_fn=")[-1]
    g = (np.arange(a.size) - 100.0).astype(dtype)
    y.backward(nnstudio.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    assert (np.signbit(x.grad.numpy()) == np.signbit(tx.grad.numpy())).all()


def test_relu6_in_place_on_a_non_leaf_has_torchs_gradient():
    grads = []
    for lib in (nnstudio, torch):
        x = lib.tensor(EDGES[:10].astype(np.float32), requires_grad=True)
        y = x * 2
        lib.nn.ReLU6(inplace=True)(y)
        y.sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_hardsigmoid_values_and_gradient_at_its_ends_are_torchs(dtype):
    """torch's hardsigmoid_backward passes grad / 6 strictly inside (-3, 3) and 0 at -3, 3 and outside."""
    x = np.array([-4, -3, -3 + 1e-3, -1, 0, 2.5, 3 - 1e-3, 3, 5, np.inf, -np.inf], dtype=dtype)
    grads = []
    for lib in (nnstudio, torch):
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.hardsigmoid(t)
        (y * lib.arange(len(x), dtype=getattr(lib, dtype))).sum().backward()
        grads.append((y.detach().numpy(), t.grad.numpy()))
    np.testing.assert_array_equal(grads[0][0], grads[1][0])
    np.testing.assert_array_equal(grads[0][1], grads[1][1])
    assert not isinstance(nnstudio.nn.Hardsigmoid(), nnstudio.nn.Hardswish)  # torch: a Module of its own
    assert repr(nnstudio.nn.Hardsigmoid(inplace=True)) == repr(torch.nn.Hardsigmoid(inplace=True))
