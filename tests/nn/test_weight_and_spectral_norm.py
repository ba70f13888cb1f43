"""nn.utils.weight_norm / spectral_norm (hook and parametrization forms) and nn.utils.parametrize against torch
2.13: the same state_dict keys, outputs, gradients, power-iteration buffers and SGD steps."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
from nnstudio import nn

FORMS = ["weight_norm", "spectral_norm", "parametrizations.weight_norm", "parametrizations.spectral_norm"]
LAYERS = [("Linear", (5, 4), (3, 5)), ("Conv2d", (2, 3, 3), (2, 2, 5, 5)), ("ConvTranspose2d", (2, 3, 3), (1, 2, 4, 4))]


def _apply(lib, form: str, layer):
    fn = lib.nn.utils
    for part in form.split("."):
        fn = getattr(fn, part)
    return fn(layer)


def _np(t):
    return t.detach().numpy()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("layer_name,args,x_shape", LAYERS)
def test_matches_torch_over_training_steps(form, layer_name, args, x_shape):
    torch.manual_seed(0)
    t_layer = _apply(torch, form, getattr(torch.nn, layer_name)(*args))
    n_layer = _apply(nnstudio, form, getattr(nn, layer_name)(*args))
    t_state = t_layer.state_dict()
    assert list(n_layer.state_dict()) == list(t_state)
    n_layer.load_state_dict({k: v.numpy() for k, v in t_state.items()})
    t_opt = torch.optim.SGD(t_layer.parameters(), lr=0.1)
    n_opt = nnstudio.optim.SGD(n_layer.parameters(), lr=0.1)
    x = np.random.default_rng(1).standard_normal(x_shape).astype(np.float32)
    for _ in range(3):
        t_opt.zero_grad()
        n_opt.zero_grad()
        t_out, n_out = t_layer(torch.tensor(x)), n_layer(nnstudio.tensor(x))
        np.testing.assert_allclose(_np(n_out), _np(t_out), rtol=1e-4, atol=1e-5)
        (t_out ** 2).sum().backward()
        (n_out ** 2).sum().backward()
        t_opt.step()
        n_opt.step()
    for (k, a), (k2, b) in zip(t_layer.state_dict().items(), n_layer.state_dict().items(), strict=True):
        assert k == k2
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-5, err_msg=k)
    t_layer.eval()
    n_layer.eval()
    np.testing.assert_allclose(_np(n_layer(nnstudio.tensor(x))), _np(t_layer(torch.tensor(x))), rtol=1e-4, atol=1e-5)


def test_remove_gives_one_parameter_back():
    layer = nn.utils.weight_norm(nn.Linear(3, 2))
    before = _np(layer(nnstudio.ones(1, 3)))
    nn.utils.remove_weight_norm(layer)
    t_layer = torch.nn.utils.remove_weight_norm(torch.nn.utils.weight_norm(torch.nn.Linear(3, 2)))
    assert list(layer.state_dict()) == list(t_layer.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(_np(layer(nnstudio.ones(1, 3))), before, rtol=1e-6)
    layer = nn.utils.spectral_norm(nn.Linear(3, 2))
    nn.utils.remove_spectral_norm(layer)
    assert sorted(layer.state_dict()) == ["bias", "weight"]
    with pytest.raises(ValueError, match="not found"):
        nn.utils.remove_weight_norm(layer)


def test_parametrize_register_assign_cached_and_remove():
    class Symmetric(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(-1, -2)

    layer = nn.Linear(3, 3)
    nn.utils.parametrize.register_parametrization(layer, "weight", Symmetric())
    assert type(layer).__name__ == "ParametrizedLinear" and isinstance(layer, nn.Linear)
    assert nn.utils.parametrize.is_parametrized(layer, "weight")
    w = _np(layer.weight)
    np.testing.assert_allclose(w, w.T)
    with nn.utils.parametrize.cached():
        assert layer.weight is layer.weight
    layer.weight = nnstudio.eye(3) * 2  # right_inverse (identity here) stores it as the original
    np.testing.assert_allclose(_np(layer.weight), np.eye(3) * 2)
    nn.utils.parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and list(layer.state_dict()) == ["bias", "weight"]  # torch's order too
    with pytest.raises(ValueError, match="does not have a parameter"):
        nn.utils.parametrize.register_parametrization(layer, "kernel", Symmetric())
