"""Transformer layers against torch: encoder/decoder layers with every option, stacks with deep-copied layers,
the full Transformer (names, shapes, parameter count, init), causal masks, training steps, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from helpers.parity import check_module_parity, check_training_parity, copy_weights_from_torch

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(0)
D, H, FF, S, T, N = 16, 4, 24, 6, 5, 3


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def seq(length, batch_first=False, batched=True):
    if not batched:
        return randn(length, D)
    return randn(N, length, D) if batch_first else randn(length, N, D)


def causal(n):
    return np.triu(np.full((n, n), -np.inf, np.float32), 1)


def padding(length, rows=(1,)):
    m = np.zeros((N, length), bool)
    for r in rows:
        m[r, -2:] = True
    return m


def enc_layers(**kw):
    kw = {"dropout": 0.0, **kw}
    return nn.TransformerEncoderLayer(D, H, FF, **kw), torch.nn.TransformerEncoderLayer(D, H, FF, **kw)


def dec_layers(**kw):
    kw = {"dropout": 0.0, **kw}
    return nn.TransformerDecoderLayer(D, H, FF, **kw), torch.nn.TransformerDecoderLayer(D, H, FF, **kw)


# ---------------------------------------------------------------------------- encoder layer
@pytest.mark.parametrize("options", [{}, {"batch_first": True}, {"norm_first": True}, {"activation": "gelu"},
                                     {"bias": False, "norm_first": True, "batch_first": True},
                                     {"layer_norm_eps": 1e-3, "activation": "relu"}])
def test_encoder_layer_parity(options, device):
    ns, tm = enc_layers(**options)
    check_module_parity(ns, tm, [seq(S, options.get("batch_first", False))], device=device)


def test_encoder_layer_callable_activations():
    for ns_act, t_act in ((nn.functional.gelu, torch.nn.functional.gelu), (nn.GELU(), torch.nn.GELU()),
                          (lambda x: x.tanh(), lambda x: x.tanh())):
        ns, tm = enc_layers(activation=ns_act), enc_layers(activation=t_act)[1]
        check_module_parity(ns[0], tm, [seq(S)])


@pytest.mark.parametrize("masks", ["src_mask", "bool_mask", "kpm", "both", "causal_hint", "mask_3d"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer_masks(masks, batch_first):
    ns, tm = enc_layers(batch_first=batch_first)
    kw = {"src_mask": causal(S)} if masks == "src_mask" else {}
    if masks == "bool_mask":
        kw = {"src_mask": np.triu(np.ones((S, S), bool), 1)}
    elif masks == "kpm":
        kw = {"src_key_padding_mask": padding(S)}
    elif masks == "both":
        kw = {"src_mask": np.triu(np.ones((S, S), bool), 1), "src_key_padding_mask": padding(S, (0, 2))}
    elif masks == "causal_hint":
        kw = {"src_mask": causal(S), "is_causal": True}
    elif masks == "mask_3d":
        kw = {"src_mask": randn(N * H, S, S)}
    check_module_parity(ns, tm, [seq(S, batch_first)], kwargs=kw)


def test_encoder_layer_unbatched_and_eval_with_dropout():
    ns, tm = enc_layers(dropout=0.3)
    check_module_parity(ns, tm, [seq(S, batched=False)], train=False)
    check_module_parity(ns, tm, [seq(S)], train=False, kwargs={"src_key_padding_mask": padding(S)})


def test_encoder_layer_dropout_in_training_is_random_and_scaled():
    nnstudio.manual_seed(0)
    layer = nn.TransformerEncoderLayer(D, H, FF, dropout=0.5)
    x = nnstudio.tensor(seq(S))
    a, b = layer(x), layer(x)
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())


# ---------------------------------------------------------------------------- decoder layer
@pytest.mark.parametrize("options", [{}, {"batch_first": True}, {"norm_first": True, "activation": "gelu"},
                                     {"bias": False}])
def test_decoder_layer_parity(options, device):
    ns, tm = dec_layers(**options)
    bf = options.get("batch_first", False)
    check_module_parity(ns, tm, [seq(T, bf), seq(S, bf)], device=device)


@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer_masks(batch_first):
    ns, tm = dec_layers(batch_first=batch_first)
    memory_mask = np.zeros((T, S), bool)
    memory_mask[:, -1] = True
    check_module_parity(ns, tm, [seq(T, batch_first), seq(S, batch_first)],
                        kwargs={"tgt_mask": causal(T), "memory_mask": memory_mask.astype(np.float32) * -1e9,
                                "tgt_key_padding_mask": padding(T).astype(np.float32) * -1e9,
                                "memory_key_padding_mask": padding(S, (0,)).astype(np.float32) * -1e9})
    check_module_parity(ns, tm, [seq(T, batch_first), seq(S, batch_first)],
                        kwargs={"tgt_mask": causal(T), "tgt_is_causal": True})


def test_decoder_layer_unbatched_eval():
    ns, tm = dec_layers(dropout=0.2)
    check_module_parity(ns, tm, [seq(T, batched=False), seq(S, batched=False)], train=False)


# ---------------------------------------------------------------------------- stacks
@pytest.mark.parametrize("with_norm", [False, True])
def test_encoder_stack_parity_and_names(with_norm, device):
    ns_layer, t_layer = enc_layers(batch_first=True)
    ns = nn.TransformerEncoder(ns_layer, 3, norm=nn.LayerNorm(D) if with_norm else None)
    tm = torch.nn.TransformerEncoder(t_layer, 3, norm=torch.nn.LayerNorm(D) if with_norm else None,
                                     enable_nested_tensor=False)
    assert [n for n, _ in ns.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert "layers.2.self_attn.in_proj_weight" in dict(ns.named_parameters())
    check_module_parity(ns, tm, [seq(S, True)], device=device,
                        kwargs={"mask": causal(S), "src_key_padding_mask": padding(S)})


def test_encoder_layers_are_independent_copies():
    layer = nn.TransformerEncoderLayer(D, H, FF)
    enc = nn.TransformerEncoder(layer, 2)
    a, b = enc.layers[0], enc.layers[1]
    assert a is not layer and a is not b
    np.testing.assert_array_equal(a.linear1.weight.detach().numpy(), b.linear1.weight.detach().numpy())
    with nnstudio.no_grad():
        a.linear1.weight.fill_(1.0)
    assert not np.allclose(b.linear1.weight.detach().numpy(), 1.0)
    assert not np.allclose(layer.linear1.weight.detach().numpy(), 1.0)
    assert a.activation is layer.activation  # functions are shared, not copied


def test_decoder_stack_parity():
    ns_layer, t_layer = dec_layers()
    ns = nn.TransformerDecoder(ns_layer, 2, norm=nn.LayerNorm(D))
    tm = torch.nn.TransformerDecoder(t_layer, 2, norm=torch.nn.LayerNorm(D))
    check_module_parity(ns, tm, [seq(T), seq(S)], kwargs={"tgt_mask": causal(T),
                                                          "memory_key_padding_mask": padding(S)})


def test_encoder_inference_zeroes_padding_like_torch():
    """torch's inference fast path returns zeros at padded positions (before the final norm); so do we."""
    ns_layer, t_layer = enc_layers(batch_first=True)
    ns, tm = nn.TransformerEncoder(ns_layer, 2), torch.nn.TransformerEncoder(t_layer, 2)
    copy_weights_from_torch(ns, tm)
    ns.eval()
    tm.eval()
    x, kpm = seq(S, True), padding(S, (0, 2))
    with torch.no_grad():
        expected = tm(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm)).numpy()
    with nnstudio.no_grad():
        got = ns(nnstudio.tensor(x), src_key_padding_mask=nnstudio.tensor(kpm)).numpy()
    assert not expected[0, -1].any()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------- Transformer
def test_transformer_parity_with_masks(device):
    kw = {"d_model": D, "nhead": H, "num_encoder_layers": 2, "num_decoder_layers": 2, "dim_feedforward": FF,
          "dropout": 0.0}
    ns, tm = nn.Transformer(**kw), torch.nn.Transformer(**kw)
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(T).numpy()
    check_module_parity(ns, tm, [seq(S), seq(T)], device=device,
                        kwargs={"tgt_mask": tgt_mask, "src_key_padding_mask": padding(S),
                                "memory_key_padding_mask": padding(S)})


def test_transformer_batch_first_norm_first_gelu():
    kw = {"d_model": D, "nhead": H, "num_encoder_layers": 1, "num_decoder_layers": 1, "dim_feedforward": FF,
          "dropout": 0.0, "batch_first": True, "norm_first": True, "activation": "gelu"}
    check_module_parity(nn.Transformer(**kw), torch.nn.Transformer(**kw), [seq(S, True), seq(T, True)],
                        kwargs={"tgt_mask": causal(T), "tgt_is_causal": True})


def test_default_transformer_matches_torch_names_shapes_and_count():
    ns = nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6)
    tm = torch.nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6)
    ns_params = [(n, tuple(p.shape)) for n, p in ns.named_parameters()]
    assert ns_params == [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
    count = sum(p.numel() for p in ns.parameters())
    assert count == sum(p.numel() for p in tm.parameters()) == 44_140_544
    assert list(ns.state_dict()) == list(tm.state_dict())
    # every parameter with more than one dimension is re-drawn with xavier_uniform_
    w = ns.encoder.layers[0].linear1.weight.detach().numpy()
    bound = math.sqrt(6 / (512 + 2048))
    assert 0.98 * bound < np.abs(w).max() <= bound
    w = ns.decoder.layers[5].self_attn.out_proj.weight.detach().numpy()
    assert 0.98 * math.sqrt(6 / 1024) < np.abs(w).max() <= math.sqrt(6 / 1024)
    assert not ns.encoder.layers[0].self_attn.in_proj_bias.detach().numpy().any()
    assert np.all(ns.decoder.norm.weight.detach().numpy() == 1)
    # the layers no longer share their initial values after the re-initialisation
    assert not np.allclose(ns.encoder.layers[0].linear1.weight.detach().numpy(),
                           ns.encoder.layers[1].linear1.weight.detach().numpy())


def test_generate_square_subsequent_mask():
    got = nn.Transformer.generate_square_subsequent_mask(4)
    np.testing.assert_array_equal(got.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    assert got.dtype == nnstudio.float32
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=nnstudio.float64).dtype == nnstudio.float64


def test_training_steps_match_torch():
    def make_pair():
        ns_layer, t_layer = enc_layers(batch_first=True, norm_first=True)
        return nn.TransformerEncoder(ns_layer, 2), torch.nn.TransformerEncoder(t_layer, 2,
                                                                               enable_nested_tensor=False)

    batches = [(seq(S, True), seq(S, True)) for _ in range(2)]
    check_training_parity(make_pair, batches, (nn.functional.mse_loss, torch.nn.functional.mse_loss),
                          # SGD, not Adam: the key bias has an exactly-zero true gradient (softmax ignores a shift
                          # shared by all keys), and Adam would blow both libraries' rounding noise up to +-lr
                          (lambda p: nnstudio.optim.SGD(p, lr=0.05, momentum=0.9),
                           lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
                          steps=4, rtol=2e-4, atol=2e-5)


# ---------------------------------------------------------------------------- errors
def test_errors():
    with pytest.raises(AssertionError, match=r"TransformerEncoderLayer: embed_dim must be divisible by num_heads"
                                             r".*d_model=10.*nhead=3"):
        nn.TransformerEncoderLayer(10, 3)
    with pytest.raises(AssertionError):  # torch raises the same kind
        torch.nn.TransformerEncoderLayer(10, 3)
    with pytest.raises(AssertionError, match="TransformerDecoderLayer.*d_model=12.*nhead=5"):
        nn.TransformerDecoderLayer(12, 5)
    with pytest.raises(AssertionError, match=r"Transformer: .*d_model=10.*nhead=4"):
        nn.Transformer(d_model=10, nhead=4)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(D, H, activation="tanh")
    layer = nn.TransformerEncoderLayer(D, H, FF)
    with pytest.raises(AssertionError, match=r"TransformerEncoderLayer\(d_model=16, nhead=4\).*4-D tensor"):
        layer(nnstudio.tensor(randn(2, S, N, D)))
    with pytest.raises(AssertionError, match=r"last dimension d_model=16, got shape \(6, 3, 12\)"):
        layer(nnstudio.tensor(randn(S, N, 12)))
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \(5, 5\), but should be \(6, 6\)"):
        layer(nnstudio.tensor(seq(S)), src_mask=nnstudio.tensor(causal(5)))
    enc = nn.TransformerEncoder(layer, 2)
    with pytest.raises(AssertionError, match=r"in layer \(layers.0\).*key_padding_mask of shape"):
        enc(nnstudio.tensor(seq(S)), src_key_padding_mask=nnstudio.tensor(np.zeros((N, 4), bool)))
    t = nn.Transformer(d_model=D, nhead=H, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=FF)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        t(nnstudio.tensor(seq(S)), nnstudio.tensor(randn(T, N + 1, D)))
    with pytest.raises(RuntimeError, match="feature number of src and tgt must be equal to d_model=16"):
        t(nnstudio.tensor(randn(S, N, 8)), nnstudio.tensor(randn(T, N, 8)))
