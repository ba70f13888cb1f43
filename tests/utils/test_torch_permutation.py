"""A seeded Generator gives torch's own permutations: randperm, random_split and DataLoader shuffling (several
epochs, with and without drop_last, batch_size=None) pick the same indices as torch 2.13 for the same seed."""

import pytest

import nnstudio
from nnstudio._random_stream import TorchStream, mt19937

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("seed", [0, 42, 2**32 + 7, 2**63 + 5])
@pytest.mark.parametrize("n", [0, 1, 2, 10, 257])
def test_randperm_with_generator_is_torchs(seed, n):
    g, tg = nnstudio.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    for _ in range(3):  # the stream carries on from one call to the next
        ours = nnstudio.randperm(n, generator=g)
        assert ours.dtype == nnstudio.int64
        assert ours.tolist() == torch.randperm(n, generator=tg).tolist()


def test_reseeding_restarts_the_stream():
    g = nnstudio.Generator().manual_seed(3)
    first = nnstudio.randperm(20, generator=g).tolist()
    nnstudio.randperm(20, generator=g)
    assert nnstudio.randperm(20, generator=g.manual_seed(3)).tolist() == first


def test_stream_matches_reference_mersenne_twister():
    # first outputs of the reference MT19937 for init_genrand(5489) (std::mt19937's default seed)
    assert mt19937(5489).random_raw(3).tolist() == [3499211612, 581869302, 3890346734]
    assert TorchStream(0).permutation(1).tolist() == [0]


@pytest.mark.parametrize("lengths", [[7, 3], [0.6, 0.25, 0.15], [10, 0]])
def test_random_split_with_generator_is_torchs(lengths):
    ours = nnstudio.utils.data.random_split(range(10), lengths, generator=nnstudio.Generator().manual_seed(42))
    theirs = torch.utils.data.random_split(range(10), lengths, generator=torch.Generator().manual_seed(42))
    assert [list(s.indices) for s in ours] == [list(s.indices) for s in theirs]


@pytest.mark.parametrize("n,batch_size,drop_last", [(10, 4, False), (10, 4, True), (12, 4, False), (12, 4, True),
                                                    (9, None, False)])
def test_dataloader_shuffle_with_generator_is_torchs_every_epoch(n, batch_size, drop_last):
    def epochs(lib):
        ds = lib.utils.data.TensorDataset(lib.arange(n))
        dl = lib.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last,
                                       generator=lib.Generator().manual_seed(7))
        return [[b[0].tolist() for b in dl] for _ in range(3)]

    assert epochs(nnstudio) == epochs(torch)


def test_unshuffled_loader_keeps_the_generator_in_step_with_torch():
    def draws(lib):
        g = lib.Generator().manual_seed(1)
        dl = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.arange(6)), batch_size=4, generator=g)
        order = [b[0].tolist() for b in dl]
        return order, lib.randperm(8, generator=g).tolist()

    assert draws(nnstudio) == draws(torch)


def test_a_wrong_generator_is_named():
    with pytest.raises(TypeError, match="generator must be a nnstudio.Generator"):
        nnstudio.randperm(4, generator=torch.Generator())
