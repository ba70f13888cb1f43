"""Intra-op parallelism: primitives split along the batch give torch's values and gradients, parts never nest,
errors in a part reach the caller, and BLAS gets its threads back.

The thresholds are lowered so that test-sized inputs split (3 parts over an uneven batch of 5).
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

import nnstudio
import nnstudio.nn.functional as F
from nnstudio.ops import intraop
from nnstudio.ops.conv import ConvNd
from nnstudio.ops.pooling import AvgPoolNd, MaxPoolNd

rng = np.random.default_rng(0)


@pytest.fixture
def split_everything(monkeypatch):
    monkeypatch.setattr(intraop, "MIN_PART_WORK", 1)
    monkeypatch.setattr(intraop, "MIN_PART_ELEMENTS", 1)
    monkeypatch.setattr(intraop, "_threads", 3)


def _grads(lib, fn, x, *params):
    """Output and the gradients of a fixed weighted sum with respect to x and params."""
    tx = lib.tensor(x, requires_grad=True)
    tp = [lib.tensor(p, requires_grad=True) for p in params]
    y = fn(tx, *tp)
    w = np.random.default_rng(1).standard_normal(tuple(y.shape)).astype(np.float32)
    (y * lib.tensor(w)).sum().backward()
    return [y.detach().numpy()] + [t.grad.numpy() for t in [tx, *tp]]


def _check(fn_ns, fn_t, x, *params, tol=1e-4):
    for ours, theirs in zip(_grads(nnstudio, fn_ns, x, *params), _grads(torch, fn_t, x, *params)):
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


CONV_OPTIONS = [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2), dict(groups=2, padding=1)]


@pytest.mark.parametrize("opts", CONV_OPTIONS, ids=str)
@pytest.mark.parametrize("bias", [True, False])
def test_split_conv2d_matches_torch(split_everything, opts, bias):
    x = rng.standard_normal((5, 4, 9, 8)).astype(np.float32)
    w = rng.standard_normal((6, 4 // opts.get("groups", 1), 3, 3)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    params = (w, b) if bias else (w,)
    _check(lambda x, *p: F.conv2d(x, *p, **opts), lambda x, *p: torch.nn.functional.conv2d(x, *p, **opts),
           x, *params)


def test_split_conv1d_and_conv3d_match_torch(split_everything):
    x1 = rng.standard_normal((5, 3, 11)).astype(np.float32)
    w1 = rng.standard_normal((4, 3, 3)).astype(np.float32)
    _check(lambda x, w: F.conv1d(x, w, padding=1), lambda x, w: torch.nn.functional.conv1d(x, w, padding=1), x1, w1)
    x3 = rng.standard_normal((5, 2, 4, 5, 4)).astype(np.float32)
    w3 = rng.standard_normal((3, 2, 2, 3, 2)).astype(np.float32)
    _check(F.conv3d, torch.nn.functional.conv3d, x3, w3)


@pytest.mark.parametrize("name,opts", [("max_pool2d", dict(kernel_size=2)),
                                       ("max_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
                                       ("avg_pool2d", dict(kernel_size=2)),
                                       ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1,
                                                           count_include_pad=False))])
def test_split_pooling_matches_torch(split_everything, name, opts):
    x = rng.standard_normal((5, 3, 8, 7)).astype(np.float32)
    _check(lambda x: getattr(F, name)(x, **opts), lambda x: getattr(torch.nn.functional, name)(x, **opts), x)


def test_split_relu_matches_torch_with_nan_and_zero(split_everything):
    x = rng.standard_normal((5, 7)).astype(np.float32)
    x[0, :3] = [np.nan, 0.0, -0.0]
    _check(F.relu, torch.relu, x)


def test_the_primitives_really_split(split_everything):
    x = rng.standard_normal((5, 2, 6, 6)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    conv, pool = ConvNd(), MaxPoolNd()
    conv.forward(x, w, None, (1, 1), ((0, 0), (0, 0)), (1, 1), 1)
    pool.forward(x, (2, 2), (2, 2), (0, 0), (1, 1), False)
    avg = AvgPoolNd()
    avg.forward(x, (2, 2), (2, 2), (0, 0))
    assert conv.is_split and pool.is_split and avg.is_split
    assert [(lo, hi) for lo, hi, _ in conv.parts] == [(0, 1), (1, 3), (3, 5)]
    # and without the lowered thresholds a small input runs in one piece
    intraop.MIN_PART_WORK = 10**12
    small = ConvNd()
    small.forward(x, w, None, (1, 1), ((0, 0), (0, 0)), (1, 1), 1)
    assert not small.is_split


def test_parts_do_not_nest_and_use_other_threads(split_everything):
    seen = []

    def part(lo, hi):
        seen.append((threading.current_thread().name, intraop.batch_parts(10, 10**9)))
        return hi - lo
    assert intraop.run_parts(part, intraop.batch_parts(9, 10**9)) == [3, 3, 3]
    assert all(inner == [(0, 10)] for _, inner in seen)  # a part runs nested primitives in one piece
    assert len({name for name, _ in seen}) >= 2  # the parts ran on more than one thread


def test_an_error_in_a_worker_part_reaches_the_caller(split_everything):
    def part(lo, hi):
        if lo > 0:
            raise ValueError(f"part {lo}:{hi} failed")
        return lo
    with pytest.raises(ValueError, match="part 3:5 failed|part 1:3 failed"):
        intraop.run_parts(part, [(0, 1), (1, 3), (3, 5)])
    assert intraop.run_parts(lambda lo, hi: hi, [(0, 1), (1, 3)]) == [1, 3]  # the pool still works


def _nnstudio_blas_threads() -> list:
    """Threads of the BLAS libraries nnstudio's products run on (those loaded with NumPy, which intraop's
    controller holds; a BLAS another package loads later, e.g. SciPy's own OpenBLAS, does no nnstudio GEMM)."""
    return [lib.num_threads for lib in intraop._blas_controller().lib_controllers if lib.user_api == "blas"]


def test_blas_gets_its_threads_back(split_everything):
    before = _nnstudio_blas_threads()
    inside = []
    intraop.run_parts(lambda lo, hi: inside.append(_nnstudio_blas_threads()), [(0, 1), (1, 2)])
    assert inside and all(n == 1 for threads in inside for n in threads)
    assert _nnstudio_blas_threads() == before


def test_set_num_threads_validates_and_is_read_back():
    old = nnstudio.get_num_threads()
    try:
        nnstudio.set_num_threads(1)
        assert nnstudio.get_num_threads() == 1
        assert intraop.batch_parts(64, 10**12) == [(0, 64)]
    finally:
        nnstudio.set_num_threads(old)
    for bad in (0, -2, 1.5, True):
        with pytest.raises(RuntimeError, match="positive integer"):
            nnstudio.set_num_threads(bad)


def test_a_training_step_is_the_same_split_or_not(split_everything):
    """One CNN step with parts and one without, from the same weights: same loss, same updated weights."""
    def step(threads):
        intraop._threads = threads
        nnstudio.manual_seed(0)
        model = nnstudio.nn.Sequential(nnstudio.nn.Conv2d(1, 4, 3), nnstudio.nn.ReLU(), nnstudio.nn.MaxPool2d(2),
                                       nnstudio.nn.Flatten(), nnstudio.nn.Linear(4 * 3 * 3, 3))
        opt = nnstudio.optim.Adam(model.parameters())
        x = nnstudio.tensor(np.random.default_rng(2).standard_normal((6, 1, 8, 8)).astype(np.float32))
        loss = F.cross_entropy(model(x), nnstudio.tensor([0, 1, 2, 0, 1, 2]))
        loss.backward()
        opt.step()
        return loss.item(), [p.detach().numpy().copy() for p in model.parameters()]
    (l1, p1), (l3, p3) = step(1), step(3)
    assert abs(l1 - l3) < 1e-6
    for a, b in zip(p1, p3):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_gets_a_fresh_pool(split_everything):
    import os

    intraop.run_parts(lambda lo, hi: hi, [(0, 1), (1, 2)])  # the parent's pool exists
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the parent's worker threads do not exist here; a stale pool would hang
        try:
            ok = intraop.run_parts(lambda lo, hi: hi, [(0, 1), (1, 2)]) == [1, 2]
            os.write(w, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    assert os.read(r, 1) == b"1" and status == 0


@pytest.mark.parametrize("kwargs", [dict(lr=0.01), dict(lr=0.01, amsgrad=True, weight_decay=0.1)], ids=str)
def test_split_adam_matches_torch(split_everything, kwargs):
    """Adam updates large parameters by row blocks side by side: still torch's numbers over several steps."""
    from helpers.parity import check_training_parity

    rng2 = np.random.default_rng(5)
    batches = [(rng2.standard_normal((8, 5)).astype(np.float32), rng2.standard_normal((8, 2)).astype(np.float32))]

    def make_pair():
        return (nnstudio.nn.Sequential(nnstudio.nn.Linear(5, 6), nnstudio.nn.Tanh(), nnstudio.nn.Linear(6, 2)),
                torch.nn.Sequential(torch.nn.Linear(5, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2)))
    check_training_parity(make_pair, batches, (nnstudio.nn.MSELoss(), torch.nn.MSELoss()),
                          (lambda p: nnstudio.optim.Adam(p, **kwargs), lambda p: torch.optim.Adam(p, **kwargs)),
                          steps=6, rtol=1e-4, atol=2e-5)


def test_blas_single_thread_holds_blas_to_one_thread_inside_and_restores_it():
    from nnstudio.ops.intraop import blas_single_thread, get_num_threads

    blas_threads = _nnstudio_blas_threads

    outside = blas_threads()
    with blas_single_thread():
        seen = blas_threads()
    if get_num_threads() > 1 and outside and max(outside) > 1:
        assert seen == [1] * len(outside)
    assert blas_threads() == outside
