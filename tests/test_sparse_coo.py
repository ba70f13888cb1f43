"""COO sparse basics on dense storage, against torch 2.13: sparse_coo_tensor (duplicates summed), to_sparse,
is_sparse / layout, indices / values / coalesce / _nnz, torch.sparse.mm / spmm / sum / softmax, gradients to the
values, and the legacy torch.sparse.FloatTensor constructor (graph-network scripts)."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

IDX = np.array([[0, 1, 1, 2, 0], [2, 0, 2, 1, 2]])
VAL = np.array([3.0, 4.0, 5.0, -1.0, 0.5], dtype=np.float32)


def _both(idx=IDX, val=VAL, size=(3, 3), grad=False):
    vo = nnstudio.tensor(val, requires_grad=grad)
    vt = torch.tensor(val, requires_grad=grad)
    return (nnstudio.sparse_coo_tensor(nnstudio.tensor(idx), vo, size), vo), \
        (torch.sparse_coo_tensor(torch.tensor(idx), vt, size), vt)


def test_construction_and_views_match_torch():
    (so, _), (st, _) = _both()
    assert so.is_sparse and st.is_sparse and str(so.layout).split(".")[-1] == str(st.layout).split(".")[-1]
    np.testing.assert_allclose(so.to_dense().numpy(), st.to_dense().numpy())  # (0, 2) summed: 3 + 0.5
    ct = st.coalesce()
    np.testing.assert_array_equal(so.coalesce().indices().numpy(), ct.indices().numpy())
    np.testing.assert_allclose(so.coalesce().values().detach().numpy(), ct.values().numpy())
    assert so._nnz() == ct._nnz() and so.sparse_dim() == ct.sparse_dim() and so.dense_dim() == ct.dense_dim()
    assert tuple(so.shape) == tuple(st.shape)
    inferred_o = nnstudio.sparse_coo_tensor(nnstudio.tensor(IDX), nnstudio.tensor(VAL))
    inferred_t = torch.sparse_coo_tensor(torch.tensor(IDX), torch.tensor(VAL))
    assert tuple(inferred_o.shape) == tuple(inferred_t.shape)
    dense = np.array([[0.0, 2.0], [1.5, 0.0]], dtype=np.float32)
    do, dt = nnstudio.tensor(dense).to_sparse(), torch.tensor(dense).to_sparse()
    np.testing.assert_array_equal(do.indices().numpy(), dt.indices().numpy())
    np.testing.assert_allclose(do.values().numpy(), dt.values().numpy())
    assert not nnstudio.ones(2).is_sparse and str(nnstudio.ones(2).layout) == "nnstudio.strided"


def test_products_and_their_gradients_match_torch():
    (so, vo), (st, vt) = _both(grad=True)
    w = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    wo, wt = nnstudio.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    yo, yt = nnstudio.sparse.mm(so, wo), torch.sparse.mm(st, wt)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=1e-6)
    (yo * yo).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(wo.grad.numpy(), wt.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(vo.grad.numpy(), vt.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(nnstudio.spmm(so, wo).detach().numpy(), torch.spmm(st, wt).detach().numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(float(nnstudio.sparse.sum(so)), float(torch.sparse.sum(st)), rtol=1e-6)
    np.testing.assert_allclose(nnstudio.sparse.softmax(so, 1).to_dense().detach().numpy(),
                               torch.sparse.softmax(st, 1).to_dense().detach().numpy(), rtol=1e-6)


def test_legacy_constructor_and_errors():
    legacy = nnstudio.sparse.FloatTensor(nnstudio.tensor(IDX), nnstudio.tensor(VAL), nnstudio.Size([3, 3]))
    np.testing.assert_allclose(legacy.to_dense().numpy(), torch.sparse.FloatTensor(
        torch.tensor(IDX), torch.tensor(VAL), torch.Size([3, 3])).to_dense().numpy())
    with pytest.raises(RuntimeError, match="nnz"):
        nnstudio.sparse_coo_tensor(nnstudio.tensor(IDX), nnstudio.tensor(VAL[:3]), (3, 3))
    with pytest.raises(RuntimeError, match="inconsistent"):
        nnstudio.sparse_coo_tensor(nnstudio.tensor(IDX), nnstudio.tensor(VAL), (2, 3))
    with pytest.raises(RuntimeError, match="sparse"):
        nnstudio.ones(2).indices()


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("make", [
    lambda L: L.randn(4, 4).to_sparse(),
    lambda L: L.tensor([[0.0, 2.0], [3.0, 0.0]], dtype=L.float64).to_sparse(),
    lambda L: L.zeros(2, 3).to_sparse(),
    lambda L: L.tensor([0, 5, 0, 7]).to_sparse(),
    lambda L: L.tensor([[[0.0, 1.0], [2.0, 0.0]]]).to_sparse(),
    lambda L: L.sparse_coo_tensor(L.tensor([[0, 1], [1, 0]]), L.tensor([2.0, 3.0]), (2, 2)),
], ids=["randn", "float64", "all zeros", "int64 1-D", "3-D", "sparse_coo_tensor"])
def test_a_sparse_tensor_prints_as_torchs(make):
    """indices=tensor(...), values=tensor(...), then size, nnz, dtype and layout on a line of their own."""
    nnstudio.manual_seed(0)
    torch.manual_seed(0)
    assert repr(make(nnstudio)).replace("nnstudio", "torch") == repr(make(torch))
