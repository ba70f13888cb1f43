"""from_module on models written as classes: trace forward into a design with the module's weights, build it and
get the module's outputs, export it and get them again from PyTorch 2.13 running the exported code."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from trace_models import MODELS, BasicBlock, SequenceClassifier, SimpleNN, TinyTransformer

import nnstudio
import nnstudio.nn as nn
from nnstudio.graph import ModelGraph

#: name -> the blocks the design has, in order (Input and Output included)
EXPECTED = {
    "SimpleNN": ["x", "flatten1", "fc1", "act1", "fc2", "out"],
    "SequenceClassifier-LSTM": ["x", "rnn", "select1", "head", "out"],
    "SequenceClassifier-RNN": ["x", "rnn", "select1", "head", "out"],
    "TinyTransformer": ["x", "embed", "position", "add1", "encoder_layers_0", "mean1", "head", "out"],
    "LSTMClassifier": ["x", "lstm", "select1", "dropout", "fc", "out"],
    "Seq2Seq": ["src_in", "tgt_in", "src", "tgt", "core_encoder_layers_0", "core_encoder_norm", "core_decoder_layers_0",
                "core_decoder_layers_1", "core_decoder_norm", "out", "out1"],
}
#: name -> node count of the designs not spelled out above
COUNTS = {"MLP": 10, "LeNet": 14, "ResNet": 31, "TextClassifier": 8, "TransformerEncoderModel": 9,
          "HandTransformer": 26, "SqueezeExcite": 17,
          "BiLSTMClassifier": 13}


def _trace(name: str):
    factory, shape, dtype = MODELS[name]
    nnstudio.manual_seed(0)
    model = factory()
    return model, ModelGraph.from_module(model, shape, dtype=dtype)


def _outputs(module, xs) -> np.ndarray:
    module.eval()
    with nnstudio.no_grad():
        return module(*xs).detach().numpy()


@pytest.mark.parametrize("name", list(MODELS))
def test_the_design_computes_what_the_module_computes(name):
    model, g = _trace(name)
    r = g.infer_shapes()
    assert r.ok, r.problems()
    if name in EXPECTED:
        assert list(g) == EXPECTED[name]
    else:
        assert len(g) == COUNTS[name], list(g)
    assert r.total_params == sum(p.numel() for p in model.parameters())
    xs = g.example_inputs(batch_size=3, seed=1)
    np.testing.assert_allclose(_outputs(g.build(), xs), _outputs(model, xs), rtol=1e-5, atol=1e-6)
    assert not g.can_undo


@pytest.mark.parametrize("name", list(MODELS))
def test_torch_runs_the_exported_code_with_the_weights(name):
    model, g = _trace(name)
    namespace: dict = {}
    exec(compile(g.to_code(flavor="torch"), f"<{name}>", "exec"), namespace)
    tm = namespace["Model"]()
    built = g.build()
    tm.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy()) for k, v in built.state_dict().items()})
    tm.eval()
    xs = g.example_inputs(batch_size=3, seed=2)
    with torch.no_grad():
        got = tm(*[torch.from_numpy(x.numpy()) for x in xs]).numpy()
    np.testing.assert_allclose(got, _outputs(model, xs), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", list(MODELS))
def test_the_design_round_trips_through_json_and_nnstudio_code(name):
    model, g = _trace(name)
    back = ModelGraph.from_json(g.to_json())
    assert back.to_json() == g.to_json() and back.infer_shapes().shapes == g.infer_shapes().shapes
    namespace: dict = {}
    exec(compile(g.to_code(), f"<{name}>", "exec"), namespace)
    m = namespace["Model"]()
    m.load_state_dict(g.build().state_dict())
    xs = g.example_inputs(batch_size=2, seed=3)
    np.testing.assert_allclose(_outputs(m, xs), _outputs(model, xs), rtol=1e-5, atol=1e-6)


def test_blocks_are_named_after_submodule_paths_and_settings_are_read():
    _, g = _trace("ResNet")
    assert {"stem_0", "stem_1", "stem_2", "layer1_0_conv1", "layer1_1_bn2", "layer2_shortcut_0", "layer2_shortcut_1",
            "pool", "fc"} <= set(g)
    assert g["layer2_conv1"].config["stride"] == (2, 2) and g["layer2_conv1"].config["bias"] is False
    assert g["layer2_conv1"].config["in_channels"] is None  # auto: it follows from the input
    adds = [n for n, node in g.nodes.items() if node.type == "Add"]
    assert len(adds) == 3 and g[adds[0]].inputs == ("layer1_0_bn2", "stem_2")  # the skip connection
    _, t = _trace("TransformerEncoderModel")
    enc = t["encoder_layers_1"].config
    assert enc["norm_first"] and enc["activation"] == "gelu" and enc["dim_feedforward"] == 32
    assert t["permute1"].config["dims"] == (0, 2, 1) and t["encoder_norm"].type == "LayerNorm"


def test_weights_stay_until_a_block_changes():
    model, g = _trace("SimpleNN")
    fresh = g.build()
    np.testing.assert_array_equal(fresh.fc1.weight.detach().numpy(), model.fc1.weight.detach().numpy())
    g.update("fc1", out_features=64)  # fc1 and fc2 change (fc2's in_features follows); nothing else has weights
    built = g.build()
    assert built.fc1.weight.shape == (64, 784) and built.fc2.weight.shape == (10, 64)
    g.undo()
    np.testing.assert_array_equal(g.build().fc2.weight.detach().numpy(), model.fc2.weight.detach().numpy())
    copy = g.copy()
    copy.rename("fc2", "head")
    np.testing.assert_array_equal(copy.build().head.bias.detach().numpy(), model.fc2.bias.detach().numpy())
    opened = ModelGraph()
    opened.replace_with(g)  # the builder opening a traced design
    np.testing.assert_array_equal(opened.build().fc1.weight.detach().numpy(), model.fc1.weight.detach().numpy())
    assert not np.array_equal(ModelGraph.from_json(g.to_json()).build().fc1.weight.detach().numpy(),
                              model.fc1.weight.detach().numpy())


def test_the_module_and_the_random_stream_are_left_as_they_were():
    nnstudio.manual_seed(0)
    model = TinyTransformer()
    model.train()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    nnstudio.manual_seed(5)
    want = nnstudio.randn(3).numpy()
    nnstudio.manual_seed(5)
    ModelGraph.from_module(model, (15, 1))
    np.testing.assert_array_equal(nnstudio.randn(3).numpy(), want)
    assert model.training
    model.encoder.eval()  # a part frozen in eval mode stays so
    ModelGraph.from_module(model, (15, 1))
    assert model.training and not model.encoder.training and not model.encoder.layers[0].training
    assert all(np.array_equal(before[k], v.numpy()) for k, v in model.state_dict().items())
    x = nnstudio.randn(2, 15, 1)
    assert isinstance(x + nnstudio.ones(1), nnstudio.Tensor)  # the operators and functions are back
    assert nn.Module.__call__.__qualname__ == "Module.__call__" and nnstudio.relu.__module__ != "nnstudio.graph.trace"


def test_a_sequential_of_user_blocks_is_traced_and_keeps_weights():
    nnstudio.manual_seed(1)
    model = nn.Sequential(BasicBlock(3, 4, stride=2), nn.Flatten(), nn.Linear(4 * 3 * 3, 2))
    g = ModelGraph.from_module(model, (3, 6, 6))
    assert {"conv0_conv1", "conv0_shortcut_0", "flatten1", "fc2"} <= set(g)  # "0.conv1" is no identifier
    xs = g.example_inputs(2, seed=0)
    np.testing.assert_allclose(_outputs(g.build(), xs), _outputs(model, xs), rtol=1e-5, atol=1e-6)


def test_a_plain_sequential_keeps_its_weights_too():
    nnstudio.manual_seed(2)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
    g = ModelGraph.from_module(model, (2,))
    xs = g.example_inputs(4, seed=0)
    np.testing.assert_allclose(_outputs(g.build(), xs), _outputs(model, xs), rtol=1e-6)


def test_a_built_module_gives_its_trained_weights_back():
    model, g = _trace("LeNet")
    built = g.build()
    with nnstudio.no_grad():
        built.fc3.bias.fill_(0.5)
    back = ModelGraph.from_module(built, (1, 28, 28))
    assert back.to_json() == g.to_json()
    np.testing.assert_array_equal(back.build().fc3.bias.detach().numpy(), np.full(10, 0.5, np.float32))


def test_a_built_design_with_a_parameter_block_gives_all_its_weights_back():
    model, g = _trace("TinyTransformer")
    back = ModelGraph.from_module(g.build(), (15, 1))
    assert back["position"].type == "Parameter" and back["position"].config["shape"] == (1, 15, 32)
    xs = back.example_inputs(2, seed=4)
    np.testing.assert_allclose(_outputs(back.build(), xs), _outputs(model, xs), rtol=1e-5, atol=1e-6)
    assert "nn.Parameter(torch.zeros(1, 15, 32))" in g.to_code(flavor="torch")


def test_an_embedding_reading_the_input_makes_it_token_ids():
    class Late(nn.Module):  # the first registered layer is not the Embedding
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(0.1)
            self.embed = nn.Embedding(20, 4)

        def forward(self, ids):
            return self.drop(self.embed(ids)).mean(dim=1)

    g = ModelGraph.from_module(Late(), (7,))
    assert g["ids"].config["dtype"] == "int64" and g.infer_shapes().shapes["out"] == (4,)
    assert ModelGraph.from_module(Late(), (7,), dtype="int64")["ids"].config["dtype"] == "int64"


def test_several_inputs_and_outputs():
    class TwoTowers(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 4)
            self.b = nn.Linear(5, 4)

        def forward(self, left, right):
            joined = self.a(left) * self.b(right)
            return joined, nnstudio.cat([joined, joined.tanh()], dim=1)

    nnstudio.manual_seed(3)
    model = TwoTowers()
    g = ModelGraph.from_module(model, [(3,), (5,)])
    assert g.inputs == ["left", "right"] and len(g.outputs) == 2
    xs = g.example_inputs(2, seed=0)
    model.eval()
    want = model(*xs)
    got = g.build()(*xs)
    for w, o in zip(want, got):
        np.testing.assert_allclose(o.detach().numpy(), w.detach().numpy(), rtol=1e-6)


def test_functional_forms_and_methods_become_the_same_blocks():
    class Forms(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 6)

        def forward(self, x):                          # x: (N, 2, 3)
            y = nnstudio.flatten(x, 1).relu()
            y = nn.functional.gelu(self.fc(y), approximate="tanh")
            y = nnstudio.sigmoid(y).unsqueeze(1).reshape(-1, 2, 3)
            y = y.transpose(1, 2).contiguous().mean((2,), keepdim=True).squeeze(2)
            return nnstudio.softmax(nnstudio.add(y, x[:, 1]), dim=-1)

    nnstudio.manual_seed(4)
    model = Forms()
    g = ModelGraph.from_module(model, (2, 3))
    types = [node.type for node in g.nodes.values()]
    assert types[:5] == ["Input", "Flatten", "ReLU", "Linear", "GELU"] and "Permute" in types and types[-2] == "Softmax"
    xs = g.example_inputs(3, seed=0)
    np.testing.assert_allclose(_outputs(g.build(), xs), _outputs(model, xs), rtol=1e-5, atol=1e-6)


def test_the_notebook_models_open_as_the_studio_traces_them():
    g = ModelGraph.from_module(SequenceClassifier("GRU"), (8, 1))  # the built-in sequence data is (8, 1)
    assert g.infer_shapes().shapes["out"] == (2,)
    g = ModelGraph.from_module(SimpleNN(), (1, 28, 28))  # x.view(-1, 784) also reads an image with a channel
    assert g.infer_shapes().shapes["flatten1"] == (784,)


@pytest.mark.parametrize("dims, problem", [((0, 2, 1), None), ((0, -1, 1), None), ((1, 0, 2), "must start with 0"),
                                           ((0, 1), "all 3 dimensions"), ((0, 1, 1), "each dimension")])
def test_the_permute_block(dims, problem):
    g = ModelGraph()
    g.input("x", (3, 5))
    g.add("Permute", dims=dims)
    g.output("permute1")
    r = g.infer_shapes()
    if problem is None:
        assert r.ok and r.shapes["permute1"] == tuple(torch.zeros(2, 3, 5).permute(*dims).shape[1:])
    else:
        assert problem in r.errors["permute1"]


def test_add_and_multiply_stretch_sizes_of_one_as_torch_broadcasts():
    g = ModelGraph()
    g.input("x", (4, 3, 3))
    g.input("gate", (4, 1, 1))
    g.add("Multiply", inputs=["x", "gate"])
    g.output("mul1")
    r = g.infer_shapes()
    assert r.ok and r.shapes["mul1"] == (4, 3, 3)
    a, b = (torch.randn(2, 4, 3, 3), torch.randn(2, 4, 1, 1))
    np.testing.assert_allclose(g.build()(nnstudio.from_numpy(a.numpy()), nnstudio.from_numpy(b.numpy())).numpy(),
                               (a * b).numpy(), rtol=1e-6)
    g.update("gate", shape=(4, 2, 1))
    assert "a size of 1 stretches" in g.infer_shapes().errors["mul1"]
    g.update("gate", shape=(4, 1))
    assert "one shape" in g.infer_shapes().errors["mul1"]  # another rank: the batch would not line up


@pytest.mark.parametrize("dim, start, end", [(1, 1, 3), (2, 0, None), (-1, -2, None), (1, -3, -1), (2, 1, 4)])
def test_the_slice_block_cuts_as_torch_does(dim, start, end):
    g = ModelGraph()
    g.input("x", (4, 5))
    g.add("Slice", dim=dim, start=start, end=end)
    g.output("slice1")
    x = torch.randn(2, 4, 5)
    want = x[(slice(None),) * (dim % 3) + (slice(start, end),)]
    assert g.infer_shapes().shapes["slice1"] == tuple(want.shape[1:])
    got = g.build()(nnstudio.from_numpy(x.numpy())).numpy()
    np.testing.assert_array_equal(got, want.numpy())
    namespace: dict = {}
    exec(g.to_code(flavor="torch"), namespace)
    np.testing.assert_array_equal(namespace["Model"]()(x).numpy(), want.numpy())
    g.update("slice1", start=4, end=4)
    assert "keep nothing" in g.infer_shapes().errors["slice1"]


def test_the_parameter_block():
    g = ModelGraph()
    g.input("x", (4, 6))
    g.add("Parameter", name="pos", inputs=[], shape=(1, 4, 6))
    g.add("Add", inputs=["x", "pos"])
    g.output("add1")
    r = g.infer_shapes()
    assert r.ok and r.params["pos"] == 24 and r.shapes["pos"] == (4, 6)
    m = g.build()
    assert [n for n, _ in m.named_parameters()] == ["pos"]
    g.update("pos", shape=(2, 4, 6))
    assert "must start with 1" in g.infer_shapes().errors["pos"]


def _script_namespace(script: str) -> dict:
    """The imports, functions and classes of a tutorial script in tests/torch_scripts, run on nnstudio (the script's
    training code is left out)."""
    import ast
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(tests))
    try:
        from test_torch_scripts import to_nnstudio
    finally:
        sys.path.remove(str(tests))
    path = tests / "torch_scripts" / script
    tree = ast.parse(to_nnstudio(path.read_text(encoding="utf-8")))
    keep = [n for n in tree.body if isinstance(n, ast.Import | ast.FunctionDef | ast.ClassDef) or
            isinstance(n, ast.ImportFrom) and (n.module or "").startswith("nnstudio")]  # no dataset libraries
    namespace: dict = {"__name__": "tutorial"}
    exec(compile(ast.Module(body=keep, type_ignores=[]), str(path), "exec"), namespace)
    return namespace


@pytest.mark.parametrize("script, make, shape, blocks", [
    ("resnet_small.py", lambda ns: ns["ResNet"](ns["BasicBlock"], [1, 1, 1]), (3, 16, 16), 33),
    ("lstm_classifier.py", lambda ns: ns["LSTMClassifier"](50, 8, 16, 3), (12,), 8),
    ("mnist_digits.py", lambda ns: ns["Net"](), (1, 8, 8), 14),
])
def test_the_tutorial_scripts_models_trace(script, make, shape, blocks):
    nnstudio.manual_seed(0)
    model = make(_script_namespace(script))
    g = ModelGraph.from_module(model, shape)
    assert len(g) == blocks and g.infer_shapes().ok
    xs = g.example_inputs(batch_size=2, seed=5)
    np.testing.assert_allclose(_outputs(g.build(), xs), _outputs(model, xs), rtol=1e-5, atol=1e-6)
