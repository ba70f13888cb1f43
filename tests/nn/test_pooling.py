"""Max / average / adaptive pooling (1d-3d) and channel-wise dropout: parity with PyTorch 2.13 (forward, input
gradient, indices), float64 gradcheck of the pooling primitives, repr, and error messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_module_parity

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F

# (class name, input shape, constructor options)
CASES = [
    ("MaxPool1d", (2, 3, 11), dict(kernel_size=3, stride=2, ceil_mode=True)),
    ("MaxPool1d", (3, 11), dict(kernel_size=2, padding=1, dilation=2)),
    ("MaxPool2d", (2, 3, 9, 8), dict(kernel_size=2)),
    ("MaxPool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("MaxPool2d", (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0), dilation=(2, 1))),
    ("MaxPool2d", (3, 9, 8), dict(kernel_size=2, stride=1)),
    ("MaxPool3d", (2, 2, 5, 6, 5), dict(kernel_size=2, stride=1, padding=1)),
    ("MaxPool3d", (2, 5, 6, 7), dict(kernel_size=(3, 2, 2), stride=2, ceil_mode=True)),
    ("AvgPool1d", (2, 3, 11), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)),
    ("AvgPool1d", (3, 11), dict(kernel_size=3)),
    ("AvgPool2d", (2, 3, 9, 8), dict(kernel_size=2)),
    ("AvgPool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("AvgPool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("AvgPool2d", (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), count_include_pad=False)),
    ("AvgPool2d", (3, 9, 8), dict(kernel_size=3, stride=2, padding=1, divisor_override=4)),
    ("AvgPool3d", (2, 2, 5, 6, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("AvgPool3d", (2, 5, 6, 7), dict(kernel_size=2, padding=1, count_include_pad=False, divisor_override=3)),
    ("AdaptiveAvgPool1d", (2, 3, 7), dict(output_size=10)),
    ("AdaptiveAvgPool1d", (3, 11), dict(output_size=4)),
    ("AdaptiveAvgPool2d", (2, 3, 9, 8), dict(output_size=(4, 3))),
    ("AdaptiveAvgPool2d", (2, 3, 9, 8), dict(output_size=(1, None))),
    ("AdaptiveAvgPool2d", (3, 9, 8), dict(output_size=1)),
    ("AdaptiveAvgPool3d", (2, 2, 5, 6, 5), dict(output_size=(2, 3, 4))),
    ("AdaptiveMaxPool1d", (2, 3, 7), dict(output_size=10)),
    ("AdaptiveMaxPool2d", (2, 3, 9, 8), dict(output_size=(4, 3))),
    ("AdaptiveMaxPool2d", (3, 9, 8), dict(output_size=(None, 5))),
    ("AdaptiveMaxPool3d", (2, 2, 5, 6, 5), dict(output_size=(2, 3, 4))),
]


@pytest.mark.parametrize("name,shape,opts", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_parity_with_torch(device, name, shape, opts):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    if "Max" in name:
        x = np.maximum(x, 0)  # many tied zeros: the gradient must go to the first maximum, as torch's
    ns_m, t_m = getattr(nn, name)(**opts), getattr(torch.nn, name)(**opts)
    assert repr(ns_m) == repr(t_m)
    for train in (True, False):
        check_module_parity(ns_m, t_m, [x], train=train, device=device, atol=1e-5)


@pytest.mark.parametrize("name,shape,opts", [
    ("MaxPool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("MaxPool3d", (2, 3, 5, 6, 5), dict(kernel_size=2, stride=1, padding=1, dilation=2)),
    ("MaxPool1d", (3, 12), dict(kernel_size=3, stride=2)),
    ("AdaptiveMaxPool2d", (2, 3, 9, 8), dict(output_size=(4, 3))),
    ("AdaptiveMaxPool1d", (3, 7), dict(output_size=3)),
])
def test_return_indices_match_torch(device, name, shape, opts):
    x = np.maximum(np.random.default_rng(2).standard_normal(shape).astype(np.float32), 0)
    ours = getattr(nn, name)(return_indices=True, **opts)(nnstudio.tensor(x, device=device))
    ref = getattr(torch.nn, name)(return_indices=True, **opts)(torch.tensor(x))
    np.testing.assert_array_equal(ours[0].cpu().numpy(), ref[0].numpy())
    assert ours[1].dtype == nnstudio.int64
    np.testing.assert_array_equal(ours[1].cpu().numpy(), ref[1].numpy())


def test_functional_names_match_torch(device):
    x = np.random.default_rng(3).standard_normal((2, 3, 8, 7)).astype(np.float32)
    nx, tx = nnstudio.tensor(x, device=device), torch.tensor(x)
    tf = torch.nn.functional
    pairs = [
        (F.max_pool2d(nx, 3, 2, 1), tf.max_pool2d(tx, 3, 2, 1)),
        (F.max_pool2d(nx, 2, ceil_mode=True), tf.max_pool2d(tx, 2, ceil_mode=True)),
        (F.avg_pool2d(nx, 3, 2, 1, count_include_pad=False), tf.avg_pool2d(tx, 3, 2, 1, count_include_pad=False)),
        (F.adaptive_avg_pool2d(nx, (3, 2)), tf.adaptive_avg_pool2d(tx, (3, 2))),
        (F.adaptive_max_pool2d(nx, 3), tf.adaptive_max_pool2d(tx, 3)),
        (F.max_pool1d(nx[0], 2), tf.max_pool1d(tx[0], 2)),
        (F.avg_pool1d(nx[0], 3, 1, 1), tf.avg_pool1d(tx[0], 3, 1, 1)),
        (F.adaptive_avg_pool1d(nx[0], 4), tf.adaptive_avg_pool1d(tx[0], 4)),
        (F.adaptive_max_pool1d(nx[0], 4), tf.adaptive_max_pool1d(tx[0], 4)),
        (F.max_pool3d(nx, 2), tf.max_pool3d(tx, 2)),
        (F.avg_pool3d(nx, 2, divisor_override=2), tf.avg_pool3d(tx, 2, divisor_override=2)),
        (F.adaptive_avg_pool3d(nx, (2, 2, 3)), tf.adaptive_avg_pool3d(tx, (2, 2, 3))),
        (F.adaptive_max_pool3d(nx, (2, 2, 3)), tf.adaptive_max_pool3d(tx, (2, 2, 3))),
    ]
    for i, (ours, ref) in enumerate(pairs):
        np.testing.assert_allclose(ours.cpu().numpy(), ref.numpy(), rtol=1e-5, atol=1e-6, err_msg=str(i))


GRAD_CASES = [
    (lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), (2, 2, 7, 6)),
    (lambda x: F.max_pool2d(x, (2, 3), (1, 2), dilation=(2, 1)), (1, 2, 6, 7)),
    (lambda x: F.max_pool1d(x, 2), (2, 3, 8)),
    (lambda x: F.max_pool3d(x, 2, 1, 1), (1, 2, 3, 4, 3)),
    (lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (2, 2, 7, 6)),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=3), (2, 2, 6, 6)),
    (lambda x: F.avg_pool1d(x, 3, 2, 1), (2, 3, 9)),
    (lambda x: F.avg_pool3d(x, 2, 1, 1, ceil_mode=True), (1, 2, 3, 4, 3)),
    (lambda x: F.adaptive_avg_pool2d(x, (3, 4)), (2, 2, 7, 6)),
    (lambda x: F.adaptive_avg_pool1d(x, 9), (2, 2, 5)),
    (lambda x: F.adaptive_max_pool2d(x, (3, 4)), (2, 2, 7, 6)),
    (lambda x: F.adaptive_max_pool3d(x, 2), (1, 2, 3, 5, 4)),
]


@pytest.mark.parametrize("fn,shape", GRAD_CASES)
def test_gradcheck_pooling_primitives(device, fn, shape):
    x = np.random.default_rng(4).standard_normal(shape)  # continuous values: no ties, max is differentiable
    gradcheck(fn, [x], device=device)


def test_max_pool_gradient_goes_to_first_of_tied_maxima():
    x = nnstudio.zeros(1, 1, 4, 4, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    expected = np.zeros((4, 4), np.float32)
    expected[::2, ::2] = 1
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], expected)


# ---------------------------------------------------------------------------- errors


def test_errors_name_the_layer_and_shapes():
    with pytest.raises(RuntimeError, match=r"MaxPool2d\(kernel_size=2, .*\): expected 3D \(unbatched\) or 4D "
                                           r"\(batched\) input, got input of shape \(8, 784\)"):
        nn.MaxPool2d(2)(nnstudio.zeros(8, 784))
    with pytest.raises(RuntimeError, match=r"AvgPool2d\(kernel_size=5.*output size \(0, 0\) is too small"):
        nn.AvgPool2d(5)(nnstudio.zeros(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match=r"max_pool2d: pad should be at most half of effective kernel size"):
        F.max_pool2d(nnstudio.zeros(1, 1, 8, 8), 2, padding=2)
    with pytest.raises(RuntimeError, match=r"avg_pool1d: pad should be at most half of kernel size"):
        F.avg_pool1d(nnstudio.zeros(1, 1, 8), 3, padding=2)
    with pytest.raises(RuntimeError, match=r"AdaptiveAvgPool2d\(output_size=2\): expected 3D"):
        nn.AdaptiveAvgPool2d(2)(nnstudio.zeros(4, 4))
    with pytest.raises(ValueError, match="output_size must be an int or a tuple of 2"):
        F.adaptive_max_pool2d(nnstudio.zeros(1, 4, 4), (1, 2, 3))
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(nnstudio.zeros(1, 1, 4, 4), 2, divisor_override=0)


# ---------------------------------------------------------------------------- channel-wise dropout


@pytest.mark.parametrize("cls,shape,batched", [(nn.Dropout1d, (4, 16, 5), True), (nn.Dropout1d, (16, 5), False),
                                               (nn.Dropout2d, (4, 16, 3, 3), True),
                                               (nn.Dropout3d, (4, 16, 2, 3, 2), True),
                                               (nn.Dropout3d, (16, 2, 3, 2), False)])
def test_channel_dropout_zeroes_whole_channels(device, cls, shape, batched):
    m = cls(p=0.4)
    assert repr(m) == repr(getattr(torch.nn, cls.__name__)(p=0.4))
    x = nnstudio.ones(*shape, device=device, requires_grad=True)
    y = m(x)
    vals = y.detach().cpu().numpy()
    per_channel = vals.reshape((-1, shape[1] if batched else shape[0], int(np.prod(shape[2 if batched else 1:]))))
    # every channel is all zero or all 1 / (1 - p)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))
    assert np.all(np.isclose(per_channel, 0) | np.isclose(per_channel, 1 / 0.6))
    assert 0 < (per_channel == 0).sum() < per_channel.size
    y.sum().backward()
    np.testing.assert_allclose(x.grad.cpu().numpy(), vals)  # gradient is the same scaled mask
    m.eval()
    assert m(x) is x


def test_channel_dropout_rate_and_edge_probabilities():
    x = nnstudio.ones(200, 50, 2, 2)
    kept = (nn.Dropout2d(0.3)(x).numpy()[:, :, 0, 0] > 0).mean()
    assert abs(kept - 0.7) < 0.02
    assert np.all(nn.Dropout2d(1.0)(x).numpy() == 0)
    assert nn.Dropout2d(0.0)(x) is x
    with pytest.raises(ValueError, match="Dropout2d: dropout probability has to be between 0 and 1"):
        nn.Dropout2d(1.5)
    with pytest.raises(RuntimeError, match=r"dropout1d: expected 2D or 3D input"):
        F.dropout1d(nnstudio.ones(2, 3, 4, 5))
