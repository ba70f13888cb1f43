"""utils.data: TensorDataset, DataLoader (batch_size, shuffle with the library seed, drop_last), collate."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
from nnstudio.utils.data import DataLoader, Dataset, Subset, TensorDataset, random_split


def _data(n=10):
    return TensorDataset(nnstudio.arange(n).float().unsqueeze(1), nnstudio.arange(n))


def test_batches_in_order_with_a_short_last_batch():
    batches = list(DataLoader(_data(), batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert batches[0][1].tolist() == [0, 1, 2, 3]
    assert batches[0][0].shape == (4, 1) and batches[0][0].dtype == nnstudio.float32
    assert batches[0][1].dtype == nnstudio.int64
    assert len(DataLoader(_data(), batch_size=4)) == 3


def test_drop_last():
    loader = DataLoader(_data(), batch_size=4, drop_last=True)
    assert [len(b[1]) for b in loader] == [4, 4] and len(loader) == 2


def test_shuffle_is_a_seeded_permutation_each_epoch():
    loader = DataLoader(_data(), batch_size=3, shuffle=True)
    nnstudio.manual_seed(7)
    epoch1 = [i for _, y in loader for i in y.tolist()]
    epoch2 = [i for _, y in loader for i in y.tolist()]
    assert sorted(epoch1) == list(range(10)) and epoch1 != list(range(10))
    assert epoch1 != epoch2
    nnstudio.manual_seed(7)
    assert [i for _, y in loader for i in y.tolist()] == epoch1


def test_rows_stay_paired_after_shuffle():
    for x, y in DataLoader(_data(), batch_size=4, shuffle=True):
        np.testing.assert_array_equal(x.numpy()[:, 0], y.numpy())


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": nnstudio.tensor([float(i), float(i * i)]), "y": i}


def test_custom_dataset_and_default_collate():
    batches = list(DataLoader(Squares(), batch_size=2))
    assert batches[0]["x"].tolist() == [[0, 0], [1, 1]] and batches[0]["y"].tolist() == [0, 1]
    assert batches[0]["y"].dtype == nnstudio.int64 and len(batches) == 3
    raw = list(DataLoader(Squares(), batch_size=2, collate_fn=lambda b: b))
    assert isinstance(raw[0], list) and len(raw[0]) == 2


def test_subset_and_random_split():
    ds = _data()
    a, b = random_split(ds, [7, 3])
    assert len(a) == 7 and len(b) == 3
    all_idx = sorted([int(a[i][1]) for i in range(7)] + [int(b[i][1]) for i in range(3)])
    assert all_idx == list(range(10))
    assert int(Subset(ds, [4, 2])[1][1]) == 2
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [3, 3])


def test_errors():
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(nnstudio.ones(3), nnstudio.ones(4))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(_data(), batch_size=0)
