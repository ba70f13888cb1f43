"""`torch.random`: seeding and state as at top level, and `fork_rng` giving the stream back on exit."""

from __future__ import annotations

import numpy as np

import nnstudio


def test_fork_rng_restores_the_stream():
    nnstudio.random.manual_seed(3)
    before = nnstudio.rand(3).numpy()
    nnstudio.random.manual_seed(3)
    with nnstudio.random.fork_rng():
        nnstudio.rand(100)  # draws inside the block
    np.testing.assert_array_equal(nnstudio.rand(3).numpy(), before)
    with nnstudio.random.fork_rng(enabled=False):
        nnstudio.rand(1)
    assert not np.array_equal(nnstudio.rand(3).numpy(), before)


def test_state_round_trip_and_seed():
    nnstudio.random.manual_seed(5)
    assert nnstudio.random.initial_seed() == 5
    state = nnstudio.random.get_rng_state()
    a = nnstudio.randn(4).numpy()
    nnstudio.random.set_rng_state(state)
    np.testing.assert_array_equal(nnstudio.randn(4).numpy(), a)
    assert isinstance(nnstudio.random.seed(), int)
    assert nnstudio.random.default_generator is nnstudio.default_generator


def test_initial_seed_draws_nothing_and_seed_takes_no_argument():
    import inspect

    import torch

    nnstudio.manual_seed(7)
    first = nnstudio.rand(3).numpy()
    nnstudio.manual_seed(7)
    assert nnstudio.initial_seed() == torch.manual_seed(7).initial_seed() == 7
    nnstudio.initial_seed()
    np.testing.assert_array_equal(nnstudio.rand(3).numpy(), first)  # asking for the seed left the stream alone
    assert list(inspect.signature(nnstudio.seed).parameters) == list(inspect.signature(torch.seed).parameters) == []
    s = nnstudio.seed()
    assert nnstudio.initial_seed() == s
