"""RNN (tanh/relu), LSTM, GRU and their cells against PyTorch 2.13: outputs, h_n / c_n, gradients of the input,
the initial states and every parameter, for every option; gradcheck (float64) of the fused sequence primitives;
parameter names, init and error messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_module_parity, check_training_parity

import nnstudio
from nnstudio import nn
from nnstudio.autograd import apply
from nnstudio.ops import recurrent as R

rng = np.random.default_rng(0)
T, B, I, H = 5, 3, 4, 6


def data(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def make(lib, mode: str, *args, **kwargs):
    """A layer of `lib` (torch or nnstudio) by mode name; 'RNN_RELU' is RNN(nonlinearity='relu')."""
    if mode == "RNN_RELU":
        return lib.nn.RNN(*args, nonlinearity="relu", **kwargs)
    return getattr(lib.nn, mode)(*args, **kwargs)


def wrap(lib, layer, is_lstm: bool):
    """A module taking (x, h0[, c0]) positionally, so the parity helper can differentiate the initial states."""

    class Wrapped(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = layer

        def forward(self, x, h0=None, c0=None):
            if h0 is None:
                return self.rnn(x)
            return self.rnn(x, (h0, c0) if is_lstm else h0)

    return Wrapped()


MODES = ["RNN", "RNN_RELU", "LSTM", "GRU"]
OPTIONS = [
    {},
    {"bias": False},
    {"batch_first": True},
    {"num_layers": 2},
    {"bidirectional": True},
    {"num_layers": 3, "bidirectional": True, "batch_first": True},
]


def _opt_id(o):
    return ",".join(f"{k}={v}" for k, v in o.items()) or "default"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("opts", OPTIONS, ids=_opt_id)
@pytest.mark.parametrize("with_state", [False, True], ids=["zero_state", "given_state"])
def test_sequence_parity(mode, opts, with_state, device):
    is_lstm = mode == "LSTM"
    tm = wrap(torch, make(torch, mode, I, H, **opts), is_lstm)
    nm = wrap(nnstudio, make(nnstudio, mode, I, H, **opts), is_lstm)
    x = data(B, T, I) if opts.get("batch_first") else data(T, B, I)
    inputs = [x]
    if with_state:
        states = opts.get("num_layers", 1) * (2 if opts.get("bidirectional") else 1)
        inputs += [data(states, B, H)] + ([data(states, B, H)] if is_lstm else [])
    check_module_parity(nm, tm, inputs, device=device, rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("with_state", [False, True], ids=["zero_state", "given_state"])
def test_unbatched_input(mode, with_state):
    is_lstm = mode == "LSTM"
    tm = wrap(torch, make(torch, mode, I, H, num_layers=2, bidirectional=True), is_lstm)
    nm = wrap(nnstudio, make(nnstudio, mode, I, H, num_layers=2, bidirectional=True), is_lstm)
    inputs = [data(T, I)] + ([data(4, H)] + ([data(4, H)] if is_lstm else []) if with_state else [])
    ns_out, _ = check_module_parity(nm, tm, inputs)
    assert tuple(ns_out[0].shape) == (T, 2 * H)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_dropout_between_layers(mode):
    # p = 1 zeroes the input of layer 2 in training: deterministic, so it can be compared with torch
    tm = make(torch, mode, I, H, num_layers=2, dropout=1.0)
    nm = make(nnstudio, mode, I, H, num_layers=2, dropout=1.0)
    check_module_parity(nm, tm, [data(T, B, I)], train=True)
    # eval mode: no dropout at all
    tm2, nm2 = make(torch, mode, I, H, num_layers=2, dropout=0.5), make(nnstudio, mode, I, H, num_layers=2, dropout=0.5)
    check_module_parity(nm2, tm2, [data(T, B, I)], train=False)
    # train mode with p = 0.5: random, but different from eval and still finite
    nm2.train()
    x = nnstudio.tensor(data(T, B, I))
    a = nm2(x)[0].detach().numpy()
    nm2.eval()
    b = nm2(x)[0].detach().numpy()
    assert np.isfinite(a).all() and not np.allclose(a, b)


def test_lstm_trains_like_torch():
    class Model:
        def __init__(self, lib):
            class M(lib.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.lstm = lib.nn.LSTM(I, H, num_layers=2, batch_first=True)
                    self.head = lib.nn.Linear(H, 3)

                def forward(self, x):
                    return self.head(self.lstm(x)[0][:, -1])

            self.m = M()

    batches = [(data(B, T, I), rng.integers(0, 3, B)) for _ in range(2)]
    check_training_parity(lambda: (Model(nnstudio).m, Model(torch).m), batches,
                          (nnstudio.nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()),
                          (lambda p: nnstudio.optim.Adam(p, lr=1e-2), lambda p: torch.optim.Adam(p, lr=1e-2)),
                          steps=4, rtol=1e-4, atol=2e-5)


CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {}),
         ("LSTMCell", {"bias": False}), ("GRUCell", {"bias": False})]


@pytest.mark.parametrize("name,opts", CELLS, ids=lambda v: v if isinstance(v, str) else _opt_id(v))
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [False, True], ids=["zero_state", "given_state"])
def test_cell_parity(name, opts, batched, with_state, device):
    is_lstm = name == "LSTMCell"

    def wrapped(lib):
        cell = getattr(lib.nn, name)(I, H, **opts)

        class W(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.cell = cell

            def forward(self, x, h=None, c=None):
                if h is None:
                    return self.cell(x)
                return self.cell(x, (h, c) if is_lstm else h)

        return W()

    lead = (B,) if batched else ()
    inputs = [data(*lead, I)]
    if with_state:
        inputs += [data(*lead, H)] + ([data(*lead, H)] if is_lstm else [])
    check_module_parity(wrapped(nnstudio), wrapped(torch), inputs, device=device)


@pytest.mark.parametrize("mode", MODES)
def test_parameter_names_shapes_init_and_repr(mode):
    kw = dict(num_layers=2, bidirectional=True, bias=True, batch_first=True, dropout=0.25)
    tm, nm = make(torch, mode, I, H, **kw), make(nnstudio, mode, I, H, **kw)
    assert [(k, tuple(v.shape)) for k, v in nm.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    assert repr(nm) == repr(tm)
    bound = 1 / np.sqrt(H)
    for p in nm.parameters():
        v = p.detach().numpy()
        assert v.min() >= -bound and v.max() <= bound and v.std() > bound / 3
    assert [[tuple(p.shape) for p in w] for w in nm.all_weights] == \
        [[tuple(p.shape) for p in w] for w in tm.all_weights]


def test_cell_names_and_repr():
    for name, opts in CELLS:
        tm, nm = getattr(torch.nn, name)(I, H, **opts), getattr(nn, name)(I, H, **opts)
        assert list(nm.state_dict()) == list(tm.state_dict())
        assert repr(nm) == repr(tm)


def test_errors_name_the_layer_and_shapes():
    lstm = nn.LSTM(4, 5)
    with pytest.raises(ValueError, match=r"LSTM\(4, 5\): expected input to be 2D \(L, H_in\) or 3D \(L, N, H_in\), "
                                         r"got 4D input of shape \(2, 3, 4, 5\)"):
        lstm(nnstudio.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"LSTM\(4, 5\): .* got 1D"):
        lstm(nnstudio.randn(4))
    with pytest.raises(RuntimeError, match=r"LSTM\(4, 5\): input.size\(-1\) must be equal to input_size. "
                                           r"Expected 4, got 6"):
        lstm(nnstudio.randn(2, 3, 6))
    with pytest.raises(RuntimeError, match=r"expected h_0 of shape \(1, 3, 5\), got \(1, 2, 5\)"):
        lstm(nnstudio.randn(2, 3, 4), (nnstudio.zeros(1, 2, 5), nnstudio.zeros(1, 3, 5)))
    with pytest.raises(TypeError, match=r"expected hx to be a tuple \(h_0, c_0\)"):
        lstm(nnstudio.randn(2, 3, 4), nnstudio.zeros(1, 3, 5))
    with pytest.raises(RuntimeError, match=r"GRU\(4, 5\): expected hx of shape \(2, 3, 5\)"):
        nn.GRU(4, 5, num_layers=2)(nnstudio.randn(2, 3, 4), nnstudio.zeros(1, 3, 5))
    with pytest.raises(RuntimeError, match="unbatched 2-D input, hx should also be 2-D"):
        nn.RNN(4, 5)(nnstudio.randn(2, 4), nnstudio.zeros(1, 1, 5))
    with pytest.raises(RuntimeError, match="dtype"):
        lstm(nnstudio.randn(2, 3, 4, dtype=nnstudio.float64))
    with pytest.raises(ValueError, match=r"LSTMCell\(4, 5\): expected input to be 1D \(H_in,\) or 2D"):
        nn.LSTMCell(4, 5)(nnstudio.randn(1, 2, 4))
    with pytest.raises(RuntimeError, match=r"GRUCell\(4, 5\): input has inconsistent input_size: got 3 expected 4"):
        nn.GRUCell(4, 5)(nnstudio.randn(2, 3))
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        nn.RNN(4, 5, nonlinearity="sigmoid")
    with pytest.raises(NotImplementedError, match="proj_size"):
        nn.LSTM(4, 5, proj_size=2)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.GRU(4, 5, dropout=0.2)


# ---------------------------------------------------------------------------- gradcheck (float64)
def _r(*shape):
    return rng.standard_normal(shape) * 0.7


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", ["tanh", "relu", "lstm", "gru"])
def test_sequence_primitive_gradcheck(kind, bias, reverse, device):
    t, b, i, h = 4, 2, 3, 3
    gates = {"tanh": 1, "relu": 1, "lstm": 4, "gru": 3}[kind]
    params = [_r(gates * h, i), _r(gates * h, h)] + ([_r(gates * h), _r(gates * h)] if bias else [])
    if kind == "lstm":
        def fn(x, h0, c0, *p):
            return apply(R.LSTMSequence, x, h0, c0, *p, reverse=reverse)

        inputs = [_r(t, b, i), _r(b, h), _r(b, h)] + params
    elif kind == "gru":
        def fn(x, h0, *p):
            return apply(R.GRUSequence, x, h0, *p, reverse=reverse)

        inputs = [_r(t, b, i), _r(b, h)] + params
    else:
        def fn(x, h0, *p):
            return apply(R.RNNSequence, x, h0, *p, reverse=reverse, nonlinearity=kind)

        inputs = [_r(t, b, i), _r(b, h)] + params
    gradcheck(fn, inputs, device=device)
