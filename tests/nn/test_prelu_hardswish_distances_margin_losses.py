"""PReLU, Hardswish, Hardsigmoid, LogSigmoid, CosineSimilarity, PairwiseDistance, TripletMarginLoss and
MultiLabelSoftMarginLoss: parity with PyTorch 2.13 (values, input and parameter gradients), float64 gradchecks,
torch's init / state_dict / repr, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_module_parity

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F


def _x(shape, seed=0, scale=3.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


# (class name, constructor args, kwargs, input shapes)
CASES = [
    ("PReLU", (), {}, [(4, 3, 5)]),
    ("PReLU", (3,), dict(init=0.1), [(4, 3, 5, 2)]),
    ("PReLU", (), {}, [(7,)]),
    ("Hardswish", (), {}, [(4, 6, 5)]),
    ("Hardsigmoid", (), {}, [(4, 6, 5)]),
    ("LogSigmoid", (), {}, [(4, 6)]),
    ("CosineSimilarity", (), {}, [(5, 8), (5, 8)]),
    ("CosineSimilarity", (), dict(dim=0, eps=1e-3), [(6, 3, 2), (6, 1, 2)]),  # broadcasting
    ("PairwiseDistance", (), {}, [(5, 8), (5, 8)]),
    ("PairwiseDistance", (), dict(p=1.0, keepdim=True), [(5, 8), (1, 8)]),
    ("PairwiseDistance", (), dict(p=3.0, eps=1e-3), [(8,), (8,)]),
    ("TripletMarginLoss", (), {}, [(6, 4), (6, 4), (6, 4)]),
    ("TripletMarginLoss", (), dict(margin=2.0, p=1.0, swap=True, reduction="none"), [(6, 4), (6, 4), (6, 4)]),
    ("TripletMarginLoss", (), dict(margin=0.5, reduction="sum"), [(4,), (4,), (4,)]),
    ("MultiLabelSoftMarginLoss", (), {}, [(5, 4), "target"]),
    ("MultiLabelSoftMarginLoss", (), dict(reduction="none"), [(5, 4), "target"]),
]


@pytest.mark.parametrize("name,args,kw,shapes", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_parity_with_torch(device, name, args, kw, shapes):
    inputs = [np.random.default_rng(9).integers(0, 2, (5, 4)).astype(np.float32) if s == "target" else _x(s, i)
              for i, s in enumerate(shapes)]
    grad_inputs = [not isinstance(s, str) for s in shapes]
    ours, ref = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(ref)
    check_module_parity(ours, ref, inputs, device=device, grad_inputs=grad_inputs, rtol=1e-4, atol=1e-5)


def test_multilabel_weight_buffer_matches_torch(device):
    w = np.array([0.5, 2.0, 1.0, 3.0], dtype=np.float32)
    ours, ref = nn.MultiLabelSoftMarginLoss(weight=nnstudio.tensor(w)), torch.nn.MultiLabelSoftMarginLoss(
        weight=torch.tensor(w))
    assert list(ours.state_dict()) == list(ref.state_dict()) == ["weight"]
    y = np.random.default_rng(1).integers(0, 2, (5, 4)).astype(np.float32)
    check_module_parity(ours, ref, [_x((5, 4)), y], grad_inputs=[True, False], device=device)


def test_prelu_state_dict_init_and_training():
    ours, ref = nn.PReLU(3, init=0.1), torch.nn.PReLU(3, init=0.1)
    assert list(ours.state_dict()) == ["weight"] and tuple(ours.weight.shape) == (3,)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), ref.weight.detach().numpy())
    assert ours.weight.requires_grad
    x = _x((4, 3, 2, 2), 3)
    check_module_parity(ours, ref, [x])  # the slope's gradient sums over batch and space per channel


@pytest.mark.parametrize("fn", [
    lambda x, w: F.prelu(x, w),
    lambda x, w: F.hardswish(x) * w.sum(),
    lambda x, w: F.hardsigmoid(x) * w.sum(),
    lambda x, w: F.logsigmoid(x) * w.sum(),
])
def test_gradcheck_activations(device, fn):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 2, 4)) * 3
    x[np.abs(np.abs(x) - 3) < 1e-3] += 0.01  # away from the kinks at +-3
    x[np.abs(x) < 1e-3] += 0.01
    gradcheck(fn, [x, rng.standard_normal(2)], device=device)


def test_gradcheck_distances(device):
    rng = np.random.default_rng(5)
    a, p, n = rng.standard_normal((4, 5)), rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    gradcheck(lambda a, b: F.cosine_similarity(a, b, dim=1), [a, p], device=device)
    gradcheck(lambda a, b: F.pairwise_distance(a, b, p=3.0), [a, p], device=device)
    gradcheck(lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0, swap=True), [a, p, n], device=device)
    gradcheck(lambda x, y: F.multilabel_soft_margin_loss(x, y), [a, rng.integers(0, 2, (4, 5))], nondiff=[1],
              device=device)


def test_inplace_hard_activations():
    x = nnstudio.tensor(_x((3, 4)))
    y = nn.Hardswish(inplace=True)(x)
    assert y is x or np.shares_memory(y.numpy(), x.numpy())
    np.testing.assert_allclose(x.numpy(), torch.nn.functional.hardswish(torch.tensor(_x((3, 4)))).numpy(),
                               rtol=1e-6, atol=1e-7)


def test_errors():
    with pytest.raises(RuntimeError, match=r"Found parameter numbers = 3 and channel size = 4.*input shape \(2, 4\)"):
        nn.PReLU(3)(nnstudio.zeros(2, 4))
    with pytest.raises(RuntimeError, match="channel size = 1"):
        nn.PReLU(3)(nnstudio.zeros(3))
    with pytest.raises(RuntimeError, match=r"same number of dimensions, but got: anchor 2D, positive 1D, and "
                                           r"negative 2D"):
        F.triplet_margin_loss(nnstudio.zeros(2, 3), nnstudio.zeros(3), nnstudio.zeros(2, 3))
    with pytest.raises(ValueError, match="expected margin to be greater than 0, got 0"):
        nn.TripletMarginLoss(margin=0)
    with pytest.raises(RuntimeError, match=r"shapes of x1 \(2, 3\) and x2 \(4, 3\) do not broadcast"):
        F.cosine_similarity(nnstudio.zeros(2, 3), nnstudio.zeros(4, 3))
    with pytest.raises(RuntimeError, match=r"target shape \(2, 4\) must match input shape \(2, 3\)"):
        F.multilabel_soft_margin_loss(nnstudio.zeros(2, 3), nnstudio.zeros(2, 4))


HARDSWISH_POINTS = np.array([-np.inf, -4.0, -3.0 - 1e-6, -3.0, -3.0 + 1e-6, -2.9, -1.5, -0.5, 0.0, 1e-7, 0.75, 2.0,
                             3.0 - 1e-6, 3.0, 3.0 + 1e-6, 3.5, 10.0, np.inf, np.nan])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_hardswish_values_and_gradient_are_torchs_at_every_point(dtype):
    """One primitive with torch's hardswish_backward: +0 for x <= -3, x / 3 + 1/2 inside, 1 for x >= 3, NaN at
    NaN. (torch's scalar loop, which runs only on the tail of a tensor that does not fill its vector registers,
    passes the gradient at NaN instead; the points sit first in 256 values, where torch runs vectorised.)"""
    rng = np.random.default_rng(2)
    a = np.concatenate([HARDSWISH_POINTS, rng.standard_normal(256 - HARDSWISH_POINTS.size) * 4]).astype(dtype)
    x, tx = nnstudio.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = F.hardswish(x), torch.nn.functional.hardswish(tx)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-7 if dtype == "float32" else 1e-15,
                               atol=0)
    assert repr(y).split("grad_fn=")[-1] == repr(ty).split("grad_fn=")[-1] == "<HardswishBackward0>)"
    g = rng.standard_normal(a.size).astype(dtype)
    y.backward(nnstudio.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-7 if dtype == "float32" else 1e-15, atol=0)
    assert (np.signbit(x.grad.numpy()) == np.signbit(tx.grad.numpy())).all()  # torch's zeros are +0
    m, tm = nn.Hardswish(), torch.nn.Hardswish()
    assert repr(m) == repr(tm)
    np.testing.assert_array_equal(m(nnstudio.tensor(a)).numpy(), F.hardswish(nnstudio.tensor(a)).numpy())


def test_hardswish_gradcheck_and_second_derivative_in_float64():
    from helpers.gradcheck import gradgradcheck

    x = np.array([-4.0, -2.9, -1.0, 0.0, 0.4, 1.7, 2.95, 3.5, 5.0])
    gradcheck(F.hardswish, [x])
    gradgradcheck(F.hardswish, [x])
    ours = nnstudio.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    (g,) = nnstudio.autograd.grad(F.hardswish(ours).sum(), ours, create_graph=True)
    (tg,) = torch.autograd.grad(torch.nn.functional.hardswish(theirs).sum(), theirs, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), rtol=1e-15)
    g.sum().backward()
    tg.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-15)
