"""build() to a GraphModule, and from_module() back: submodule names, forward, errors, round trips."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import nnstudio
from nnstudio import nn
from nnstudio.graph import GraphBuildError, GraphError, ModelGraph, starters


def test_submodules_and_parameters_are_named_after_the_nodes():
    g = starters.load("lenet")
    model = g.build()
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"]
    assert [n for n, _ in model.named_children()] == ["conv1", "act1", "pool1", "conv2", "act2", "pool2",
                                                     "flatten", "fc1", "act3", "head"]
    assert isinstance(model.conv1, nn.Conv2d) and model.conv1.in_channels == 1
    assert sum(p.numel() for p in model.parameters()) == g.infer_shapes().total_params
    assert "parameters=6,058" in repr(model) and "x: (N, 1, 8, 8)" in repr(model)


@pytest.mark.parametrize("name", starters.names())
def test_starters_build_and_train_one_step(name):
    g = starters.load(name)
    model = g.build()
    x = g.example_inputs(4)
    y = model(*x)
    assert tuple(y.shape) == (4, *g.infer_shapes().shapes["out"])
    loss = (y * y).mean()
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())


def test_starters_fit_their_datasets():
    from nnstudio.data import load

    for name, s in starters.STARTERS.items():
        if s.dataset == "digits":
            ds = load("digits", flat=False, n_samples=100)
        else:
            ds = load(s.dataset, **dict(s.dataset_options))
        g = s()
        assert tuple(ds.X_train.shape[1:]) == g["x"].config["shape"], name
        out = g.infer_shapes().shapes["out"]
        assert out == (ds.num_classes,), name
        assert starters.describe(name) and s.title


def test_build_of_a_broken_design_lists_every_problem():
    g = starters.load("mlp")
    g.update("fc2", in_features=5)
    g.add("ReLU", name="loose", inputs=["fc1"])
    with pytest.raises(GraphBuildError) as info:
        g.build()
    assert len(info.value.problems) == 2 and "fc2: in_features is 5" in str(info.value)
    assert "loose: its output goes nowhere" in str(info.value)
    with pytest.raises(GraphBuildError):
        ModelGraph().build()


def test_forward_checks_its_inputs():
    model = starters.load("mlp").build()
    with pytest.raises(ValueError, match=r"input x must be shaped \(N, 2\).*got \(4, 3\)"):
        model(nnstudio.randn(4, 3))
    with pytest.raises(TypeError, match="takes 1 input"):
        model(nnstudio.randn(4, 2), nnstudio.randn(4, 2))


def test_multi_input_multi_output_module():
    g = ModelGraph()
    g.input("img", (1, 4, 4))
    g.input("meta", (3,))
    g.add("Flatten", name="flat", inputs=["img"])
    g.add("Concat", name="both", inputs=["flat", "meta"])
    g.add("Linear", name="head", inputs=["both"], out_features=2)
    g.output("head")
    g.output("both", name="features")
    model = g.build()
    img, meta = g.example_inputs(5)
    head, feats = model(img, meta)
    assert tuple(head.shape) == (5, 2) and tuple(feats.shape) == (5, 19)
    np.testing.assert_allclose(feats.numpy()[:, 16:], meta.numpy())


def test_the_built_module_remembers_its_design():
    g = starters.load("residual")
    model = g.build()
    assert model.graph.to_json() == g.to_json()
    back = ModelGraph.from_module(model, (2,))
    assert back.to_json() == g.to_json() and not back.can_undo
    with pytest.raises(GraphError, match="built for input x shaped"):
        ModelGraph.from_module(model, (3,))


def test_from_sequential_reads_every_setting():
    model = nn.Sequential(
        nn.Unflatten(1, (1, 8, 8)),
        nn.Conv2d(1, 4, 3, stride=1, padding=1, bias=False),
        nn.BatchNorm2d(4, eps=1e-3, momentum=None),
        nn.ReLU(),
        nn.MaxPool2d(2, stride=2),
        nn.Sequential(nn.Flatten(), nn.Dropout(0.25)),  # nested: inlined
        nn.Linear(64, 10),
        nn.LogSoftmax(dim=1),
    )
    g = ModelGraph.from_module(model, (64,))
    r = g.infer_shapes()
    assert r.ok and r.shapes["out"] == (10,)
    assert [n.type for n in g.nodes.values()] == ["Input", "Unflatten", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d",
                                                  "Flatten", "Dropout", "Linear", "LogSoftmax", "Output"]
    assert list(g)[:4] == ["x", "unflatten1", "conv1", "bn1"]  # "0", "1" ... are not identifiers
    conv = g["conv1"].config
    assert conv["in_channels"] is None and conv["bias"] is False and conv["kernel_size"] == (3, 3)
    assert g["bn1"].config["momentum"] is None and g["bn1"].config["eps"] == 1e-3
    assert g["drop1"].config["p"] == 0.25 and g["act2"].config["dim"] == 1
    built = g.build()
    assert [tuple(p.shape) for p in built.parameters()] == [tuple(p.shape) for p in model.parameters()]


def test_from_sequential_keeps_good_names_and_explicit_sizes_when_asked():
    model = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 8)), ("act", nn.Tanh()), ("head", nn.Linear(8, 3))]))
    g = ModelGraph.from_module(model, (2,))
    assert list(g) == ["x", "hidden", "act", "head", "out"] and g["head"].config["in_features"] is None
    exact = ModelGraph.from_module(model, (2,), auto=False)
    assert exact["head"].config["in_features"] == 8
    wrong = ModelGraph.from_module(model, (5,), auto=True)  # a mismatch stays explicit, and shows as an error
    assert wrong["hidden"].config["in_features"] == 2 and "hidden" in wrong.infer_shapes().errors


def test_from_sequential_with_embedding_and_recurrent_layers():
    model = nn.Sequential(nn.Embedding(30, 8, padding_idx=0), nn.TransformerEncoderLayer(8, 2, 16, batch_first=True,
                                                                                            activation="gelu"))
    g = ModelGraph.from_module(model, (5,))
    assert g["x"].config["dtype"] == "int64"
    enc = g["encoder1"].config
    assert enc["activation"] == "gelu" and enc["dim_feedforward"] == 16 and enc["nhead"] == 2
    assert g.infer_shapes().shapes["out"] == (5, 8)


@pytest.mark.parametrize("module, words", [
    (nn.Sequential(nn.Linear(2, 2), nn.LSTM(2, 3)), "batch_first=True"),
    (nn.Sequential(nn.MultiheadAttention(4, 2)), "batch_first=True"),
    (nn.Sequential(nn.MaxPool2d(2, return_indices=True)), "return_indices"),
    (nn.Sequential(nn.CrossEntropyLoss()), "cannot place"),
    (nn.Sequential(), "empty"),
    (nn.ModuleList([nn.Linear(2, 2)]), "nn.Sequential"),
])
def test_from_module_refuses_what_it_cannot_place(module, words):
    with pytest.raises(GraphError, match=words):
        ModelGraph.from_module(module, (2,))


def test_from_module_of_a_single_layer():
    g = ModelGraph.from_module(nn.Linear(3, 4), (3,))
    assert list(g) == ["x", "layer", "out"] and g.infer_shapes().ok


def test_from_a_torch_sequential():
    import torch

    tm = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(), torch.nn.Flatten(),
                             torch.nn.Linear(144, 10))
    g = ModelGraph.from_module(tm, (1, 8, 8))
    assert g.infer_shapes().ok and g.infer_shapes().shapes["out"] == (10,)
    built = g.build()
    assert [tuple(p.shape) for p in built.parameters()] == [tuple(p.shape) for p in tm.parameters()]
