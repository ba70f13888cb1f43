"""Every loss and every option against torch: values and input gradients (float32 and float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(0)


def _t(x, lib, device="cpu"):
    if x is None or not isinstance(x, np.ndarray):
        return x
    return nnstudio.tensor(x, device=device) if lib is nnstudio else torch.tensor(x)


def check_loss(name, inputs, kwargs=None, rtol=1e-5, atol=1e-6, dtype=np.float32, device="cpu"):
    """inputs: (input, target); kwargs may hold NumPy arrays (weight, pos_weight)."""
    kwargs = kwargs or {}
    x, y = inputs
    x = x.astype(dtype)
    if y.dtype.kind == "f":
        y = y.astype(dtype)
    kw = {k: (v.astype(dtype) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    ours = getattr(nn, name)(**{k: _t(v, nnstudio, device) for k, v in kw.items()})
    theirs = getattr(torch.nn, name)(**{k: _t(v, torch) for k, v in kw.items()})
    nx, tx = nnstudio.tensor(x, requires_grad=True, device=device), torch.tensor(x, requires_grad=True)
    out, tout = ours(nx, _t(y, nnstudio, device)), theirs(tx, _t(y, torch))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=rtol, atol=atol,
                               err_msg=f"{name} value")
    g = rng.standard_normal(tuple(tout.shape)).astype(dtype)
    out.backward(nnstudio.tensor(g, device=device))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(nx.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"{name} grad")


REDUCTIONS = ["mean", "sum", "none"]
logits = rng.standard_normal((6, 4)) * 2
labels = rng.integers(0, 4, 6)
labels_ignored = labels.copy()
labels_ignored[[1, 4]] = 2  # ignore_index=2 drops these and every other 2
logits_nd = rng.standard_normal((3, 4, 2, 5))
labels_nd = rng.integers(0, 4, (3, 2, 5))
probs_target = np.abs(rng.standard_normal((6, 4)))
probs_target /= probs_target.sum(1, keepdims=True)
class_w = np.array([0.2, 1.0, 2.5, 0.7])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, class_w])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("ignore", [-100, 2])
def test_cross_entropy_class_indices(reduction, weight, smoothing, ignore):
    check_loss("CrossEntropyLoss", (logits, labels_ignored),
               dict(weight=weight, reduction=reduction, label_smoothing=smoothing, ignore_index=ignore))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, class_w])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_nd_class_dim_1(reduction, weight, smoothing):
    check_loss("CrossEntropyLoss", (logits_nd, labels_nd),
               dict(weight=weight, reduction=reduction, label_smoothing=smoothing, ignore_index=1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, class_w])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_probability_targets(reduction, weight, smoothing):
    check_loss("CrossEntropyLoss", (logits, probs_target),
               dict(weight=weight, reduction=reduction, label_smoothing=smoothing))


def test_cross_entropy_probability_targets_nd():
    t = np.abs(rng.standard_normal(logits_nd.shape))
    t /= t.sum(1, keepdims=True)
    check_loss("CrossEntropyLoss", (logits_nd, t), dict(weight=class_w))


def test_cross_entropy_unbatched_and_float64():
    check_loss("CrossEntropyLoss", (logits[0], np.array(2)), {})
    check_loss("CrossEntropyLoss", (logits, labels), dict(weight=class_w, label_smoothing=0.1), dtype=np.float64,
               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, class_w])
def test_nll_loss(reduction, weight):
    logp = torch.log_softmax(torch.tensor(logits), 1).numpy()
    check_loss("NLLLoss", (logp, labels_ignored), dict(weight=weight, reduction=reduction, ignore_index=2))
    logp_nd = torch.log_softmax(torch.tensor(logits_nd), 1).numpy()
    check_loss("NLLLoss", (logp_nd, labels_nd), dict(weight=weight, reduction=reduction))


a = rng.standard_normal((5, 3)) * 2
b = rng.standard_normal((5, 3)) * 2


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["MSELoss", "L1Loss"])
def test_regression_losses(name, reduction):
    check_loss(name, (a, b), dict(reduction=reduction))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [1.0, 0.5, 0.0])
def test_smooth_l1(reduction, beta):
    check_loss("SmoothL1Loss", (a, b), dict(reduction=reduction, beta=beta))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [1.0, 0.7, 2.5])
def test_huber(reduction, delta):
    check_loss("HuberLoss", (a, b), dict(reduction=reduction, delta=delta))


p = 1 / (1 + np.exp(-a))
y01 = (rng.random((5, 3)) > 0.5).astype(np.float64)
soft_y = rng.random((5, 3))
elem_w = rng.random((5, 3)) + 0.5
col_w = np.array([0.5, 2.0, 1.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, elem_w, col_w])
def test_bce(reduction, weight):
    check_loss("BCELoss", (p, y01), dict(weight=weight, reduction=reduction))
    check_loss("BCELoss", (p, soft_y), dict(weight=weight, reduction=reduction))


def test_bce_saturated_probabilities_are_clamped_like_torch():
    check_loss("BCELoss", (np.array([0.0, 1.0, 0.5, 1.0]), np.array([1.0, 0.0, 1.0, 1.0])), {})


def test_bce_rejects_values_outside_0_1():
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        nn.BCELoss()(nnstudio.tensor([1.5]), nnstudio.tensor([1.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, elem_w, col_w])
@pytest.mark.parametrize("pos_weight", [None, np.array([3.0, 0.5, 1.0])])
def test_bce_with_logits(reduction, weight, pos_weight):
    check_loss("BCEWithLogitsLoss", (a * 10, soft_y), dict(weight=weight, reduction=reduction,
                                                           pos_weight=pos_weight))


def test_bce_with_logits_extreme_logits_are_finite():
    check_loss("BCEWithLogitsLoss", (np.array([-200.0, 200.0, 50.0]), np.array([1.0, 0.0, 1.0])),
               dict(pos_weight=np.array([2.0, 2.0, 2.0])))


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", ["mean", "sum", "batchmean", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    logp = torch.log_softmax(torch.tensor(logits), 1).numpy()
    target = np.log(probs_target) if log_target else probs_target
    check_loss("KLDivLoss", (logp, target), dict(reduction=reduction, log_target=log_target))


def test_loss_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"expected target of shape \(6,\)"):
        nn.CrossEntropyLoss()(nnstudio.tensor(logits), nnstudio.tensor(labels[:3]))
    with pytest.raises(IndexError, match="target value 7 is out of bounds for 4 classes"):
        nn.CrossEntropyLoss()(nnstudio.tensor(logits), nnstudio.tensor([7, 0, 0, 0, 0, 0]))
    with pytest.raises(RuntimeError, match="int64"):
        nn.NLLLoss()(nnstudio.tensor(logits), nnstudio.tensor(labels.astype(np.float32)))
    with pytest.raises(RuntimeError, match=r"target's shape \(5, 2\) does not broadcast with the input's \(5, 3\)"):
        nn.MSELoss()(nnstudio.tensor(a), nnstudio.tensor(b[:, :2]))
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")


def test_loss_weights_are_buffers():
    m = nn.CrossEntropyLoss(weight=nnstudio.tensor(class_w))
    assert list(m.state_dict()) == list(torch.nn.CrossEntropyLoss(weight=torch.tensor(class_w)).state_dict())
    m2 = nn.BCEWithLogitsLoss(pos_weight=nnstudio.ones(3))
    assert list(m2.state_dict()) == list(torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(3)).state_dict())


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_losses_on_each_device(device, reduction):
    """The losses the studio offers, on the CPU and on CUDA, against torch: values and input gradients."""
    check_loss("CrossEntropyLoss", (logits, labels), dict(weight=class_w, reduction=reduction), device=device)
    check_loss("NLLLoss", (torch.log_softmax(torch.tensor(logits), 1).numpy(), labels),
               dict(reduction=reduction), device=device)
    check_loss("MSELoss", (a, b), dict(reduction=reduction), device=device)
    check_loss("BCEWithLogitsLoss", (a * 10, soft_y), dict(reduction=reduction), device=device)
    check_loss("BCELoss", (1 / (1 + np.exp(-a)), soft_y), dict(reduction=reduction), device=device)


def test_out_of_range_target_is_reported_on_each_device(device):
    """CPU: at the loss, naming the value. CUDA: at the next read-out (the step never waits for the GPU),
    like torch's device-side assert; the queue is empty afterwards."""
    x = nnstudio.tensor(logits, device=device)
    bad = nnstudio.tensor([7, 0, 0, 0, 0, 0], device=device)
    if device == "cpu":
        with pytest.raises(IndexError, match="target value 7 is out of bounds for 4 classes"):
            nn.CrossEntropyLoss()(x, bad)
        return
    loss = nn.CrossEntropyLoss()(x, bad)
    with pytest.raises(IndexError, match="out of bounds for 4 classes"):
        loss.item()
    good = nn.CrossEntropyLoss()(x, nnstudio.tensor(labels, device=device))
    assert np.isfinite(good.item())


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_losses_broadcast_a_mismatched_target_as_torch(name):
    """The classic (N, 1) output against an (N,) target: torch warns and broadcasts to (N, N); the loss and
    the gradient are torch's."""
    out, target = rng.standard_normal((5, 1)).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    results = []
    for lib in (torch, nnstudio):
        x = lib.tensor(out, requires_grad=True)
        with pytest.warns(UserWarning, match="different to the input size"):
            loss = getattr(lib.nn.functional, name)(x, lib.tensor(target))
        loss.backward()
        results.append((loss.item(), x.grad.numpy().copy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_elementwise_weight_of_regression_losses(name, reduction):
    """torch 2.13's `weight=` (mse and l1 divide the 'mean' by the weights' sum, huber by the count)."""
    x, y = rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3))
    w = np.abs(rng.standard_normal((4, 3)))
    results = []
    for lib in (torch, nnstudio):
        xt = lib.tensor(x.astype(np.float32), requires_grad=True)
        loss = getattr(lib.nn.functional, name)(xt, lib.tensor(y.astype(np.float32)), reduction=reduction,
                                                weight=lib.tensor(w.astype(np.float32)))
        loss.sum().backward()
        results.append((loss.detach().numpy(), xt.grad.numpy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        getattr(nnstudio.nn.functional, name)(nnstudio.ones(4, 3), nnstudio.ones(4, 3), weight=nnstudio.ones(3))
