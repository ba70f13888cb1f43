"""grad_fn.name(), type(grad_fn).__name__ and grad_fn.next_functions: torch's node names, classes and edges, so
that programs that walk the backward graph (and print what they find) see torch's graph; AccumulateGrad nodes
for leaves."""

from __future__ import annotations

import pytest

import nnstudio
from tests.helpers.printed import assert_prints_as_torch

torch = pytest.importorskip("torch")


def _walk(fn, depth=0):
    if fn is None:
        print("  " * depth + "None")
        return
    print("  " * depth + fn.name(), type(fn).__name__)  # (torchviz prints the class's name)
    for nxt, index in fn.next_functions:
        assert index == 0
        _walk(nxt, depth + 1)


def _models(lib):
    nn = lib.nn
    x = lib.ones(4, 3)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 1), nn.Linear(1, 1, bias=False))
    _walk(nn.MSELoss()(model(x), lib.zeros(4, 1)).grad_fn)
    _walk(nn.CrossEntropyLoss()(model[0](x), lib.tensor([0, 1, 2, 3])).grad_fn)
    for reduction in ("mean", "sum", "none"):
        for loss in (nn.MSELoss, nn.SmoothL1Loss, nn.HuberLoss, nn.BCEWithLogitsLoss, nn.SoftMarginLoss):
            _walk(loss(reduction=reduction)(model(x), lib.ones(4, 1)).grad_fn)
        _walk(nn.BCELoss(reduction=reduction)(model(x).sigmoid(), lib.ones(4, 1)).grad_fn)


def _ops(lib):
    w = lib.ones(2, 2, requires_grad=True)
    v = lib.ones(2, requires_grad=True)
    _walk((w @ v).sum().grad_fn)
    _walk((v @ v).grad_fn)
    _walk(lib.bmm(w[None], w[None]).sum().grad_fn)
    _walk((lib.tanh(v) * 3 + v.exp() - v / 2).pow(2).sum().grad_fn)
    _walk(lib.sigmoid(v).log().neg().mean().grad_fn)
    _walk(lib.nn.functional.softmax(w, dim=1).max().grad_fn)
    _walk(w.min().grad_fn)
    _walk(v.view(2, 1).t().squeeze().unsqueeze(0).sum(1).grad_fn)
    _walk(lib.cat([v, v.detach()]).reshape(2, 2).transpose(0, 1)[0].sum().grad_fn)
    _walk(lib.nn.functional.nll_loss(lib.nn.functional.log_softmax(w, 1), lib.tensor([0, 1])).grad_fn)


@pytest.mark.parametrize("program", [_models, _ops], ids=lambda f: f.__name__.strip("_"))
def test_walking_the_graph_prints_as_torch(program):
    assert_prints_as_torch(program)


@pytest.mark.parametrize("lib", [nnstudio, torch], ids=lambda m: m.__name__)
def test_accumulate_grad_nodes(lib):
    w = lib.ones(2, 2, requires_grad=True)
    x = lib.ones(2, 2)
    y = (w @ x + w).sum()
    mm_node = y.grad_fn.next_functions[0][0].next_functions[0][0]
    acc = mm_node.next_functions[0][0]
    assert acc.name() == "torch::autograd::AccumulateGrad" and type(acc).__name__ == "AccumulateGrad"
    assert acc.variable is w and acc.next_functions == () and acc.metadata == {}
    assert y.grad_fn.next_functions[0][0].next_functions[1][0] is acc  # one node per leaf
    assert mm_node.next_functions[1] == (None, 0)
    assert isinstance(y.grad_fn, lib.autograd.graph.Node) and isinstance(acc, lib.autograd.graph.Node)
    assert repr(y.grad_fn).startswith("<SumBackward0 object at 0x")
    y.backward()
    assert y.grad_fn.name() == "SumBackward0"
    assert [n.name() for n, _ in y.grad_fn.next_functions] == ["AddBackward0"]  # edges stay after backward


def test_torch_class_keeps_the_primitive():
    from nnstudio.ops import reduction

    x = nnstudio.ones(3, requires_grad=True)
    loss = nnstudio.nn.functional.mse_loss(x * 2, nnstudio.zeros(3))
    node = loss.grad_fn
    assert type(node).__name__ == "MseLossBackward0" and isinstance(node, reduction.Mean)
    assert type(loss.grad_fn) is type(node) and node.name() == "MseLossBackward0"
    assert "MseLossBackward0" in repr(loss)
    loss.backward()
    assert x.grad.tolist() == pytest.approx([8 / 3] * 3)
    assert type(nnstudio.ones(2, requires_grad=True).sum().grad_fn).__name__ == "SumBackward0"
