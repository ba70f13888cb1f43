"""hinge_embedding_loss, soft_margin_loss and multilabel_soft_margin_loss (and their modules) against torch 2.13:
values, input gradients and second derivatives for every reduction, dtype and option (margin, weight=), targets
torch accepts beyond the textbook ones (0 in a hinge target, broadcast targets), the points where the formulas
kink or overflow, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F

rng = np.random.default_rng(11)
REDUCTIONS = ["mean", "sum", "none"]


def _close(ours, theirs, dtype, loose=1):
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours, theirs, rtol=tol["rtol"] * loose, atol=tol["atol"] * loose)


def _compare(fn_name, x, target, dtype, module=None, grad_target=False, **kw):
    """Value, grad_fn name, input gradient and (for smooth losses) the second derivative, against torch."""
    outs = []
    for lib in (nnstudio, torch):
        xi = lib.tensor(x.astype(dtype), requires_grad=True)
        ti = lib.tensor(target)
        if module is not None:
            name, margs = module
            k = {a: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for a, v in margs.items()}
            y = getattr(lib.nn, name)(**k)(xi, ti)
        else:
            k = {a: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for a, v in kw.items()}
            y = getattr(lib.nn.functional, fn_name)(xi, ti, **k)
        seeded = np.random.default_rng(0)  # the same output gradient for both
        g = lib.tensor(seeded.standard_normal(tuple(y.shape)).astype(y.detach().numpy().dtype)) if y.ndim else None
        (gx,) = lib.autograd.grad(y, xi, g, create_graph=True)
        second = None
        if gx.requires_grad:
            (second,) = lib.autograd.grad((gx * gx).sum(), xi)
        outs.append((y.detach().numpy(), str(y.dtype).split(".")[-1], repr(y).split("grad_fn=")[-1],
                     gx.detach().numpy(), None if second is None else second.numpy()))
    (y, dt, name, gx, second), (ty, tdt, tname, tgx, tsecond) = outs
    assert dt == tdt and y.shape == ty.shape and name == tname
    _close(y, ty, dtype)
    _close(gx, tgx, dtype)
    if tsecond is not None:
        _close(second, tsecond, dtype, loose=20)  # float32: a product of two rounded gradients


def _points(shape, special):
    x = rng.standard_normal(shape) * 2
    flat = x.reshape(-1)
    flat[:len(special)] = special
    return x


HINGE_TARGETS = {
    "pm1 int": lambda s: rng.choice([-1, 1], s),
    "pm1 float": lambda s: rng.choice([-1.0, 1.0], s).astype(np.float32),
    "with 0 and 2": lambda s: rng.choice([-1, 0, 1, 2], s),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.5, 0.0, -1.0, 2])
@pytest.mark.parametrize("target", sorted(HINGE_TARGETS))
def test_hinge_embedding_loss_as_torch(target, margin, reduction, dtype):
    # x == margin for a -1 target sits on the kink: torch's clamp_min passes the gradient there
    x = _points((4, 5), [margin, margin, 0.0, -margin, 1.0, -1.0])
    t = HINGE_TARGETS[target]((4, 5))
    t.reshape(-1)[:2] = -1
    _compare("hinge_embedding_loss", x, t, dtype, margin=margin, reduction=reduction)
    _compare(None, x, t, dtype, module=("HingeEmbeddingLoss", dict(margin=margin, reduction=reduction)))


def test_hinge_embedding_loss_broadcasts_and_keeps_the_input_dtype_as_torch():
    x = rng.standard_normal(5)
    _compare("hinge_embedding_loss", x, rng.choice([-1.0, 1.0], (3, 5)), np.float32, reduction="none")
    _compare("hinge_embedding_loss", x, rng.choice([-1.0, 1.0], (3, 5)), np.float32, reduction="mean")
    for xd, td in ((np.float32, np.float64), (np.float64, np.float32)):
        ours = F.hinge_embedding_loss(nnstudio.tensor(x.astype(xd)), nnstudio.tensor(np.ones(5, td)))
        theirs = torch.nn.functional.hinge_embedding_loss(torch.tensor(x.astype(xd)), torch.tensor(np.ones(5, td)))
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    xi, ti = np.array([1, 2, 3]), np.array([1, -1, -1])
    ours = F.hinge_embedding_loss(nnstudio.tensor(xi), nnstudio.tensor(ti), reduction="none")
    theirs = torch.nn.functional.hinge_embedding_loss(torch.tensor(xi), torch.tensor(ti), reduction="none")
    assert ours.tolist() == theirs.tolist() and str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]


SOFT_TARGETS = {"pm1": lambda s: rng.choice([-1.0, 1.0], s), "real": lambda s: rng.standard_normal(s),
                "int": lambda s: rng.choice([-1, 1], s)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target", sorted(SOFT_TARGETS))
def test_soft_margin_loss_as_torch(target, reduction, dtype):
    x = _points((3, 6), [0.0, 30.0, -30.0])
    t = SOFT_TARGETS[target]((3, 6))
    _compare("soft_margin_loss", x, t, dtype, reduction=reduction)
    _compare(None, x, t, dtype, module=("SoftMarginLoss", dict(reduction=reduction)))
    # a target of fewer dims broadcasts to the input's shape
    _compare("soft_margin_loss", x, t[0], dtype, reduction=reduction)


def test_soft_margin_loss_overflow_is_torchs_inf_and_nan_gradient():
    a = np.array([-100.0, 100.0, 1.0], dtype=np.float32)
    y = np.array([1.0, -1.0, 1.0], dtype=np.float32)
    outs = []
    for lib in (nnstudio, torch):
        x = lib.tensor(a, requires_grad=True)
        loss = lib.nn.functional.soft_margin_loss(x, lib.tensor(y), reduction="none")
        loss.sum().backward()
        outs.append((loss.detach().numpy(), x.grad.numpy()))
    for ours, theirs in zip(outs[0], outs[1]):  # inf and NaN where torch has them; the finite value to an ulp
        np.testing.assert_array_equal(np.isinf(ours), np.isinf(theirs))
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
        np.testing.assert_allclose(ours, theirs, rtol=3e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, "float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 5)])
def test_multilabel_soft_margin_loss_as_torch(shape, weight, reduction, dtype):
    x = _points(shape, [0.0, 0.0, 40.0, -40.0])  # zero logits (a zero-initialised head): torch's 1/2 slope
    t = rng.integers(0, 2, shape).astype(np.float32)
    kw = {} if weight is None else dict(weight=rng.uniform(0.5, 2.0, shape[-1]).astype(weight))
    _compare("multilabel_soft_margin_loss", x, t, dtype, reduction=reduction, **kw)
    _compare(None, x, t, dtype, module=("MultiLabelSoftMarginLoss", dict(reduction=reduction, **kw)))


def test_multilabel_soft_margin_loss_targets_as_torch():
    x = rng.standard_normal((3, 4))
    _compare("multilabel_soft_margin_loss", x, np.array([1.0, 0.0, 1.0, 0.0]), np.float32)  # broadcast
    _compare("multilabel_soft_margin_loss", x, rng.integers(0, 2, (3, 4)), np.float32)  # integer labels
    _compare("multilabel_soft_margin_loss", x, rng.uniform(0, 1, (3, 4)), np.float64, reduction="none")


def test_logsigmoid_gradient_at_zero_is_torchs():
    a = np.array([0.0, -0.0, 1e-8, -1e-8, 20.0, -20.0, 100.0, -100.0], dtype=np.float32)
    grads = []
    for lib in (nnstudio, torch):
        x = lib.tensor(a, requires_grad=True)
        lib.nn.functional.logsigmoid(x).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def _error(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the kind is what is compared
        return type(e), str(e)
    return None, None


@pytest.mark.parametrize("case", [
    lambda lib: lib.nn.functional.hinge_embedding_loss(lib.zeros(3), lib.ones(3), reduction="avg"),
    lambda lib: lib.nn.functional.soft_margin_loss(lib.zeros(3), lib.ones(3), reduction="avg"),
    lambda lib: lib.nn.functional.multilabel_soft_margin_loss(lib.zeros(2, 3), lib.ones(2, 3), reduction="avg"),
    lambda lib: lib.nn.functional.soft_margin_loss(lib.zeros(3), lib.ones(2, 3)),
    lambda lib: lib.nn.functional.soft_margin_loss(lib.tensor([1, 2]), lib.tensor([1, -1])),
    lambda lib: lib.nn.functional.soft_margin_loss(lib.zeros(3, requires_grad=True), lib.ones(3, requires_grad=True)),
    lambda lib: lib.nn.functional.multilabel_soft_margin_loss(lib.zeros(2, 3), lib.zeros(2, 4)),
    lambda lib: lib.nn.functional.multilabel_soft_margin_loss(lib.tensor(0.5), lib.tensor(1.0)),
], ids=["hinge reduction", "soft reduction", "multilabel reduction", "soft target too big", "soft int input",
        "soft target grad", "multilabel shapes", "multilabel 0-d"])
def test_errors_are_torchs_kinds(case):
    ours, theirs = _error(lambda: case(nnstudio)), _error(lambda: case(torch))
    assert theirs[0] is not None and ours[0] is theirs[0], (ours, theirs)


def test_errors_with_torchs_words():
    for case in (lambda lib: lib.nn.functional.hinge_embedding_loss(lib.zeros(3), lib.ones(3), reduction="avg"),
                 lambda lib: lib.nn.functional.soft_margin_loss(lib.zeros(3, requires_grad=True),
                                                                lib.ones(3, requires_grad=True)),
                 lambda lib: lib.nn.functional.multilabel_soft_margin_loss(lib.zeros(2, 3), lib.ones(2, 3),
                                                                           reduction="avg")):
        assert _error(lambda c=case: c(nnstudio))[1] == _error(lambda c=case: c(torch))[1]


def test_modules_as_torch():
    w = np.array([1.0, 2.0, 0.5], dtype=np.float32)
    pairs = [(nn.HingeEmbeddingLoss(margin=0.3, reduction="sum"), torch.nn.HingeEmbeddingLoss(margin=0.3,
                                                                                              reduction="sum")),
             (nn.SoftMarginLoss(size_average=False), torch.nn.SoftMarginLoss(size_average=False)),
             (nn.MultiLabelSoftMarginLoss(weight=nnstudio.tensor(w)),
              torch.nn.MultiLabelSoftMarginLoss(weight=torch.tensor(w)))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs) and ours.reduction == theirs.reduction
        assert list(ours.state_dict()) == list(theirs.state_dict())
    assert nn.HingeEmbeddingLoss().margin == torch.nn.HingeEmbeddingLoss().margin
