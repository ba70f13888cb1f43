"""nn.init: dirac_, eye_, orthogonal_, sparse_ and the deprecated names without the underscore, against torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import nnstudio
import nnstudio.nn as nn

DEPRECATED = {
    "uniform": ((), {"a": -2.0, "b": 3.0}), "normal": ((), {"std": 2.0}), "constant": ((0.5,), {}),
    "xavier_uniform": ((), {"gain": 2.0}), "xavier_normal": ((), {}), "kaiming_uniform": ((), {"a": 1.0}),
    "kaiming_normal": ((), {"mode": "fan_out"}), "orthogonal": ((), {"gain": 3.0}), "sparse": ((0.5,), {}),
    "dirac": ((), {}), "eye": ((), {}),
}


def _shape(name):
    return (4, 3, 3) if name == "dirac" else (6, 5)


@pytest.mark.parametrize("name", sorted(DEPRECATED))
def test_deprecated_alias_warns_and_calls_the_underscore_form_as_torch(name):
    args, kwargs = DEPRECATED[name]
    messages = []
    for lib in (nnstudio, torch):
        init = lib.nn.init
        assert getattr(init, name).__name__ == name
        lib.manual_seed(3)
        t = lib.empty(*_shape(name))
        with pytest.warns(FutureWarning) as record:
            out = getattr(init, name)(t, *args, **kwargs)
        assert out is t
        assert record[0].filename == __file__  # stacklevel: the warning points at the caller
        messages.append([str(w.message) for w in record])
        lib.manual_seed(3)
        u = lib.empty(*_shape(name))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            getattr(init, name + "_")(u, *args, **kwargs)
        np.testing.assert_array_equal(t.numpy(), u.numpy())  # same draws: it is the underscore form
    assert messages[0] == messages[1]


@pytest.mark.parametrize("shape, groups", [((4, 3, 5), 1), ((6, 4, 3, 3), 2), ((2, 5, 3, 4, 3), 1),
                                           ((9, 2, 2, 2), 3), ((3, 6, 3), 1)])
def test_dirac_is_exact(shape, groups):
    a, b = nnstudio.randn(*shape), torch.randn(*shape)
    nn.init.dirac_(a, groups)
    torch.nn.init.dirac_(b, groups)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_dirac_conv_is_the_identity_as_torch():
    w = nn.init.dirac_(nnstudio.empty(3, 3, 3, 3))
    x = nnstudio.randn(2, 3, 5, 5)
    np.testing.assert_allclose(nn.functional.conv2d(x, w, padding=1).numpy(), x.numpy(), atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (1, 1)])
def test_eye_is_exact(shape):
    a, b = nnstudio.randn(*shape), torch.randn(*shape)
    assert nn.init.eye_(a) is a
    torch.nn.init.eye_(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("shape", [(4, 6), (6, 4), (5, 5), (3, 2, 2), (2, 3, 2, 2)])
def test_orthogonal_is_semi_orthogonal_like_torch(shape):
    gain = 1.7
    for lib in (nnstudio, torch):
        w = lib.empty(*shape)
        lib.nn.init.orthogonal_(w, gain=gain)
        q = w.numpy().reshape(shape[0], -1).astype(np.float64) / gain
        small = q @ q.T if q.shape[0] <= q.shape[1] else q.T @ q  # Q Q^T = I (wide) or Q^T Q = I (tall)
        np.testing.assert_allclose(small, np.eye(min(q.shape)), atol=1e-5)


def test_orthogonal_draws_are_haar_distributed():
    """Over many draws, each entry of an n x n orthogonal matrix has mean 0 and variance 1/n, as torch's."""
    n, draws = 4, 800
    for lib in (nnstudio, torch):
        lib.manual_seed(0)
        samples = np.stack([lib.nn.init.orthogonal_(lib.empty(n, n)).numpy() for _ in range(draws)])
        assert abs(samples.mean()) < 0.02
        np.testing.assert_allclose(samples.var(axis=0), 1 / n, atol=0.04)
        np.testing.assert_allclose(np.linalg.det(samples.astype(np.float64)).mean(), 0.0, atol=0.12)


def test_sparse_zeroes_ceil_sparsity_rows_per_column_like_torch():
    rows, cols, sparsity, std = 40, 30, 0.3, 0.5
    for lib in (nnstudio, torch):
        w = lib.nn.init.sparse_(lib.empty(rows, cols), sparsity, std=std).numpy()
        assert ((w == 0).sum(axis=0) == int(np.ceil(sparsity * rows))).all()
        nonzero = w[w != 0]
        assert abs(nonzero.std() - std) < 0.05 and abs(nonzero.mean()) < 0.05


@pytest.mark.parametrize("call, shape", [
    (lambda init, t: init.dirac_(t), (3, 3)), (lambda init, t: init.dirac_(t, 2), (3, 2, 2)),
    (lambda init, t: init.eye_(t), (2, 2, 2)), (lambda init, t: init.orthogonal_(t), (3,)),
    (lambda init, t: init.sparse_(t, 0.1), (3, 3, 3)),
])
def test_errors_as_torch(call, shape):
    with pytest.raises(ValueError) as t_err:
        call(torch.nn.init, torch.empty(*shape))
    with pytest.raises(ValueError) as n_err:
        call(nn.init, nnstudio.empty(*shape))
    assert str(n_err.value) == str(t_err.value)


def test_empty_orthogonal_is_a_no_op_as_torch():
    for lib in (nnstudio, torch):
        t = lib.empty(0, 3)
        assert lib.nn.init.orthogonal_(t) is t


@pytest.mark.parametrize("call", [lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(0, 3)),
                                  lambda lib: lib.nn.init.kaiming_normal_(lib.empty(3, 0)),
                                  lambda lib: lib.nn.Linear(0, 3), lambda lib: lib.nn.Conv1d(2, 0, 3)])
def test_zero_element_kaiming_warns_as_torch(call):
    for lib in (nnstudio, torch):
        with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$") as record:
            call(lib)
        assert len(record) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LazyLinear(3)  # its placeholder Linear(0, 0) skips the init, as torch's
        torch.nn.LazyLinear(3)
