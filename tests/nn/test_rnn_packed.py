"""RNN / LSTM / GRU on PackedSequence input against torch: packed output, h_n (and c_n) at each sequence's true
last step (the reverse direction starting at the sequence's own end), gradients of inputs, states and weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
from tests.helpers.gradcheck import gradcheck
from tests.helpers.parity import check_module_parity


class Packed(nnstudio.nn.Module):
    """Pack a padded batch with fixed lengths, run the recurrent layer, unpack: (padded output, lengths, state)."""

    def __init__(self, lib, rnn, lengths, enforce_sorted):
        super().__init__()
        self.lib, self.rnn, self.lengths, self.enforce_sorted = lib, rnn, lengths, enforce_sorted

    def forward(self, x, *state):
        r = self.lib.nn.utils.rnn
        packed = r.pack_padded_sequence(x, self.lengths, batch_first=self.rnn.batch_first,
                                        enforce_sorted=self.enforce_sorted)
        hx = None if not state else (tuple(state) if len(state) == 2 else state[0])
        out, h = self.rnn(packed, hx)
        assert isinstance(out, r.PackedSequence)
        padded, lens = r.pad_packed_sequence(out, batch_first=self.rnn.batch_first)
        return (padded, lens) + (h if isinstance(h, tuple) else (h,))


class TorchPacked(torch.nn.Module):
    def __init__(self, rnn, lengths, enforce_sorted):
        super().__init__()
        self.rnn, self.lengths, self.enforce_sorted = rnn, lengths, enforce_sorted

    forward = Packed.forward

    @property
    def lib(self):
        return torch


def _pair(kind, lengths, enforce_sorted=False, **kw):
    ns = Packed(nnstudio, getattr(nnstudio.nn, kind)(3, 4, **kw), lengths, enforce_sorted)
    tm = TorchPacked(getattr(torch.nn, kind)(3, 4, **kw), lengths, enforce_sorted)
    return ns, tm


LENGTHS = [3, 5, 1, 3]
CONFIGS = [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu", "bidirectional": True}), ("GRU", {}),
    ("GRU", {"bidirectional": True, "num_layers": 2}), ("LSTM", {}), ("LSTM", {"bidirectional": True}),
    ("LSTM", {"num_layers": 2, "batch_first": True}), ("GRU", {"bias": False, "batch_first": True}),
]


def _x(kw, seed=0, dtype=np.float32):
    x = np.random.default_rng(seed).standard_normal((5, 4, 3)).astype(dtype)
    return x.transpose(1, 0, 2).copy() if kw.get("batch_first") else x


@pytest.mark.parametrize("kind, kw", CONFIGS, ids=[f"{k}-{'-'.join(f'{a}={b}' for a, b in kw.items())}"
                                                    for k, kw in CONFIGS])
@pytest.mark.parametrize("with_state", [False, True])
def test_packed_matches_torch(kind, kw, with_state):
    ns, tm = _pair(kind, LENGTHS, **kw)
    inputs = [_x(kw)]
    if with_state:
        layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
        rng = np.random.default_rng(1)
        inputs += [rng.standard_normal((layers, 4, 4)).astype(np.float32)
                   for _ in range(2 if kind == "LSTM" else 1)]
    check_module_parity(ns, tm, inputs, rtol=1e-4, atol=1e-5)


def test_sorted_batch_without_indices():
    ns, tm = _pair("LSTM", [5, 3, 3, 1], enforce_sorted=True, bidirectional=True)
    check_module_parity(ns, tm, [_x({})], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
def test_packed_gradcheck(kind):
    ns, _ = _pair(kind, LENGTHS, bidirectional=True)
    ns.double()
    layers = 2
    h = np.random.default_rng(2).standard_normal((layers, 4, 4))
    states = [h, h * 0.5] if kind == "LSTM" else [h]
    gradcheck(lambda x, *s: ns(x, *s), [_x({}, dtype=np.float64), *states])


def test_packed_errors():
    lstm = nnstudio.nn.LSTM(3, 4)
    packed = nnstudio.nn.utils.rnn.pack_padded_sequence(nnstudio.zeros(5, 2, 2), [5, 2])
    with pytest.raises(RuntimeError, match="input_size"):
        lstm(packed)
    packed = nnstudio.nn.utils.rnn.pack_padded_sequence(nnstudio.zeros(5, 2, 3), [5, 2])
    with pytest.raises(RuntimeError, match="h_0"):
        lstm(packed, (nnstudio.zeros(1, 3, 4), nnstudio.zeros(1, 3, 4)))
