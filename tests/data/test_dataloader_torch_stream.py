"""A DataLoader draws from the global random stream exactly where torch's does, whatever feeds it (no sampler,
a batch_sampler, shuffle), so a script's later draws stay torch's; pin_memory without a GPU warns as torch's."""

from __future__ import annotations

import warnings

import pytest
import torch

import nnstudio


def _draws_after_each_loader(lib) -> list:
    data = lib.utils.data
    lib.manual_seed(3)
    seen = []
    loaders = [
        data.DataLoader(list(range(5)), batch_size=2),
        data.DataLoader(list(range(5)), batch_sampler=data.BatchSampler(data.SequentialSampler(range(5)), 2, False)),
        data.DataLoader(list(range(5)), batch_size=2, shuffle=True),
        data.DataLoader(list(range(6)), sampler=data.RandomSampler(range(6)), batch_size=4),
    ]
    for loader in loaders:
        seen.append([b.tolist() if hasattr(b, "tolist") else b for b in loader])
        seen.append(lib.rand(1).item())
    return seen


def test_loaders_leave_the_global_stream_where_torch_does():
    assert _draws_after_each_loader(nnstudio) == _draws_after_each_loader(torch)


@pytest.mark.skipif(nnstudio.cuda.is_available(), reason="pinning is real on a GPU: no warning there")
def test_pin_memory_without_a_gpu_warns_like_torch():
    seen = []
    for lib in (nnstudio, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list(lib.utils.data.DataLoader(list(range(4)), batch_size=2, pin_memory=True))
        seen.append([str(w.message) for w in caught if "pin_memory" in str(w.message)])
    assert seen[0] == seen[1] and len(seen[0]) == 1
