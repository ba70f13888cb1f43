"""Linear / Identity / Bilinear: torch parity, default initialisation, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from helpers.parity import check_module_parity

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (2, 3, 2, 4), (0, 3, 4), (4,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_parity(shape, bias, device):
    check_module_parity(nn.Linear(4, 3, bias=bias), torch.nn.Linear(4, 3, bias=bias),
                        [rng.standard_normal(shape).astype(np.float32)], device=device)


def test_linear_float64_parity():
    check_module_parity(nn.Linear(4, 3).double(), torch.nn.Linear(4, 3).double(),
                        [rng.standard_normal((5, 4))], rtol=1e-10, atol=1e-12)


def test_identity_and_bilinear_parity():
    check_module_parity(nn.Identity(3, foo=1), torch.nn.Identity(3, foo=1),
                        [rng.standard_normal((2, 3)).astype(np.float32)])
    check_module_parity(nn.Bilinear(3, 4, 2), torch.nn.Bilinear(3, 4, 2),
                        [rng.standard_normal((5, 3)).astype(np.float32),
                         rng.standard_normal((5, 4)).astype(np.float32)])


def test_linear_init_matches_torch_scheme():
    """kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight and the bias."""
    nnstudio.manual_seed(0)
    m = nn.Linear(64, 512)
    bound = 1 / math.sqrt(64)
    w, b = np.abs(m.weight.detach().numpy()), np.abs(m.bias.detach().numpy())
    assert w.max() <= bound and w.max() > 0.99 * bound
    assert b.max() <= bound and b.max() > 0.95 * bound
    # uniform: the mean of |w| is half the bound, its std bound / sqrt(12) around that
    assert abs(w.mean() - bound / 2) < 0.02 * bound
    assert abs(m.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.02 * bound
    t = torch.nn.Linear(64, 512)
    assert abs(np.abs(t.weight.detach().numpy()).max() - w.max()) < 0.01 * bound


def test_init_functions_bounds():
    w = nnstudio.empty(256, 128)
    nn.init.xavier_uniform_(w)
    a = math.sqrt(6 / (256 + 128))
    assert np.abs(w.numpy()).max() <= a and np.abs(w.numpy()).max() > 0.99 * a
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    k = math.sqrt(2) * math.sqrt(3 / 128)
    assert np.abs(w.numpy()).max() <= k and np.abs(w.numpy()).max() > 0.99 * k
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(w.numpy().std() - math.sqrt(2 / 256)) < 0.03 * math.sqrt(2 / 256)
    nn.init.normal_(w, 1.0, 0.5)
    assert abs(w.numpy().mean() - 1) < 0.02 and abs(w.numpy().std() - 0.5) < 0.02
    nn.init.constant_(w, 0.25)
    assert (w.numpy() == 0.25).all()
    nn.init.trunc_normal_(w, std=1.0, a=-0.5, b=0.5)
    assert np.abs(w.numpy()).max() <= 0.5
    q = nnstudio.empty(4, 6)
    nn.init.orthogonal_(q)
    np.testing.assert_allclose(q.numpy() @ q.numpy().T, np.eye(4), atol=1e-5)
    for name in ("linear", "relu", "tanh", "sigmoid", "selu"):
        assert nn.init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(torch.nn.init.calculate_gain("leaky_relu", 0.2))


def test_init_is_seeded():
    nnstudio.manual_seed(5)
    a = nn.Linear(3, 3).weight.detach().numpy()
    nnstudio.manual_seed(5)
    b = nn.Linear(3, 3).weight.detach().numpy()
    np.testing.assert_array_equal(a, b)


def test_linear_shape_error_is_one_clear_line():
    with pytest.raises(RuntimeError) as err:
        nn.Linear(10, 5)(nnstudio.ones(32, 7))
    msg = str(err.value)
    assert "\n" not in msg
    assert "Linear(in_features=10, out_features=5)" in msg and "(32, 7)" in msg


def test_linear_dtype_mismatch_is_explained():
    with pytest.raises(RuntimeError, match="dtype"):
        nn.Linear(2, 2)(nnstudio.ones(1, 2, dtype=nnstudio.float64))


def test_linear_bad_arguments():
    with pytest.raises(TypeError, match="in_features"):
        nn.Linear(2.5, 3)
    with pytest.raises(RuntimeError, match="out_features"):
        nn.Linear(2, -3)
