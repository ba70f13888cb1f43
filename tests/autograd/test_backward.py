"""The backward sweep: accumulation, freeing of buffers, retain_graph, no_grad, errors, flat memory."""

from __future__ import annotations

import gc
import os
import tracemalloc

import numpy as np
import pytest
import torch

import nnstudio
import nnstudio.nn as nn


def test_gradients_accumulate_across_backward_calls():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])


def test_shared_input_gets_the_sum_of_both_paths():
    x = nnstudio.tensor([1.0, -2.0], requires_grad=True)
    y = x * 2
    (y * y + y.exp()).sum().backward()
    expected = 8 * x.detach().numpy() + 2 * np.exp(2 * x.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_backward_frees_saved_buffers():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    y.sum().backward()
    assert node.freed
    assert not hasattr(node, "z")  # the saved output is gone


def test_second_backward_raises_like_torch():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time.*retain_graph=True"):
        loss.backward()


def test_second_backward_through_a_shared_subgraph_raises():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        (h * 2).sum().backward()


def test_retain_graph_allows_a_second_backward():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * x).sum()
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)


def test_non_scalar_backward_without_gradient_explains_what_to_pass():
    y = nnstudio.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"scalar outputs.*shape \(2, 3\).*gradient="):
        y.backward()
    y.backward(nnstudio.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\)"):
        (nnstudio.ones(2, 3, requires_grad=True) * 2).backward(nnstudio.ones(3))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        nnstudio.ones(2).sum().backward()


def test_no_grad_records_nothing_and_enable_grad_reenables():
    x = nnstudio.ones(2, requires_grad=True)
    with nnstudio.no_grad():
        y = x * 2
        with nnstudio.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None
    assert nnstudio.is_grad_enabled()

    @nnstudio.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    with nnstudio.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert nnstudio.is_grad_enabled()


def test_detach_cuts_the_graph_and_shares_memory():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = x * 1
    dd = y.detach()
    dd._data[0] = 7
    assert y.detach().numpy()[0] == 7


def test_retain_grad_keeps_an_intermediate_gradient():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), 18 * x.detach().numpy())


def test_leaf_grad_does_not_alias_graph_buffers():
    x = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    y = x + 0
    y.backward(nnstudio.tensor([1.0, 1.0]))
    x.grad._data += 1
    z = x * 1
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])


def test_create_graph_through_a_primitive_without_second_derivative_names_it():
    class Opaque(nnstudio.autograd.Function):  # no tensor_saves: its backward only runs on arrays
        def forward(self, a):
            return a * 2

        def backward(self, g):
            return (g * 2,)

    x = nnstudio.tensor([1.0], requires_grad=True)
    y = nnstudio.autograd.apply(Opaque, x)
    with pytest.raises(NotImplementedError, match="create_graph=True: the backward of Opaque"):
        (y * y).sum().backward(create_graph=True)


@pytest.mark.filterwarnings(r"ignore:Using backward\(\) with create_graph=True")
def test_backward_create_graph_fills_grad_with_history_as_torch():
    res = []
    for lib in (nnstudio, torch):
        x = lib.tensor([0.5, -1.5], requires_grad=True)
        (x.sin() * x).sum().backward(create_graph=True)
        assert x.grad.requires_grad and x.grad.grad_fn is not None
        (gx,) = lib.autograd.grad(x.grad.sum(), x)
        res.append((x.grad.detach().numpy().copy(), gx.numpy().copy()))
    np.testing.assert_allclose(res[0][0], res[1][0])
    np.testing.assert_allclose(res[0][1], res[1][1])


def test_graph_is_collected_after_backward():
    import weakref

    x = nnstudio.randn(4, 4, requires_grad=True)
    y = (x @ x).relu().sum()
    ref = weakref.ref(y.grad_fn)
    y.backward()
    del y
    gc.collect()
    assert ref() is None


def _rss_bytes() -> int:
    """Resident memory of this process (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_memory_stays_flat_over_10000_training_steps():
    """RSS over 10,000 steps (a leak of 500 bytes a step would show), then tracemalloc's exact count of
    Python allocations over 500 more steps (a graph kept alive per step would show)."""
    nnstudio.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = nnstudio.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x, y = nnstudio.randn(16, 8), nnstudio.randint(0, 3, (16,))

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(200):  # warm caches and lazily allocated state
        step()
    gc.collect()
    base = _rss_bytes()
    for _ in range(10_000):
        loss = step()
    gc.collect()
    growth = _rss_bytes() - base
    assert np.isfinite(loss.item())
    assert growth < 5 * 2**20, f"resident memory grew by {growth / 2**20:.2f} MiB over 10,000 steps"
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(500):
            step()
        gc.collect()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert end - start < 64 * 1024, f"Python allocations grew by {(end - start) / 1024:.1f} KiB over 500 steps"


def test_leaf_grads_never_alias_each_other_or_the_given_gradient():
    a = nnstudio.ones(3, requires_grad=True)
    b = nnstudio.ones(3, requires_grad=True)
    g = nnstudio.tensor([1.0, 2.0, 3.0])
    (a + b).backward(g)  # Add hands the same array to both inputs
    a.grad.mul_(10)
    np.testing.assert_array_equal(b.grad.numpy(), [1, 2, 3])
    np.testing.assert_array_equal(g.numpy(), [1, 2, 3])
    x = nnstudio.ones(3, requires_grad=True)
    x.backward(g)  # a leaf as the root
    x.grad.zero_()
    np.testing.assert_array_equal(g.numpy(), [1, 2, 3])


def test_gradients_keep_their_input_dtype():
    class Promotes(nnstudio.autograd.Function):
        def forward(self, a):
            return a * 2

        def backward(self, g):
            return (g.astype(np.float64) * 2,)

    x = nnstudio.ones(3, requires_grad=True)
    nnstudio.autograd.apply(Promotes, x).sum().backward()
    assert x.grad.dtype == nnstudio.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2, 2, 2])


def test_in_place_write_to_a_saved_input_raises_like_torch():
    x = nnstudio.ones(3)
    w = nnstudio.ones(3, requires_grad=True)
    y = (x * w).sum()  # Mul keeps x for w's gradient
    x.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*Mul.*version 1; expected version 0"):
        y.backward()


def test_in_place_write_to_an_unsaved_input_is_allowed_like_torch():
    """Linear keeps W only when its input needs a gradient: stepping the optimizer between two backward passes
    of a retained graph is then fine, as in torch."""
    m = nn.Linear(2, 2)
    opt = nnstudio.optim.SGD(m.parameters(), lr=0.1)
    loss = m(nnstudio.ones(1, 2)).sum()
    loss.backward(retain_graph=True)
    opt.step()
    loss.backward()
    np.testing.assert_allclose(m.bias.grad.numpy(), [2, 2])
    x = nnstudio.ones(1, 2, requires_grad=True)
    loss = m(x).sum()
    loss.backward(retain_graph=True)
    opt.step()  # now W was saved for x's gradient
    with pytest.raises(RuntimeError, match="inplace operation.*Linear"):
        loss.backward()


def test_no_grad_saves_nothing_for_backward():
    m = nn.Linear(3, 2)
    with nnstudio.no_grad():
        out = m(nnstudio.ones(4, 3))
    assert out.grad_fn is None
