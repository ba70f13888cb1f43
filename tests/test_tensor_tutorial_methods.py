"""Tensor methods tutorials use beyond the core (sort, topk, gather, tril, nonzero, round, out=, Generator...),
against torch: values, dtypes and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio

X = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)


def _both(fn, arr=X, grad=True):
    """fn applied to an nnstudio and a torch leaf; outputs (first when a tuple) and gradients compared."""
    a, b = nnstudio.tensor(arr, requires_grad=grad), torch.tensor(arr, requires_grad=grad)
    ra, rb = fn(a, nnstudio), fn(b, torch)
    ra0, rb0 = (ra[0], rb[0]) if isinstance(ra, tuple) else (ra, rb)
    np.testing.assert_allclose(ra0.detach().numpy(), rb0.detach().numpy(), rtol=1e-6)
    assert str(ra0.dtype).split(".")[1] == str(rb0.dtype).split(".")[1]
    if grad and rb0.requires_grad:
        w = np.random.default_rng(1).standard_normal(tuple(rb0.shape)).astype(np.float32)
        (ra0 * nnstudio.tensor(w)).sum().backward()
        (rb0 * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-7)
    return ra, rb


@pytest.mark.parametrize("name,fn", [
    ("sort", lambda t, L: t.sort(dim=1)),
    ("sort_desc", lambda t, L: L.sort(t, 0, descending=True)),
    ("sort_indices", lambda t, L: (t.sort(1, descending=True).indices,)),
    ("argsort", lambda t, L: t.argsort(dim=1)),
    ("topk", lambda t, L: t.topk(2)),
    ("topk_indices", lambda t, L: (L.topk(t, 2, dim=0, largest=False).indices,)),
    ("gather", lambda t, L: t.gather(1, L.tensor([[0, 0], [4, 1], [2, 3]]))),
    ("index_select", lambda t, L: t.index_select(1, L.tensor([4, 0, 0]))),
    ("masked_select", lambda t, L: t.masked_select(t > 0)),
    ("tril", lambda t, L: t.tril()),
    ("triu_k", lambda t, L: L.triu(t, diagonal=1)),
    ("outer", lambda t, L: L.outer(t[0], t[1])),
    ("roll", lambda t, L: t.roll(2, 1)),
    ("roll_flat", lambda t, L: L.roll(t, 4)),
    ("repeat_interleave", lambda t, L: t.repeat_interleave(2, dim=0)),
    ("tile", lambda t, L: t.tile((2,))),
    ("movedim", lambda t, L: t.unsqueeze(0).movedim(0, 2)),
    ("clamp_min", lambda t, L: t.clamp_min(0.1)),
    ("round", lambda t, L: t.round()),
    ("round_decimals", lambda t, L: t.round(decimals=2)),
    ("floor", lambda t, L: L.floor(t)),
    ("ceil", lambda t, L: t.ceil()),
    ("trunc", lambda t, L: t.trunc()),
    ("nonzero", lambda t, L: (t > 0).nonzero()),
    ("isclose", lambda t, L: L.isclose(t, t + 1e-7)),
    ("count_nonzero", lambda t, L: (t > 0).count_nonzero()),
])
def test_matches_torch(name, fn):
    _both(fn)


def test_is_contiguous_and_stride():
    a, b = nnstudio.tensor(X), torch.tensor(X)
    for f in (lambda t: t, lambda t: t.t(), lambda t: t.t().contiguous(), lambda t: t[:, 1:3]):
        assert f(a).is_contiguous() == f(b).is_contiguous()
        assert f(a).stride() == f(b).stride()


def test_unique_and_bincount():
    v = np.array([3, 1, 3, 0, 1, 3])
    ua, ia, ca = nnstudio.tensor(v).unique(return_inverse=True, return_counts=True)
    ub, ib, cb = torch.tensor(v).unique(return_inverse=True, return_counts=True)
    for x, y in ((ua, ub), (ia, ib), (ca, cb)):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    np.testing.assert_array_equal(nnstudio.tensor(v).bincount().numpy(), torch.tensor(v).bincount().numpy())


def test_out_argument():
    a = nnstudio.tensor(X)
    out = nnstudio.empty(3, 3)
    assert nnstudio.matmul(a, a.T, out=out) is out
    np.testing.assert_allclose(out.numpy(), X @ X.T, rtol=1e-6)
    nnstudio.mul(a, 2, out=a.clone())
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        nnstudio.mul(nnstudio.tensor(X, requires_grad=True), 2, out=nnstudio.empty(3, 5))


def test_generator_makes_random_split_and_shuffle_reproducible():
    ds = nnstudio.utils.data.TensorDataset(nnstudio.arange(20))
    s1 = nnstudio.utils.data.random_split(ds, [15, 5], generator=nnstudio.Generator().manual_seed(42))
    nnstudio.manual_seed(123)
    s2 = nnstudio.utils.data.random_split(ds, [15, 5], generator=nnstudio.Generator().manual_seed(42))
    assert s1[0].indices == s2[0].indices and sorted(s1[0].indices + s1[1].indices) == list(range(20))
    g = nnstudio.Generator().manual_seed(7)
    assert nnstudio.Generator().manual_seed(7).initial_seed() == g.initial_seed() == 7
    r1 = nnstudio.randn(3, generator=nnstudio.Generator().manual_seed(1))
    r2 = nnstudio.randn(3, generator=nnstudio.Generator().manual_seed(1))
    assert nnstudio.equal(r1, r2)
    order = [b[0].tolist() for b in nnstudio.utils.data.DataLoader(ds, batch_size=20, shuffle=True,
                                                                   generator=nnstudio.Generator().manual_seed(3))]
    again = [b[0].tolist() for b in nnstudio.utils.data.DataLoader(ds, batch_size=20, shuffle=True,
                                                                   generator=nnstudio.Generator().manual_seed(3))]
    assert order == again and sorted(order[0]) == list(range(20))
    with pytest.raises(TypeError):
        nnstudio.randperm(4, generator=np.random.default_rng(0))


def test_errors_match_torch_kinds():
    a = nnstudio.tensor(X)
    with pytest.raises(IndexError):
        a.sort(dim=3)
    with pytest.raises(RuntimeError):
        a.topk(9)
    with pytest.raises(RuntimeError):
        a.gather(1, nnstudio.tensor([[0.5]]))
    with pytest.raises(RuntimeError):
        nnstudio.tensor([1.0, 2.0]).tril()


def test_zero_dim_grad_stays_an_array_after_accumulation():
    c = nnstudio.tensor(0.3, requires_grad=True)
    for _ in range(2):
        (c * 2).backward()
    c.grad.zero_()  # was a NumPy scalar after the second accumulation
    assert c.grad.item() == 0.0
