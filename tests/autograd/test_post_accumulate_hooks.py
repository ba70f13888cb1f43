"""`Tensor.register_post_accumulate_grad_hook`: the optimizer-in-backward pattern of torch's tutorial gives
torch's weights; the hook runs once per backward after the leaf's `.grad` holds the whole gradient."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")


def train_in_backward(lib, steps=3):
    lin = lib.nn.Linear(4, 3)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)))
        lin.bias.zero_()
    opts = {p: lib.optim.SGD([p], lr=0.1, momentum=0.9) for p in lin.parameters()}

    def hook(p):
        opts[p].step()
        opts[p].zero_grad()

    handles = [p.register_post_accumulate_grad_hook(hook) for p in lin.parameters()]
    x = lib.tensor(np.arange(8, dtype=np.float32).reshape(2, 4) / 8)
    for _ in range(steps):
        out = lin(x)
        (out * out).sum().backward()  # no optimizer.step(): the hooks did it
    assert all(p.grad is None for p in lin.parameters())
    for h in handles:
        h.remove()
    return lin.weight.detach().numpy(), lin.bias.detach().numpy()


def test_optimizer_in_backward_matches_torch():
    for ours, theirs in zip(train_in_backward(nnstudio), train_in_backward(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_runs_once_after_the_whole_gradient_is_accumulated():
    for lib in (nnstudio, torch):
        w = lib.ones(3, requires_grad=True)
        seen: list = []
        h = w.register_post_accumulate_grad_hook(lambda p, seen=seen: seen.append(p.grad.tolist()))
        ((w * 2).sum() + (w * 3).sum()).backward()  # w used twice: one accumulation
        assert seen == [[5.0, 5.0, 5.0]]
        h.remove()
        (w * 2).sum().backward()
        assert len(seen) == 1
        with pytest.raises(RuntimeError, match="non-leaf"):
            (w * 2).register_post_accumulate_grad_hook(lambda p: None)
