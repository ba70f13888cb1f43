"""Samplers against torch 2.13: RandomSampler / SubsetRandomSampler with a seeded Generator give torch's
orders epoch after epoch (also through a DataLoader, batch by batch), SequentialSampler, BatchSampler
(drop_last), RandomSampler with replacement and num_samples, the DataLoader taking sampler indices lazily,
and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import nnstudio
import nnstudio.utils.data as ndata


def _orders(lib, data, make, epochs=3):
    sampler = make(lib, data)
    return [list(sampler) for _ in range(epochs)]


@pytest.mark.parametrize("n", [1, 7, 32])
def test_random_sampler_with_a_generator_is_torchs(n):
    def make(lib, data):
        return lib.utils.data.RandomSampler(data, generator=lib.Generator().manual_seed(5))
    assert _orders(nnstudio, range(n), make) == _orders(torch, range(n), make)


def test_random_sampler_num_samples_beyond_the_length_is_torchs():
    def make(lib, data):
        return lib.utils.data.RandomSampler(data, num_samples=11, generator=lib.Generator().manual_seed(1))
    assert _orders(nnstudio, range(4), make) == _orders(torch, range(4), make)


def test_subset_random_sampler_is_torchs():
    def make(lib, data):
        return lib.utils.data.SubsetRandomSampler([3, 9, 4, 12, 0], generator=lib.Generator().manual_seed(2))
    assert _orders(nnstudio, None, make) == _orders(torch, None, make)


def test_sequential_and_batch_samplers_match_torch():
    for drop_last in (False, True):
        ours = list(ndata.BatchSampler(ndata.SequentialSampler(range(10)), batch_size=3, drop_last=drop_last))
        theirs = list(tdata.BatchSampler(tdata.SequentialSampler(range(10)), batch_size=3, drop_last=drop_last))
        assert ours == theirs
        assert len(ndata.BatchSampler(range(10), 3, drop_last)) == len(tdata.BatchSampler(range(10), 3, drop_last))
    assert len(ndata.SequentialSampler(range(4))) == 4


def test_replacement_draws_num_samples_indices_in_range():
    s = ndata.RandomSampler(range(5), replacement=True, num_samples=70, generator=nnstudio.Generator().manual_seed(0))
    got = list(s)
    assert len(got) == len(s) == 70 and set(got) <= set(range(5)) and len(set(got)) > 1


@pytest.mark.parametrize("drop_last", [False, True])
def test_dataloader_with_a_random_sampler_batches_as_torch(drop_last):
    x = np.arange(22 * 2, dtype=np.int64).reshape(22, 2)

    def batches(lib):
        data = lib.utils.data.TensorDataset(lib.tensor(x))
        sampler = lib.utils.data.RandomSampler(data, generator=lib.Generator().manual_seed(3))
        loader = lib.utils.data.DataLoader(data, sampler=sampler, batch_size=5, drop_last=drop_last)
        first = next(iter(loader))[0].tolist()  # a partial pass: the next one must still follow torch
        return [first] + [[b[0].tolist() for b in loader] for _ in range(2)]

    assert batches(nnstudio) == batches(torch)


def test_dataloader_takes_sampler_indices_only_as_batches_are_asked_for():
    seen = []

    class Recording(ndata.Sampler):
        def __iter__(self):
            for i in range(6):
                seen.append(i)
                yield i

    loader = ndata.DataLoader(ndata.TensorDataset(nnstudio.arange(6)), sampler=Recording(), batch_size=2)
    next(iter(loader))
    assert seen == [0, 1]


@pytest.mark.parametrize("call, error, match", [
    (lambda: ndata.RandomSampler(range(3), replacement=1), TypeError, "replacement should be a boolean"),
    (lambda: ndata.RandomSampler(range(3), num_samples=0), ValueError, "num_samples should be a positive"),
    (lambda: ndata.RandomSampler([]), ValueError, "num_samples should be a positive"),
    (lambda: ndata.BatchSampler(range(3), 0, False), ValueError, "batch_size should be a positive"),
    (lambda: ndata.BatchSampler(range(3), 2, None), ValueError, "drop_last should be a boolean"),
    (lambda: list(ndata.Sampler()), NotImplementedError, "must implement __iter__"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_randint_takes_high_and_size_as_keywords():
    x = nnstudio.randint(high=3, size=(50,), generator=nnstudio.Generator().manual_seed(0))
    assert x.dtype == nnstudio.int64 and tuple(x.shape) == (50,) and 0 <= int(x.min()) and int(x.max()) < 3
