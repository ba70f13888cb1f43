"""nn.utils.rnn: pad_sequence, pack_padded_sequence / pad_packed_sequence, pack_sequence and PackedSequence
against torch (values, packing layout, gradients, errors)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.utils import rnn as trnn

import nnstudio
from nnstudio.nn.utils import rnn as nrnn
from tests.helpers.gradcheck import gradcheck
from tests.helpers.parity import check_function_parity

rng = np.random.default_rng(4)
X = rng.standard_normal((5, 4, 3)).astype(np.float32)
SEQS = [rng.standard_normal((n, 2)).astype(np.float32) for n in (3, 5, 1)]


def _lib_rnn(lib):
    return nrnn if lib is nnstudio else trnn


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(batch_first, side):
    check_function_parity(lambda lib, *s: _lib_rnn(lib).pad_sequence(list(s), batch_first=batch_first,
                                                                      padding_value=-1.0, padding_side=side), SEQS)


@pytest.mark.parametrize("lengths, enforce_sorted", [([5, 3, 3, 1], True), ([3, 5, 1, 3], False),
                                                     ([2, 2, 2, 2], True), ([1, 4, 2, 5], False)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_then_pad_matches_torch(lengths, enforce_sorted, batch_first):
    x = X.transpose(1, 0, 2).copy() if batch_first else X

    def fn(lib, t):
        r = _lib_rnn(lib)
        packed = r.pack_padded_sequence(t, lib.tensor(lengths), batch_first=batch_first,
                                        enforce_sorted=enforce_sorted)
        padded, lens = r.pad_packed_sequence(packed, batch_first=batch_first, padding_value=0.5, total_length=6)
        extra = [packed.sorted_indices, packed.unsorted_indices] if not enforce_sorted else []
        return [packed.data, packed.batch_sizes, padded, lens] + extra

    check_function_parity(fn, [x])
    gradcheck(lambda t: fn(nnstudio, t)[::2], [x])


def test_pack_sequence_and_unpack():
    def fn(lib, *s):
        r = _lib_rnn(lib)
        packed = r.pack_sequence(list(s), enforce_sorted=False)
        return [packed.data, packed.batch_sizes, *r.unpack_sequence(packed)]

    check_function_parity(fn, SEQS)


def test_packed_sequence_fields_and_to():
    p = nrnn.pack_padded_sequence(nnstudio.tensor(X), [5, 3, 3, 1])
    assert p.sorted_indices is None and p.unsorted_indices is None
    assert p.batch_sizes.dtype == nnstudio.int64 and p.batch_sizes.tolist() == [4, 3, 3, 1, 1]
    d = p.to(nnstudio.float64)
    assert isinstance(d, nrnn.PackedSequence) and d.data.dtype == nnstudio.float64 and not d.is_cuda
    data, batch_sizes, _, _ = p
    assert data is p.data and batch_sizes is p.batch_sizes


@pytest.mark.parametrize("call, kind", [
    ("r.pack_padded_sequence(x, [2, 3, 1, 1])", RuntimeError),
    ("r.pack_padded_sequence(x, [2, 0, 1, 1], enforce_sorted=False)", RuntimeError),
    ("r.pad_packed_sequence(r.pack_padded_sequence(x, [3, 2, 1, 1]), total_length=2)", ValueError),
    ("r.pad_sequence([lib.zeros(2, 3), lib.zeros(2, 4)])", RuntimeError),
])
def test_errors_as_torch(call, kind):
    for lib in (torch, nnstudio):
        with pytest.raises(kind):
            eval(call, {"r": _lib_rnn(lib), "lib": lib, "x": lib.tensor(X)})  # noqa: S307


def test_error_messages():
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        nrnn.pack_padded_sequence(nnstudio.tensor(X), [2, 3, 1, 1])
    with pytest.raises(RuntimeError, match="exceeds the padded sequence length 5"):
        nrnn.pack_padded_sequence(nnstudio.tensor(X), [6, 3, 1, 1])
    with pytest.raises(RuntimeError, match="expected 4 lengths"):
        nrnn.pack_padded_sequence(nnstudio.tensor(X), [3, 1])
