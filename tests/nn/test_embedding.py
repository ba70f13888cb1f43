"""Embedding and F.embedding against PyTorch 2.13: lookup, gradients with repeated indices, padding_idx,
max_norm, scale_grad_by_freq, from_pretrained; gradcheck of the lookup primitive."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_module_parity, copy_weights_from_torch

import nnstudio
import nnstudio.nn.functional as F
from nnstudio import nn

IDX = np.array([[1, 2, 4, 5], [4, 3, 2, 9], [0, 0, 1, 1]], dtype=np.int64)


@pytest.mark.parametrize("opts", [{}, {"padding_idx": 0}, {"padding_idx": -1}, {"scale_grad_by_freq": True},
                                  {"padding_idx": 1, "scale_grad_by_freq": True}],
                         ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_embedding_parity(opts, device):
    tm, nm = torch.nn.Embedding(10, 3, **opts), nn.Embedding(10, 3, **opts)
    check_module_parity(nm, tm, [IDX], device=device)
    assert repr(nm) == repr(tm)


def test_padding_row_starts_at_zero_and_gets_no_gradient():
    nm = nn.Embedding(6, 4, padding_idx=2)
    assert np.all(nm.weight.detach().numpy()[2] == 0)
    nm(nnstudio.tensor([[2, 2, 3]])).sum().backward()
    g = nm.weight.grad.numpy()
    assert np.all(g[2] == 0) and np.all(g[3] == 1)


def test_init_is_standard_normal():
    w = nn.Embedding(2000, 50).weight.detach().numpy()
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01


def test_max_norm_renormalises_rows_in_place():
    tm = torch.nn.Embedding(10, 3, max_norm=1.0)
    nm = nn.Embedding(10, 3, max_norm=1.0)
    copy_weights_from_torch(nm, tm)
    check_module_parity(nm, tm, [IDX], copy=False)
    np.testing.assert_allclose(nm.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert np.linalg.norm(nm.weight.detach().numpy()[IDX.reshape(-1)], axis=1).max() <= 1.0 + 1e-5


def test_from_pretrained_and_functional():
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    e = nn.Embedding.from_pretrained(nnstudio.tensor(table))
    assert not e.weight.requires_grad
    np.testing.assert_array_equal(e(nnstudio.tensor([3, 0])).numpy(), table[[3, 0]])
    e2 = nn.Embedding.from_pretrained(nnstudio.tensor(table), freeze=False)
    assert e2.weight.requires_grad
    out = F.embedding(nnstudio.tensor([[1], [2]]), nnstudio.tensor(table))
    assert out.shape == (2, 1, 3)


def test_errors():
    e = nn.Embedding(5, 2)
    with pytest.raises(IndexError, match=r"index 5 is out of range for an embedding table of 5 rows"):
        e(nnstudio.tensor([0, 5]))
    with pytest.raises(IndexError, match=r"index -1 is out of range"):
        e(nnstudio.tensor([-1]))
    with pytest.raises(RuntimeError, match=r"Embedding\(5, 2\): expected an integer \(int64\) index tensor"):
        e(nnstudio.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"padding_idx \(5\) must be within num_embeddings \(5\)"):
        nn.Embedding(5, 2, padding_idx=5)


def test_embedding_gradcheck(device):
    idx = nnstudio.tensor(IDX, device=device)
    gradcheck(lambda w: F.embedding(idx, w), [np.random.default_rng(0).standard_normal((10, 3))],
              device=device)
