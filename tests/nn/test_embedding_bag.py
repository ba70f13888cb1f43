"""EmbeddingBag and F.embedding_bag against PyTorch 2.13: sum / mean / max bags from offsets or 2-D input,
include_last_offset, empty bags, padding_idx, per_sample_weights, scale_grad_by_freq, max_norm, reprs, errors;
values and gradients (weight and per-sample weights), and a float64 gradcheck of the primitive."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_module_parity

import nnstudio
import nnstudio.nn.functional as F
from nnstudio import nn

FLAT = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 0, 1], dtype=np.int64)
OFFSETS = np.array([0, 2, 2, 7], dtype=np.int64)  # the second bag is empty
ROWS = np.array([[1, 2, 4], [4, 3, 4], [0, 0, 1]], dtype=np.int64)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("opts", [{}, {"padding_idx": 4}, {"include_last_offset": True}],
                         ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_module_parity_with_offsets(mode, opts, device):
    tm, nm = torch.nn.EmbeddingBag(10, 3, mode=mode, **opts), nn.EmbeddingBag(10, 3, mode=mode, **opts)
    # include_last_offset: the closing offset is the input's length, as torch documents it
    offsets = np.append(OFFSETS, FLAT.size) if opts.get("include_last_offset") else OFFSETS
    check_module_parity(nm, tm, [FLAT, offsets], device=device)
    assert repr(nm) == repr(tm)


def test_positions_after_the_closing_offset_are_left_out():
    """torch (CPU) is inconsistent there (sum stops at the offset, mean divides by the rest of the input, max
    reads on to the end); nnstudio leaves those positions out of every mode."""
    w = nnstudio.randn(10, 3)
    idx, off = nnstudio.tensor(FLAT), nnstudio.tensor(OFFSETS)
    for mode in ("sum", "mean", "max"):
        got = F.embedding_bag(idx, w, off, mode=mode, include_last_offset=True)
        want = F.embedding_bag(idx[:7], w, off[:-1], mode=mode)
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_module_parity_with_2d_input(mode, device):
    tm, nm = torch.nn.EmbeddingBag(10, 4, mode=mode), nn.EmbeddingBag(10, 4, mode=mode)
    check_module_parity(nm, tm, [ROWS], device=device)


def test_scale_grad_by_freq_and_max_norm_parity(device):
    """Every row occurs twice: torch's CPU backward scales the i-th distinct row by the count of the i-th
    *sorted index* (not of that row), which agrees with the documented rule only when the counts are equal."""
    kw = {"mode": "sum", "scale_grad_by_freq": True, "max_norm": 1.0, "norm_type": 1.5}
    tm, nm = torch.nn.EmbeddingBag(10, 3, **kw), nn.EmbeddingBag(10, 3, **kw)
    twice = np.array([3, 1, 7, 3, 1, 7, 2, 2], dtype=np.int64)
    check_module_parity(nm, tm, [twice, np.array([0, 3, 5], dtype=np.int64)], device=device)
    assert repr(nm) == repr(tm)
    assert np.allclose(nm.weight.detach().cpu().numpy(), tm.weight.detach().numpy(), atol=1e-6)  # renormed alike


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_scale_grad_by_freq_divides_each_row_by_its_count(mode):
    """The documented rule (as F.embedding applies it) for uneven counts: the gradient of a bag reduction
    over F.embedding with scale_grad_by_freq."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((10, 3)).astype(np.float32)
    g = rng.standard_normal((3, 3)).astype(np.float32)
    a = nnstudio.tensor(w, requires_grad=True)
    (F.embedding_bag(nnstudio.tensor(FLAT), a, nnstudio.tensor(OFFSETS), mode=mode, scale_grad_by_freq=True)
     * nnstudio.tensor(np.insert(g, 1, 0.0, axis=0))).sum().backward()
    b = nnstudio.tensor(w, requires_grad=True)
    rows = F.embedding(nnstudio.tensor(FLAT), b, scale_grad_by_freq=True)
    bags = [rows[0:2], rows[2:7], rows[7:]]
    reduce = (lambda r: r.sum(0)) if mode == "sum" else (lambda r: r.mean(0))
    sum((reduce(r) * nnstudio.tensor(gi)).sum() for r, gi in zip(bags, g)).backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_per_sample_weights_values_and_gradients():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((10, 3)).astype(np.float32)
    psw = rng.standard_normal(FLAT.shape).astype(np.float32)
    out = {}
    for lib in (torch, nnstudio):
        wt = lib.tensor(w, requires_grad=True)
        pt = lib.tensor(psw, requires_grad=True)
        y = lib.nn.functional.embedding_bag(lib.tensor(FLAT), wt, lib.tensor(OFFSETS), mode="sum",
                                            per_sample_weights=pt, padding_idx=0)
        (y * lib.tensor(np.arange(12, dtype=np.float32).reshape(4, 3))).sum().backward()
        out[lib.__name__] = [y.detach().numpy(), wt.grad.numpy(), pt.grad.numpy()]
    for a, b in zip(out["nnstudio"], out["torch"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_max_mode_ties_send_the_gradient_to_the_first_position():
    w = np.array([[1.0, 5.0], [1.0, 2.0], [0.0, 5.0]], dtype=np.float32)
    idx, off = np.array([0, 1, 2, 2, 0], dtype=np.int64), np.array([0, 3], dtype=np.int64)
    grads = []
    for lib in (torch, nnstudio):
        wt = lib.tensor(w, requires_grad=True)
        lib.nn.functional.embedding_bag(lib.tensor(idx), wt, lib.tensor(off), mode="max").sum().backward()
        grads.append(wt.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradcheck(mode, device):
    rng = np.random.default_rng(1)
    idx, off = nnstudio.tensor(FLAT, device=device), nnstudio.tensor(OFFSETS, device=device)
    w = rng.standard_normal((10, 3))
    gradcheck(lambda wt: F.embedding_bag(idx, wt, off, mode=mode, padding_idx=4), [w], device=device)
    if mode == "sum":
        psw = rng.standard_normal(FLAT.shape)
        gradcheck(lambda wt, p: F.embedding_bag(idx, wt, off, mode="sum", per_sample_weights=p), [w, psw],
                  device=device)


def test_text_classification_pattern_trains_like_torch():
    """The tutorial's collate: cat of token ids, offsets from cumsum of lengths; one SGD step matches torch."""
    lengths = [3, 5, 2]
    rng = np.random.default_rng(2)
    tokens = rng.integers(0, 20, size=sum(lengths))
    table = rng.standard_normal((20, 4)).astype(np.float32)
    losses, weights = [], []
    for lib in (torch, nnstudio):
        bag = lib.nn.EmbeddingBag(20, 4, sparse=False)
        with lib.no_grad():
            bag.weight.copy_(lib.tensor(table))
        offsets = lib.tensor([0] + lengths[:-1]).cumsum(dim=0)
        opt = lib.optim.SGD(bag.parameters(), lr=0.5)
        loss = bag(lib.tensor(tokens), offsets).pow(2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        weights.append(bag.weight.detach().numpy())
    assert losses[1] == pytest.approx(losses[0], rel=1e-6)
    np.testing.assert_allclose(weights[1], weights[0], rtol=1e-5, atol=1e-6)


def test_from_pretrained_is_frozen_and_empty_input_gives_zero_bags():
    table = nnstudio.arange(12, dtype=nnstudio.float32).reshape(4, 3)
    bag = nn.EmbeddingBag.from_pretrained(table, mode="sum")
    assert not bag.weight.requires_grad
    out = bag(nnstudio.tensor([], dtype=nnstudio.int64), nnstudio.tensor([0, 0]))
    assert tuple(out.shape) == (2, 3) and float(out.abs().sum()) == 0.0
    assert repr(bag) == repr(torch.nn.EmbeddingBag.from_pretrained(torch.arange(12.0).reshape(4, 3), mode="sum"))


@pytest.mark.parametrize("call, match", [
    (lambda w: F.embedding_bag(nnstudio.tensor([1, 2]), w, nnstudio.tensor([1])), "offsets\\[0\\] has to be 0"),
    (lambda w: F.embedding_bag(nnstudio.tensor([1, 2]), w, nnstudio.tensor([0, 3])), "can not be greater"),
    (lambda w: F.embedding_bag(nnstudio.tensor([1, 2]), w), "offsets has to be a 1D Tensor"),
    (lambda w: F.embedding_bag(nnstudio.tensor([[1, 2]]), w, nnstudio.tensor([0])), "offsets has to be None"),
    (lambda w: F.embedding_bag(nnstudio.tensor([1, 7]), w, nnstudio.tensor([0])), "index 7 is out of range"),
    (lambda w: F.embedding_bag(nnstudio.tensor([1.0]), w, nnstudio.tensor([0])), "integer dtype"),
    (lambda w: F.embedding_bag(nnstudio.tensor([1]), w, nnstudio.tensor([0]), mode="median"), "one of sum"),
    (lambda w: F.embedding_bag(nnstudio.tensor([1]), w, nnstudio.tensor([0]), mode="mean",
                               per_sample_weights=nnstudio.ones(1)), "only supported for mode='sum'"),
    (lambda w: F.embedding_bag(nnstudio.tensor([1]), w, nnstudio.tensor([0]), mode="sum",
                               per_sample_weights=nnstudio.ones(2)), "same shape as the input"),
])
def test_errors_name_the_problem(call, match):
    with pytest.raises((RuntimeError, ValueError, IndexError, NotImplementedError), match=match):
        call(nnstudio.randn(5, 3))
