"""Conv1d/2d/3d and F.conv*: parity with PyTorch 2.13 (forward, input and parameter gradients), float64
gradcheck of the ConvNd primitive, torch's init / state_dict / repr, and error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_module_parity, check_training_parity

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F

pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same.")

# (class name, in_channels, out_channels, input shape, constructor options)
CASES = [
    ("Conv1d", 4, 6, (3, 4, 13), dict(kernel_size=3)),
    ("Conv1d", 4, 6, (3, 4, 13), dict(kernel_size=4, stride=3, padding=2, dilation=2, groups=2, bias=False)),
    ("Conv1d", 4, 6, (3, 4, 13), dict(kernel_size=4, padding="same", dilation=3)),
    ("Conv1d", 4, 6, (4, 13), dict(kernel_size=3, padding="valid")),
    ("Conv2d", 3, 8, (2, 3, 10, 9), dict(kernel_size=3)),
    ("Conv2d", 3, 8, (2, 3, 10, 9), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 2))),
    ("Conv2d", 4, 8, (2, 4, 10, 9), dict(kernel_size=3, stride=2, padding=1, dilation=2, groups=2)),
    ("Conv2d", 4, 8, (2, 4, 10, 9), dict(kernel_size=3, groups=4, bias=False)),  # depthwise
    ("Conv2d", 3, 5, (2, 3, 10, 9), dict(kernel_size=(4, 3), padding="same", dilation=(1, 2))),
    ("Conv2d", 3, 5, (2, 3, 10, 9), dict(kernel_size=1, stride=3)),
    ("Conv2d", 3, 5, (3, 7, 6), dict(kernel_size=3, padding=1)),  # unbatched
    ("Conv3d", 2, 4, (2, 2, 5, 6, 7), dict(kernel_size=3, padding=1)),
    ("Conv3d", 2, 4, (2, 2, 5, 6, 7), dict(kernel_size=(2, 3, 2), stride=(1, 2, 2), dilation=(2, 1, 1),
                                           padding="valid")),
    ("Conv3d", 4, 4, (4, 5, 6, 5), dict(kernel_size=2, padding="same", groups=2)),  # unbatched
]


@pytest.mark.parametrize("name,cin,cout,shape,opts", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_parity_with_torch(device, name, cin, cout, shape, opts):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(np.float32)
    ns_m, t_m = getattr(nn, name)(cin, cout, **opts), getattr(torch.nn, name)(cin, cout, **opts)
    check_module_parity(ns_m, t_m, [x], device=device, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("train", [True, False])
def test_parity_train_and_eval(device, train):
    x = np.random.default_rng(2).standard_normal((2, 3, 8, 8)).astype(np.float32)
    opts = dict(kernel_size=3, stride=2, padding=1)
    check_module_parity(nn.Conv2d(3, 4, **opts), torch.nn.Conv2d(3, 4, **opts), [x], train=train, device=device,
                        atol=1e-4)


def test_functional_matches_torch(device):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 9, 8)).astype(np.float32)
    w = rng.standard_normal((6, 2, 3, 2)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    for kw in (dict(), dict(stride=2, padding=(1, 0), dilation=(1, 2), groups=2), dict(padding="same", groups=2)):
        kw.setdefault("groups", 2)
        ours = F.conv2d(nnstudio.tensor(x, device=device), nnstudio.tensor(w, device=device),
                        nnstudio.tensor(b, device=device), **kw)
        ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), **kw)
        np.testing.assert_allclose(ours.cpu().numpy(), ref.numpy(), rtol=1e-4, atol=1e-4)
    x1 = rng.standard_normal((2, 4, 11)).astype(np.float32)
    w1 = rng.standard_normal((3, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(F.conv1d(nnstudio.tensor(x1), nnstudio.tensor(w1), stride=2).numpy(),
                               torch.nn.functional.conv1d(torch.tensor(x1), torch.tensor(w1), stride=2).numpy(),
                               rtol=1e-4, atol=1e-4)
    x3 = rng.standard_normal((1, 2, 4, 5, 4)).astype(np.float32)
    w3 = rng.standard_normal((3, 2, 2, 2, 2)).astype(np.float32)
    np.testing.assert_allclose(F.conv3d(nnstudio.tensor(x3), nnstudio.tensor(w3), padding=1).numpy(),
                               torch.nn.functional.conv3d(torch.tensor(x3), torch.tensor(w3), padding=1).numpy(),
                               rtol=1e-4, atol=1e-4)


GRAD_CASES = [
    ((2, 4, 7, 6), (6, 2, 3, 2), dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=2)),
    ((2, 3, 6, 5), (2, 3, 2, 2), dict(padding="same")),  # asymmetric padding for an even kernel
    ((2, 3, 9), (4, 3, 3), dict(stride=2, padding=2, dilation=2)),
    ((1, 2, 4, 4, 3), (2, 1, 2, 3, 2), dict(padding=(1, 0, 1), groups=2)),
]


@pytest.mark.parametrize("xs,ws,opts", GRAD_CASES)
def test_gradcheck_conv_primitive(device, xs, ws, opts):
    rng = np.random.default_rng(4)
    fn = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[len(xs)]
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    gradcheck(lambda x, w, b: fn(x, w, b, **opts), [x, w, b], device=device)



def test_input_gradient_over_several_sample_blocks_matches_torch(device):
    """Stride 1 folds the input gradient a few samples at a time (blocks of ~6 MiB of columns): 64x64 planes
    with 16 channels and a 3x3 kernel make blocks of 2 samples, so 5 samples end with a partial block."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((5, 16, 62, 60)).astype(np.float32)
    for opts in (dict(padding=1), dict(padding=(2, 1), dilation=(2, 1), groups=4)):
        check_module_parity(nn.Conv2d(16, 8, 3, **opts), torch.nn.Conv2d(16, 8, 3, **opts), [x], device=device,
                            rtol=1e-4, atol=1e-3)

def test_init_state_dict_and_repr_match_torch():
    for name, args, kw in [("Conv2d", (3, 16, 3), {}), ("Conv1d", (4, 8, 5), dict(stride=2, padding=1)),
                           ("Conv2d", (4, 8, (3, 1)), dict(padding="same", dilation=2, groups=4, bias=False)),
                           ("Conv3d", (2, 4, 3), dict(padding="valid"))]:
        ours, ref = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
        assert repr(ours) == repr(ref)
        assert list(ours.state_dict()) == list(ref.state_dict())
        for k, v in ref.state_dict().items():
            assert tuple(ours.state_dict()[k].shape) == tuple(v.shape), k
    m = nn.Conv2d(32, 64, 3)
    bound = 1 / math.sqrt(32 * 9)  # kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert np.abs(b).max() <= bound
    assert m.weight.requires_grad and m.bias.requires_grad


def test_small_cnn_trains_like_torch():
    rng = np.random.default_rng(5)
    batches = [(rng.standard_normal((4, 1, 10, 10)).astype(np.float32), rng.integers(0, 3, 4)) for _ in range(2)]

    def make(lib):
        n = lib.nn
        return n.Sequential(n.Conv2d(1, 4, 3, padding=1), n.ReLU(), n.MaxPool2d(2), n.Conv2d(4, 6, 3, groups=2),
                            n.ReLU(), n.AvgPool2d(2, ceil_mode=True), n.Flatten(), n.Linear(24, 3))

    check_training_parity(lambda: (make(nnstudio), make(torch)), batches,
                          (nnstudio.nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()),
                          (lambda p: nnstudio.optim.Adam(p, lr=1e-2), lambda p: torch.optim.Adam(p, lr=1e-2)),
                          steps=4, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------- errors


def test_wrong_channel_count_names_layer_and_shapes():
    with pytest.raises(RuntimeError) as e:
        nn.Conv2d(3, 16, 3)(nnstudio.zeros(8, 1, 28, 28))
    msg = str(e.value)
    assert msg.startswith("Conv2d(3, 16, kernel_size=(3, 3)")
    assert "expected 3 input channels, got 1 (input shape (8, 1, 28, 28))" in msg
    with pytest.raises(RuntimeError, match=r"expected 4 input channels, got 2"):
        nn.Conv1d(4, 4, 3, groups=2)(nnstudio.zeros(1, 2, 9))
    with pytest.raises(RuntimeError, match=r"conv2d: expected 3 input channels, got 1"):
        F.conv2d(nnstudio.zeros(2, 1, 5, 5), nnstudio.zeros(4, 3, 3, 3))


def test_kernel_larger_than_padded_input():
    with pytest.raises(RuntimeError, match=r"Conv2d\(1, 2, kernel_size=\(5, 5\).*can't be greater than the padded "
                                           r"input size \(4, 4\)"):
        nn.Conv2d(1, 2, 5)(nnstudio.zeros(1, 1, 4, 4))
    nn.Conv2d(1, 2, 5, padding=1)(nnstudio.zeros(1, 1, 4, 4))  # 6x6 padded: fits
    with pytest.raises(RuntimeError, match="dilated"):
        nn.Conv1d(1, 1, 3, dilation=3)(nnstudio.zeros(1, 1, 6))


def test_wrong_rank():
    with pytest.raises(RuntimeError, match=r"Conv2d\(3, 4.*expected 3D \(unbatched\) or 4D \(batched\) input, "
                                           r"got input of shape \(2, 3\)"):
        nn.Conv2d(3, 4, 3)(nnstudio.zeros(2, 3))
    with pytest.raises(RuntimeError, match=r"expected 2D \(unbatched\) or 3D \(batched\)"):
        nn.Conv1d(3, 4, 3)(nnstudio.zeros(2, 3, 4, 5))
    assert tuple(nn.Conv2d(3, 4, 3)(nnstudio.zeros(3, 5, 5)).shape) == (4, 3, 3)


def test_constructor_errors():
    with pytest.raises(ValueError, match="in_channels .* divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels .* divisible by groups"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        nn.Conv2d(4, 4, 3, groups=0)
    with pytest.raises(ValueError, match="invalid padding string 'full'"):
        nn.Conv2d(1, 1, 3, padding="full")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv2d(1, 1, 3, padding="same", stride=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="kernel_size must be an int or a tuple of 2 ints"):
        nn.Conv2d(1, 1, (3, 3, 3))
    with pytest.raises(ValueError, match="must be positive"):
        nn.Conv2d(1, 1, 0)


def test_pooled_column_buffers_never_alias_live_graphs():
    """Column buffers (>= 1 MiB) are reused across steps; graphs alive at the same time, retain_graph and
    no_grad passes in between must still give torch's gradients."""
    rng = np.random.default_rng(6)
    xs = [rng.standard_normal((8, 16, 20, 20)).astype(np.float32) for _ in range(3)]
    ours, ref = nn.Conv2d(16, 8, 3), torch.nn.Conv2d(16, 8, 3)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    y0 = ours(nnstudio.tensor(xs[0]))
    y1 = ours(nnstudio.tensor(xs[1]))  # two graphs alive: two buffers
    with nnstudio.no_grad():
        ours(nnstudio.tensor(xs[2]))  # takes and returns a buffer at once
    y0.sum().backward(retain_graph=True)
    ours(nnstudio.tensor(xs[2])).sum().backward()  # may reuse a released buffer
    y0.sum().backward()  # y0's columns must still be intact
    y1.sum().backward()
    t_total = sum(ref(torch.tensor(x)).sum() for x in (xs[0], xs[0], xs[2], xs[1]))
    t_total.backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), ref.weight.grad.numpy(), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(ours.bias.grad.numpy(), ref.bias.grad.numpy(), rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("cls,shape,opts", [
    ("Conv1d", (2, 3, 9), dict(padding=2)),
    ("Conv2d", (2, 3, 7, 6), dict(padding=1, stride=2)),
    ("Conv2d", (2, 3, 7, 6), dict(padding="same", dilation=2)),
    ("Conv3d", (1, 2, 4, 5, 4), dict(padding=(1, 0, 1))),
])
def test_padding_modes_match_torch(device, mode, cls, shape, opts):
    """padding_mode 'reflect' / 'replicate' / 'circular': torch pads with the mode, then convolves unpadded."""
    tm = getattr(torch.nn, cls)(3 if cls != "Conv3d" else 2, 4, 3, padding_mode=mode, **opts)
    nm = getattr(nn, cls)(3 if cls != "Conv3d" else 2, 4, 3, padding_mode=mode, **opts)
    assert repr(nm) == repr(tm)
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    check_module_parity(nm, tm, [x], device=device, rtol=1e-4, atol=1e-4)
