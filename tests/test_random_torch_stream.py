"""A seed gives PyTorch's own numbers: every draw of nnstudio's CPU stream against torch 2.13's for the same seed,
draw after draw in one stream (so the words each draw uses up are checked too), and whole unseeded programs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

# name -> draw(lib); each is run after manual_seed, then one more rand(3) checks where the stream was left
DRAWS = {
    "rand": lambda L: L.rand(5),
    "rand 2-D float64": lambda L: L.rand(3, 4, dtype=L.float64),
    "randn small (per element, cached pair)": lambda L: L.cat([L.randn(3), L.randn(2), L.randn(1)]),
    "randn 40 (blocks of 16 and a redrawn tail)": lambda L: L.randn(40),
    "randn 100000": lambda L: L.randn(100000),
    "randn float64 small": lambda L: L.randn(3, dtype=L.float64),
    "randn float64 37": lambda L: L.randn(37, dtype=L.float64),
    "randn_like / rand_like": lambda L: L.cat([L.randn_like(L.zeros(17)), L.rand_like(L.zeros(3))]),
    "randint": lambda L: L.randint(0, 100, (6,)),
    "randint range 2**40": lambda L: L.randint(-3, 2**40, (4,)),
    "randperm": lambda L: L.randperm(12),
    "uniform_": lambda L: L.empty(1000).uniform_(-2, 3),
    "normal_": lambda L: L.empty(333).normal_(1, 2),
    "normal_ small": lambda L: L.empty(5).normal_(-1, 0.5),
    "normal(Tensor, Tensor)": lambda L: L.normal(L.zeros(18), L.ones(18) * 3),
    "normal(mean, std, size)": lambda L: L.normal(2.0, 3.0, size=(20,)),
    "random_ bounded": lambda L: L.empty(5).random_(0, 7),
    "random_ int64": lambda L: L.empty(4, dtype=L.int64).random_(),
    "random_ float32": lambda L: L.empty(5).random_(),
    "exponential_": lambda L: L.empty(6).exponential_(2.0),
    "cauchy_": lambda L: L.empty(7).cauchy_(),
    "log_normal_": lambda L: L.empty(7).log_normal_(),
    "geometric_": lambda L: L.empty(7).geometric_(0.3),
    "bernoulli_(p)": lambda L: L.empty(10).bernoulli_(0.6),
    "bernoulli(probs)": lambda L: L.bernoulli(L.full((20,), 0.4)),
    "dropout": lambda L: L.nn.functional.dropout(L.arange(50.0), 0.3),
    "multinomial": lambda L: L.multinomial(L.tensor([[0.1, 0.5, 0.4], [0.3, 0.3, 0.4]]), 2),
    "multinomial one sample": lambda L: L.multinomial(L.tensor([0.2, 0.2, 0.6]), 1),
    "multinomial with replacement": lambda L: L.multinomial(L.tensor([[0.1, 0.5, 0.4]]), 7, replacement=True),
    "Linear init": lambda L: L.cat([p.reshape(-1) for p in L.nn.Linear(20, 30).parameters()]),
    "Conv2d init": lambda L: L.nn.Conv2d(3, 8, 3).weight,
    "Embedding init": lambda L: L.nn.Embedding(10, 4).weight,
    "LSTM init": lambda L: L.cat([p.reshape(-1) for p in L.nn.LSTM(4, 5, num_layers=2).parameters()]),
    "xavier_normal_": lambda L: L.nn.init.xavier_normal_(L.empty(30, 20)),
    "kaiming_normal_": lambda L: L.nn.init.kaiming_normal_(L.empty(64, 32)),
    "trunc_normal_ wide": lambda L: L.nn.init.trunc_normal_(L.empty(300), std=0.02),
    "trunc_normal_ narrow": lambda L: L.nn.init.trunc_normal_(L.empty(64, 3), a=-0.1, b=0.1),
    "sparse_": lambda L: L.nn.init.sparse_(L.empty(8, 5), 0.5),
    "gumbel_softmax (hard)": lambda L: L.nn.functional.gumbel_softmax(L.randn(5, 4), tau=0.5, hard=True).argmax(-1),
    "dropout2d": lambda L: L.nn.functional.dropout2d(L.ones(2, 3, 2, 2), 0.5),
    "alpha_dropout": lambda L: L.nn.functional.alpha_dropout(L.arange(8.0), 0.5, True),
    "feature_alpha_dropout": lambda L: L.nn.functional.feature_alpha_dropout(L.ones(2, 3, 2), 0.5, True),
    "rrelu training": lambda L: L.nn.functional.rrelu(L.linspace(-2, 1, 7), training=True),
    "Exponential.sample": lambda L: L.distributions.Exponential(L.tensor([2.0, 0.5])).sample((3,)),
    "Cauchy.sample": lambda L: L.distributions.Cauchy(0.0, 2.0).sample((4,)),
    "Normal.rsample": lambda L: L.distributions.Normal(L.zeros(20), L.ones(20)).rsample(),
    "Categorical.sample": lambda L: L.distributions.Categorical(logits=L.randn(3, 5)).sample((4,)),
    "Bernoulli.sample": lambda L: L.distributions.Bernoulli(probs=L.full((6,), 0.3)).sample(),
    "LazyLinear after its first call": lambda L: _called(L.nn.LazyLinear(4), L.ones(2, 3)).weight,
}


def _called(module, x):
    module(x)
    return module


@pytest.mark.parametrize("seed", [0, 7, 2**40 + 3])
@pytest.mark.parametrize("name", list(DRAWS))
def test_each_draw_is_torchs_and_leaves_the_stream_where_torch_does(name, seed):
    draw = DRAWS[name]
    torch.manual_seed(seed)
    theirs = draw(torch).detach().numpy()
    after_theirs = torch.rand(3).numpy()
    nnstudio.manual_seed(seed)
    ours = draw(nnstudio).detach().numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    if ours.dtype == np.float64 and "randn" in name and ours.size >= 16:
        # float64 blocks use NumPy's log/sin/cos where torch uses the C library's: the last bit may differ
        np.testing.assert_allclose(ours, theirs, rtol=4e-16, atol=4e-16)
    else:
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(nnstudio.rand(3).numpy(), after_theirs)


def test_generators_draw_torchs_numbers_apart_from_the_global_stream():
    g, tg = nnstudio.Generator().manual_seed(11), torch.Generator().manual_seed(11)
    nnstudio.manual_seed(0)
    torch.manual_seed(0)
    for _ in range(2):
        np.testing.assert_array_equal(nnstudio.randn(20, generator=g).numpy(), torch.randn(20, generator=tg).numpy())
        np.testing.assert_array_equal(nnstudio.randint(0, 9, (5,), generator=g).numpy(),
                                      torch.randint(0, 9, (5,), generator=tg).numpy())
    np.testing.assert_array_equal(nnstudio.rand(4).numpy(), torch.rand(4).numpy())  # global: untouched


def test_unseeded_streams_start_as_torchs():
    """torch 2.13 seeds its global generator from entropy at start-up (two processes differ), and a new
    Generator() with 67280421310721: so does nnstudio."""
    def first_draws(lib: str) -> str:
        code = (f"import {lib}; g = {lib}.Generator(); print({lib}.initial_seed(), g.initial_seed(), "
                f"{lib}.rand(4, generator=g).tolist(), {lib}.rand(2).tolist())")
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()

    ours, again, theirs = first_draws("nnstudio"), first_draws("nnstudio"), first_draws("torch")
    assert ours[1:-2] == theirs[1:-2]  # the new Generator: same seed, same draws
    assert ours[0] != again[0] and ours[-2:] != again[-2:]  # the global stream: a fresh seed each process


@pytest.mark.parametrize("batch_size,drop_last", [(4, False), (4, True), (None, False)])
def test_dataloader_shuffle_without_a_generator_is_torchs_every_epoch(batch_size, drop_last):
    """torch's RandomSampler seeds a fresh generator from the global stream each pass (after the iterator's base
    seed): the batches, and the global draws after them, are torch's."""
    def epochs(lib):
        lib.manual_seed(5)
        dl = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.arange(10)), batch_size=batch_size,
                                       shuffle=True, drop_last=drop_last)
        order = [[b[0].tolist() for b in dl] for _ in range(3)]
        return order, lib.rand(2).tolist()

    assert epochs(nnstudio) == epochs(torch)


def test_rng_state_round_trips_with_the_cached_normal():
    nnstudio.manual_seed(3)
    nnstudio.randn(1)  # leaves the pair's second value cached in the stream
    state = nnstudio.get_rng_state()
    first = nnstudio.randn(5).numpy()
    nnstudio.set_rng_state(state)
    np.testing.assert_array_equal(nnstudio.randn(5).numpy(), first)
    torch.manual_seed(3)
    torch.randn(1)
    np.testing.assert_array_equal(first, torch.randn(5).numpy())
    with nnstudio.random.fork_rng():
        nnstudio.rand(100)
    np.testing.assert_array_equal(nnstudio.rand(3).numpy(), torch.rand(3).numpy())
    g = nnstudio.Generator().manual_seed(1)
    saved = g.get_state()
    a = nnstudio.rand(4, generator=g).numpy()
    np.testing.assert_array_equal(nnstudio.rand(4, generator=g.set_state(saved)).numpy(), a)


def test_a_broken_rng_state_is_refused_and_the_stream_kept():
    nnstudio.manual_seed(9)
    with pytest.raises(RuntimeError, match="2520-byte state"):
        nnstudio.set_rng_state(nnstudio.zeros(48, dtype=nnstudio.uint8))
    torch.manual_seed(9)
    np.testing.assert_array_equal(nnstudio.rand(3).numpy(), torch.rand(3).numpy())


def test_an_unmodified_training_script_prints_torchs_losses():
    """No weight copying, no shared draws: seed, build, shuffle, dropout and train, in both libraries alike."""
    def run(lib):
        lib.manual_seed(42)
        x, y = lib.randn(64, 6), lib.randint(0, 3, (64,))
        model = lib.nn.Sequential(lib.nn.Linear(6, 16), lib.nn.ReLU(), lib.nn.Dropout(0.2), lib.nn.Linear(16, 3))
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True)
        losses = []
        for _ in range(3):
            for xb, yb in loader:
                opt.zero_grad()
                loss = lib.nn.functional.cross_entropy(model(xb), yb)
                loss.backward()
                opt.step()
                losses.append(loss.item())
        return losses

    np.testing.assert_allclose(run(nnstudio), run(torch), rtol=1e-5)


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_recurrent_dropout_between_layers_uses_torchs_masks(mode, packed):
    """Dropout between stacked layers draws torch's mask, on the packed rows for a PackedSequence (sum of lengths,
    features), so the outputs and the stream after them are torch's."""
    def run(lib):
        lib.manual_seed(1)
        rnn = getattr(lib.nn, mode)(5, 7, num_layers=3, batch_first=True, dropout=0.3, bidirectional=True)
        seq = lib.randn(3, 6, 5)
        if packed:
            seq = lib.nn.utils.rnn.pack_padded_sequence(seq, lib.tensor([6, 4, 2]), batch_first=True)
        out = rnn(seq)[0]
        return (out.data if packed else out).detach().numpy(), lib.rand(4).numpy()

    (ours, our_next), (theirs, their_next) = run(nnstudio), run(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(our_next, their_next)


LAYERS = {
    "ConvTranspose2d": lambda L: L.nn.ConvTranspose2d(3, 4, 3),
    "Conv1d groups": lambda L: L.nn.Conv1d(4, 6, 3, groups=2),
    "Conv3d": lambda L: L.nn.Conv3d(2, 3, 2), "Bilinear": lambda L: L.nn.Bilinear(3, 4, 5),
    "RNNCell": lambda L: L.nn.RNNCell(3, 4), "LSTMCell": lambda L: L.nn.LSTMCell(3, 4),
    "GRU": lambda L: L.nn.GRU(3, 4, 2),
    "Embedding with padding_idx": lambda L: L.nn.Embedding(6, 3, padding_idx=2),
    "EmbeddingBag": lambda L: L.nn.EmbeddingBag(6, 3), "PReLU": lambda L: L.nn.PReLU(3),
    "MultiheadAttention kdim/vdim": lambda L: L.nn.MultiheadAttention(8, 2, kdim=6, vdim=5),
    "MultiheadAttention add_bias_kv": lambda L: L.nn.MultiheadAttention(8, 2, add_bias_kv=True),
    "TransformerDecoderLayer": lambda L: L.nn.TransformerDecoderLayer(8, 2, 16),
    "Transformer": lambda L: L.nn.Transformer(8, 2, 1, 1, 16),
    "AdaptiveLogSoftmaxWithLoss": lambda L: L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]),
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", list(LAYERS))
def test_every_layer_starts_from_torchs_weights_for_a_seed(name):
    """No copying: each layer's reset_parameters draws what torch's draws, in torch's order."""
    states = []
    for lib in (nnstudio, torch):
        lib.manual_seed(0)
        module = LAYERS[name](lib)
        states.append(({k: v.detach().numpy() for k, v in module.state_dict().items()}, lib.rand(2).numpy()))
    (ours, our_next), (theirs, their_next) = states
    assert list(ours) == list(theirs)
    for key in ours:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-6, atol=1e-7, err_msg=key)
    np.testing.assert_array_equal(our_next, their_next)
