"""Issue 15 (1-7): empty batches and zero-size reductions answer as torch 2.13 does; Embedding's norm_type=0;
CrossEntropyLoss's weight and target dtype checks; normalisation layers refuse a NaN / negative eps."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import nnstudio


def outcome(lib, fn):
    """("ok", output shapes, x.grad shape) or (error class name, message)."""
    try:
        x, out = fn(lib)
        outs = out if isinstance(out, tuple) else (out,)
        flat = []
        for o in outs:
            flat.extend(o if isinstance(o, tuple) else (o,))
        flat = [o for o in flat if o is not None]
        total = flat[0].sum()
        for o in flat[1:]:
            total = total + o.sum()
        if total.requires_grad:
            total.backward()
        grad = None if x is None or x.grad is None else tuple(x.grad.shape)
        return ("ok", [tuple(o.shape) for o in flat], grad)
    except Exception as exc:  # noqa: BLE001 - compared with torch's
        return (type(exc).__name__, str(exc))


def same_as_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, ours = outcome(torch, fn), outcome(nnstudio, fn)
    assert theirs[0] == ours[0], (theirs, ours)
    if theirs[0] == "ok":
        assert theirs[1:] == ours[1:], (theirs, ours)
    else:
        first = theirs[1].split(" (")[0].rstrip(".")
        assert first in ours[1], (theirs, ours)


def module_case(make, shape, call=lambda m, x: m(x)):
    def fn(lib):
        lib.manual_seed(0)
        x = lib.zeros(*shape, requires_grad=True)
        return x, call(make(lib.nn), x)
    return fn


RNNS = [(lambda nn: nn.LSTM(4, 8), (5, 0, 4)), (lambda nn: nn.GRU(4, 8), (5, 0, 4)),
        (lambda nn: nn.RNN(4, 8), (5, 0, 4)), (lambda nn: nn.LSTM(4, 8), (0, 2, 4)), (lambda nn: nn.GRU(4, 8), (0, 4)),
        (lambda nn: nn.LSTM(4, 8, batch_first=True), (0, 5, 4)),
        (lambda nn: nn.LSTM(4, 8, batch_first=True), (2, 0, 4)),
        (lambda nn: nn.LSTM(4, 8, num_layers=2, bidirectional=True), (5, 0, 4)),
        (lambda nn: nn.GRU(4, 8, 2, batch_first=True), (0, 5, 4)),
        (lambda nn: nn.LSTMCell(4, 8), (0, 4)), (lambda nn: nn.GRUCell(4, 8), (0, 4)),
        (lambda nn: nn.RNNCell(4, 8), (0, 4))]


@pytest.mark.parametrize("make, shape", RNNS, ids=[f"rnn{i}-{s}" for i, (_, s) in enumerate(RNNS)])
def test_recurrent_layers_on_empty_batches_and_sequences(make, shape):
    same_as_torch(module_case(make, shape))


def test_an_lstm_with_given_empty_states():
    def fn(lib):
        x = lib.zeros(5, 0, 4)
        return None, lib.nn.LSTM(4, 8)(x, (lib.zeros(1, 0, 8), lib.zeros(1, 0, 8)))
    same_as_torch(fn)


ATTENTION = [
    (lambda nn: nn.MultiheadAttention(4, 2), (5, 0, 4)), (lambda nn: nn.MultiheadAttention(4, 2), (0, 2, 4)),
    (lambda nn: nn.MultiheadAttention(4, 2), (0, 4)),
    (lambda nn: nn.MultiheadAttention(4, 2, batch_first=True), (0, 5, 4)),
    (lambda nn: nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), (5, 0, 4)),
    (lambda nn: nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True), (2, 0, 4)),
    (lambda nn: nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0), (0, 2, 4)),
    (lambda nn: nn.Transformer(4, 2, 1, 1, 8, dropout=0.0), (5, 0, 4)),
]


@pytest.mark.parametrize("make, shape", ATTENTION, ids=[f"att{i}-{s}" for i, (_, s) in enumerate(ATTENTION)])
def test_attention_and_transformer_layers_on_empty_inputs(make, shape):
    def call(m, x):
        name = type(m).__name__
        if name == "MultiheadAttention":
            return m(x, x, x)
        return m(x, x) if name in ("TransformerDecoderLayer", "Transformer") else m(x)
    same_as_torch(module_case(make, shape, call))


def test_attention_over_no_keys_gives_the_output_bias_as_torch():
    outs = []
    for lib in (torch, nnstudio):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2)
        with lib.no_grad():
            m.out_proj.bias.copy_(lib.tensor([0.5, -1.0, 2.0, 0.25]))
        out, w = m(lib.ones(3, 2, 4), lib.zeros(0, 2, 4), lib.zeros(0, 2, 4))
        outs.append((out.detach().numpy(), tuple(w.shape)))
    np.testing.assert_allclose(outs[1][0], outs[0][0])
    assert outs[1][1] == outs[0][1]


OTHER_LAYERS = [(lambda nn: nn.BatchNorm1d(3), (0, 3)), (lambda nn: nn.GroupNorm(2, 4), (0, 4, 3)),
                (lambda nn: nn.LayerNorm(4), (0, 4)), (lambda nn: nn.Linear(4, 3), (0, 4)),
                (lambda nn: nn.Conv2d(2, 3, 3), (0, 2, 5, 5)), (lambda nn: nn.Softmax(1), (0, 3)),
                (lambda nn: nn.LogSoftmax(0), (0, 3))]


@pytest.mark.parametrize("make, shape", OTHER_LAYERS, ids=[f"layer{i}-{s}" for i, (_, s) in enumerate(OTHER_LAYERS)])
def test_other_layers_on_empty_batches(make, shape):
    same_as_torch(module_case(make, shape))


def test_batchnorm_on_an_empty_batch_keeps_its_running_statistics():
    bn = nnstudio.nn.BatchNorm1d(3)
    bn(nnstudio.zeros(0, 3))
    assert bn.running_mean.numpy().tolist() == [0, 0, 0] and bn.running_var.numpy().tolist() == [1, 1, 1]


REDUCTIONS = {
    "softmax": lambda t, d: t.softmax(d), "log_softmax": lambda t, d: t.log_softmax(d),
    "F.softmin": lambda t, d: (torch if isinstance(t, torch.Tensor) else nnstudio).nn.functional.softmin(t, d),
    "max": lambda t, d: t.max(d)[0], "min": lambda t, d: t.min(d)[0], "argmax": lambda t, d: t.argmax(d),
    "argmin": lambda t, d: t.argmin(d), "amax": lambda t, d: t.amax(d), "amin": lambda t, d: t.amin(d),
    "logsumexp": lambda t, d: t.logsumexp(d), "sum": lambda t, d: t.sum(d), "mean": lambda t, d: t.mean(d),
    "prod": lambda t, d: t.prod(d), "var": lambda t, d: t.var(d), "cumsum": lambda t, d: t.cumsum(d),
    "max()": lambda t, d: t.max(), "argmax()": lambda t, d: t.argmax(), "amax()": lambda t, d: t.amax(),
    "sum()": lambda t, d: t.sum(), "mean()": lambda t, d: t.mean(),
}
SHAPES = [((0, 3), 0), ((0, 3), 1), ((3, 0), 1), ((0,), 0), ((2, 0, 4), 1), ((2, 0, 4), 2)]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("shape, dim", SHAPES, ids=[f"{s}-dim{d}" for s, d in SHAPES])
def test_reductions_of_zero_size_arrays(name, shape, dim):
    def fn(lib):
        x = lib.zeros(*shape, requires_grad=True)
        out = REDUCTIONS[name](x, dim)
        return (x if out.requires_grad else None), out
    same_as_torch(fn)


# ------------------------------------------------------------------ (3) Embedding norm_type
@pytest.mark.parametrize("p", [0.0, 1.0, 2.0, 3.5, float("inf")])
def test_embedding_max_norm_with_any_norm_type(p):
    outs = []
    for lib in (torch, nnstudio):
        e = lib.nn.Embedding(10, 3, max_norm=1.0, norm_type=p)
        with lib.no_grad():
            e.weight.copy_(lib.tensor(np.arange(30, dtype=np.float32).reshape(10, 3) / 10 - 1))
        outs.append(e(lib.tensor([1, 2, 7, 7])).detach().numpy())
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------ (5) (6) cross-entropy checks
@pytest.mark.parametrize("case", ["weight2", "weight31", "nll_weight2", "float_target", "nll_float_target",
                                  "bool_target", "probs_weight2"])
def test_cross_entropy_refuses_what_torch_refuses(case):
    def fn(lib):
        F = lib.nn.functional
        x = lib.randn(4, 3, requires_grad=True)
        idx = lib.tensor([0, 1, 0, 1])
        if case == "weight2":
            return x, lib.nn.CrossEntropyLoss(weight=lib.ones(2))(x, idx)
        if case == "weight31":
            return x, F.cross_entropy(x, idx, weight=lib.ones(3, 1))
        if case == "nll_weight2":
            return x, F.nll_loss(x, idx, weight=lib.ones(2))
        if case == "float_target":
            return x, lib.nn.CrossEntropyLoss()(x, idx.float())
        if case == "nll_float_target":
            return x, F.nll_loss(x, idx.float())
        if case == "bool_target":
            return x, F.cross_entropy(x, idx.bool())
        return x, F.cross_entropy(x, x.detach().softmax(1), weight=lib.ones(2))
    same_as_torch(fn)


def test_a_weight_for_too_few_classes_is_refused_even_when_targets_are_small():
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 3 classes"):
        nnstudio.nn.CrossEntropyLoss(weight=nnstudio.ones(2))(nnstudio.randn(4, 3), nnstudio.tensor([0, 1, 0, 1]))


# ------------------------------------------------------------------ (7) normalisation eps
@pytest.mark.parametrize("make", [lambda eps: nnstudio.nn.BatchNorm1d(3, eps=eps),
                                  lambda eps: nnstudio.nn.BatchNorm2d(3, eps=eps),
                                  lambda eps: nnstudio.nn.LayerNorm(3, eps=eps),
                                  lambda eps: nnstudio.nn.GroupNorm(1, 3, eps=eps),
                                  lambda eps: nnstudio.nn.InstanceNorm1d(3, eps=eps),
                                  lambda eps: nnstudio.nn.RMSNorm(3, eps=eps)])
def test_normalisation_layers_refuse_nan_negative_and_text_eps(make):
    for bad in (float("nan"), -1e-5, float("inf")):
        with pytest.raises(ValueError, match="eps must be a finite number >= 0"):
            make(bad)
    with pytest.raises(TypeError, match="eps must be a number"):
        make("1e-5")
    assert make(0).eps == 0  # torch takes eps=0 too; the builder's registry asks for eps > 0


@pytest.mark.parametrize("loss", ["cross_entropy", "cross_entropy_probs", "nll_loss", "mse_loss", "l1_loss",
                                  "binary_cross_entropy_with_logits", "huber_loss"])
def test_losses_of_an_empty_batch_are_nan_as_in_torch(loss):
    def fn(lib):
        x = lib.zeros(0, 3, requires_grad=True)
        F = lib.nn.functional
        if loss in ("cross_entropy", "nll_loss"):
            return x, getattr(F, loss)(x, lib.zeros(0, dtype=lib.long))
        if loss == "cross_entropy_probs":
            return x, F.cross_entropy(x, lib.zeros(0, 3))
        return x, getattr(F, loss)(x, lib.zeros(0, 3))
    same_as_torch(fn)
    out = fn(nnstudio)[1]
    assert np.isnan(out.item())


def test_rmsnorm_eps_none_means_the_dtype_epsilon():
    assert nnstudio.nn.RMSNorm(3).eps is None
