"""ConvTranspose1d/2d/3d and F.conv_transpose*: parity with PyTorch 2.13 (forward, input and parameter
gradients), float64 gradcheck of the ConvTransposeNd primitive, `output_size`, torch's init / state_dict / repr,
and error messages."""

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

# (class name, in_channels, out_channels, input shape, constructor options)
CASES = [
    ("ConvTranspose1d", 3, 4, (2, 3, 7), dict(kernel_size=3)),
    ("ConvTranspose1d", 4, 6, (2, 4, 7), dict(kernel_size=5, stride=3, padding=2, output_padding=1, groups=2)),
    ("ConvTranspose1d", 3, 4, (3, 6), dict(kernel_size=2, stride=2, bias=False)),  # unbatched
    ("ConvTranspose2d", 4, 6, (2, 4, 5, 6), dict(kernel_size=3)),
    ("ConvTranspose2d", 8, 4, (2, 8, 5, 6), dict(kernel_size=4, stride=2, padding=1)),  # DCGAN / U-Net up
    ("ConvTranspose2d", 4, 6, (2, 4, 5, 6), dict(kernel_size=2, stride=2)),
    ("ConvTranspose2d", 4, 6, (2, 4, 5, 6), dict(kernel_size=3, stride=(2, 3), padding=(1, 2), output_padding=(1, 2),
                                                 groups=2, dilation=(1, 2))),
    ("ConvTranspose2d", 4, 6, (2, 4, 5, 6), dict(kernel_size=3, padding=1, output_padding=1, dilation=2, groups=2,
                                                 bias=False)),  # stride 1, output_padding through the dilation
    ("ConvTranspose2d", 4, 6, (2, 4, 5, 6), dict(kernel_size=2, stride=2, output_padding=(0, 2), dilation=(1, 3))),
    ("ConvTranspose2d", 4, 4, (2, 4, 5, 6), dict(kernel_size=3, stride=2, padding=1, groups=4)),  # depthwise
    ("ConvTranspose2d", 3, 5, (3, 4, 4), dict(kernel_size=3, stride=2)),  # unbatched
    ("ConvTranspose3d", 2, 4, (2, 2, 3, 4, 3), dict(kernel_size=3, stride=2, padding=1, output_padding=1)),
    ("ConvTranspose3d", 2, 4, (2, 3, 4, 3), dict(kernel_size=2, groups=2)),  # unbatched
]


@pytest.mark.parametrize("name,cin,cout,shape,opts", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_parity_with_torch(device, name, cin, cout, shape, opts):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    ns_m, t_m = getattr(nn, name)(cin, cout, **opts), getattr(torch.nn, name)(cin, cout, **opts)
    check_module_parity(ns_m, t_m, [x], device=device, rtol=1e-4, atol=1e-4)


def test_larger_batch_matches_torch(device):
    """Big enough for the backward's convolution to split its batch over the CPU's threads."""
    x = np.random.default_rng(2).standard_normal((6, 16, 20, 20)).astype(np.float32)
    for opts in (dict(stride=2, padding=1), dict(padding=1)):
        check_module_parity(nn.ConvTranspose2d(16, 8, 4, **opts), torch.nn.ConvTranspose2d(16, 8, 4, **opts), [x],
                            device=device, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("output_size", [(8, 10), (7, 9), (1, 3, 7, 10)])
def test_output_size_picks_output_padding(device, output_size):
    x = np.random.default_rng(3).standard_normal((1, 2, 3, 4)).astype(np.float32)
    ns_m, t_m = nn.ConvTranspose2d(2, 3, 3, stride=2), torch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    ns_out, _ = check_module_parity(ns_m, t_m, [x], kwargs=dict(output_size=output_size), device=device)
    assert tuple(ns_out.shape[-2:]) == tuple(output_size[-2:])


def test_output_size_errors():
    m = nn.ConvTranspose2d(2, 3, 3, stride=2)
    with pytest.raises(ValueError, match=r"requested an output size of \(9, 9\), but valid sizes range from "
                                         r"\[7, 9\] to \[8, 10\]"):
        m(nnstudio.zeros(1, 2, 3, 4), output_size=(9, 9))
    with pytest.raises(ValueError, match=r"for 4D input, output_size must have 2 or 4 elements \(got 1\)"):
        m(nnstudio.zeros(1, 2, 3, 4), output_size=(5,))
    assert tuple(m(nnstudio.zeros(2, 3, 4), output_size=(8, 10)).shape) == (3, 8, 10)


def test_functional_matches_torch(device):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 5, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    for kw in (dict(), dict(stride=2, padding=(1, 0), output_padding=1, dilation=(1, 2)), dict(stride=(1, 3))):
        ours = F.conv_transpose2d(nnstudio.tensor(x, device=device), nnstudio.tensor(w, device=device),
                                  nnstudio.tensor(b, device=device), groups=2, **kw)
        ref = torch.nn.functional.conv_transpose2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), groups=2, **kw)
        np.testing.assert_allclose(ours.cpu().numpy(), ref.numpy(), rtol=1e-4, atol=1e-4)
    x1, w1 = rng.standard_normal((2, 4, 6)).astype(np.float32), rng.standard_normal((4, 2, 3)).astype(np.float32)
    np.testing.assert_allclose(
        F.conv_transpose1d(nnstudio.tensor(x1), nnstudio.tensor(w1), stride=2, padding=1).numpy(),
        torch.nn.functional.conv_transpose1d(torch.tensor(x1), torch.tensor(w1), stride=2, padding=1).numpy(),
        rtol=1e-4, atol=1e-4)
    x3 = rng.standard_normal((1, 2, 3, 2, 3)).astype(np.float32)
    w3 = rng.standard_normal((2, 3, 2, 2, 2)).astype(np.float32)
    np.testing.assert_allclose(
        F.conv_transpose3d(nnstudio.tensor(x3), nnstudio.tensor(w3), stride=2, output_padding=1).numpy(),
        torch.nn.functional.conv_transpose3d(torch.tensor(x3), torch.tensor(w3), stride=2, output_padding=1).numpy(),
        rtol=1e-4, atol=1e-4)


GRAD_CASES = [
    ((2, 4, 4, 3), (4, 3, 3, 2), dict(stride=(2, 1), padding=1, output_padding=(1, 0), dilation=(1, 2), groups=2)),
    ((2, 3, 4, 3), (3, 2, 2, 2), dict()),  # the stride-1 path
    ((2, 3, 5), (3, 4, 3), dict(stride=3, padding=2, output_padding=2)),
    ((2, 2, 3), (2, 2, 2), dict(stride=1, output_padding=2, dilation=3)),  # output_padding >= stride: cropped
    ((1, 2, 2, 3, 2), (2, 1, 2, 3, 2), dict(stride=2, padding=(1, 0, 1), groups=2)),
]


@pytest.mark.parametrize("xs,ws,opts", GRAD_CASES)
def test_gradcheck_conv_transpose_primitive(device, xs, ws, opts):
    rng = np.random.default_rng(5)
    fn = {3: F.conv_transpose1d, 4: F.conv_transpose2d, 5: F.conv_transpose3d}[len(xs)]
    cout = ws[1] * opts.get("groups", 1)
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(cout)
    gradcheck(lambda x, w, b: fn(x, w, b, **opts), [x, w, b], device=device)


def test_is_the_adjoint_of_convolution():
    """<conv(y; w), x> == <y, conv_transpose(x; w)> for the same stride, padding and dilation."""
    rng = np.random.default_rng(6)
    y = nnstudio.tensor(rng.standard_normal((2, 6, 11, 9)))
    w = nnstudio.tensor(rng.standard_normal((4, 3, 3, 3)))  # conv: (O=4, C/g=3); transposed: (C_in=4, C_out/g=3)
    opts = dict(stride=2, padding=1, dilation=(1, 2), groups=2)  # 11x9 -> 6x4 -> 11x9
    cy = F.conv2d(y, w, **opts)
    x = nnstudio.tensor(rng.standard_normal(tuple(cy.shape)))
    tx = F.conv_transpose2d(x, w, **opts)
    assert tuple(tx.shape) == tuple(y.shape)
    assert math.isclose(float((cy * x).sum()), float((y * tx).sum()), rel_tol=1e-10)


def test_init_state_dict_and_repr_match_torch():
    for name, args, kw in [("ConvTranspose2d", (3, 16, 3), {}),
                           ("ConvTranspose1d", (4, 8, 5), dict(stride=2, padding=1, output_padding=1)),
                           ("ConvTranspose2d", (4, 8, (3, 1)), dict(dilation=2, groups=4, bias=False)),
                           ("ConvTranspose3d", (2, 4, 3), dict(stride=(1, 2, 2)))]:
        ours, ref = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
        assert repr(ours) == repr(ref)
        assert list(ours.state_dict()) == list(ref.state_dict())
        for k, v in ref.state_dict().items():
            assert tuple(ours.state_dict()[k].shape) == tuple(v.shape), k
    m = nn.ConvTranspose2d(16, 64, 3, groups=2)  # weight (16, 32, 3, 3): fan_in = 32 * 9
    bound = 1 / math.sqrt(32 * 9)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.03 * bound
    assert np.abs(b).max() <= bound


def test_small_decoder_trains_like_torch():
    rng = np.random.default_rng(7)
    batches = [(rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal((4, 1, 8, 8)).astype(np.float32))
               for _ in range(2)]

    def make(lib):
        n = lib.nn
        return n.Sequential(n.Unflatten(1, (2, 2, 2)), n.ConvTranspose2d(2, 4, 4, stride=2, padding=1), n.ReLU(),
                            n.ConvTranspose2d(4, 1, 4, stride=2, padding=1), n.Tanh())

    check_training_parity(lambda: (make(nnstudio), make(torch)), batches,
                          (nnstudio.nn.MSELoss(), torch.nn.MSELoss()),
                          (lambda p: nnstudio.optim.Adam(p, lr=1e-2), lambda p: torch.optim.Adam(p, lr=1e-2)),
                          steps=4, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------- errors


def test_wrong_channel_count_names_layer_and_shapes():
    with pytest.raises(RuntimeError) as e:
        nn.ConvTranspose2d(3, 16, 3)(nnstudio.zeros(8, 1, 28, 28))
    msg = str(e.value)
    assert msg.startswith("ConvTranspose2d(3, 16, kernel_size=(3, 3)")
    assert "expects 3 input channels, got 1 (input shape (8, 1, 28, 28))" in msg
    with pytest.raises(RuntimeError, match=r"conv_transpose2d: weight of shape \(3, 3, 3, 3\).*expects 3 input "
                                           r"channels, got 2"):
        F.conv_transpose2d(nnstudio.zeros(1, 2, 3, 4), nnstudio.zeros(3, 3, 3, 3))


def test_argument_errors():
    x, w = nnstudio.zeros(1, 2, 3, 4), nnstudio.zeros(2, 3, 3, 3)
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride or dilation, but got "
                                           "output_padding_height: 2 output_padding_width: 2 stride_height: 2"):
        F.conv_transpose2d(x, w, stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match=r"calculated output size per channel \(-3, -2\) is too small"):
        F.conv_transpose2d(x, w, padding=4)
    with pytest.raises(TypeError, match="takes? no 'same'"):
        F.conv_transpose2d(x, w, padding="same")
    with pytest.raises(RuntimeError, match=r"expected 3D \(unbatched\) or 4D \(batched\) input"):
        nn.ConvTranspose2d(2, 3, 3)(nnstudio.zeros(2, 3))
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match=r"in_channels \(3\) must be divisible by groups \(2\)"):
        nn.ConvTranspose2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="kernel_size must be an int or a tuple of 2 ints"):
        nn.ConvTranspose2d(1, 1, (3, 3, 3))
